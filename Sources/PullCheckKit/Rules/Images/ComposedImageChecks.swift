import DistributionReference
import TextSupport

/// An image reference assembled from several fields (a kustomization's `images:` entry, a Helm
/// chart's `image: {registry, repository, tag, digest}`), with where each part is written, so a
/// finding points at the field that holds the fault.
struct ComposedImage {
    struct Part {
        let field: ScalarField
        /// Where the field's value lies in `text`, in Unicode scalars.
        let range: Range<Int>
    }

    private(set) var text = ""
    private(set) var parts: [Part] = []
    private var count = 0

    mutating func append(_ literal: String) {
        text += literal
        count += literal.unicodeScalars.count
    }

    mutating func append(_ field: ScalarField) {
        let start = count
        append(field.value)
        parts.append(Part(field: field, range: start..<count))
    }

    /// The whole value of the field holding the character at `offset`.
    func fieldSpan(containing offset: Int) -> SourceSpan? {
        (parts.first { $0.range.contains(offset) } ?? parts.last)?.field.contentSpan
    }

    /// The field holding the character at `offset` and the span of `range` inside it.
    func span(ofCharacters range: Range<Int>) -> SourceSpan? {
        guard
            let part = parts.first(where: { $0.range.contains(range.lowerBound) })
                ?? parts.last(where: { $0.range.lowerBound <= range.lowerBound })
        else { return parts.first?.field.span }
        let lower = max(0, range.lowerBound - part.range.lowerBound)
        let upper = max(lower, min(range.upperBound, part.range.upperBound) - part.range.lowerBound)
        return part.field.span(ofCharacters: lower..<upper)
    }
}

/// The image rules' judgements for references that are not a container's `image`: each is
/// reported under the rule that judges the same fault in a container.
struct ComposedImageChecks {
    let configuration: Configuration
    let file: String
    var diagnostics: [Diagnostic] = []

    init(configuration: Configuration, file: String) {
        self.configuration = configuration
        self.file = file
    }

    mutating func report(_ rule: any Rule.Type, _ message: String, at span: SourceSpan, image: String?) {
        let description = rule.description
        guard configuration.isEnabled(description) else { return }
        diagnostics.append(
            Diagnostic(
                ruleID: description.id, severity: configuration.severity(description), message: message, file: file, span: span,
                image: image))
    }

    /// Checks `image`, described as `what` ("images entry \"nginx\"").
    /// - Parameters:
    ///   - tagIsInherited: the tag comes from elsewhere (a base's manifest): no tag rules.
    ///   - tagHint: appended to the missing-tag message.
    ///   - pullPolicy: the policy that goes with the image, if any.
    mutating func check(
        _ image: ComposedImage, what: String, anchor: SourceSpan, tagIsInherited: Bool = false, tagHint: String = "",
        tagField: ScalarField? = nil, tagNote: String = "", pullPolicy: ScalarField? = nil
    ) {
        for part in image.parts {
            if let placeholder = part.field.placeholder {
                report(
                    TemplatedValueRule.self,
                    "\(what) holds a placeholder (\(TemplatedValueRule.shown(part.field))): \(placeholder.message); pullcheck checks the image once it is filled in",
                    at: TemplatedValueRule.span(of: placeholder, in: part.field), image: nil)
                return
            }
        }
        let shown = displayText(image.text, limit: 120, escapeQuotes: true)
        switch ImageReference.parse(image.text) {
        case .failure(let error):
            let span = image.span(ofCharacters: error.offset..<(error.offset + max(1, error.length))) ?? anchor
            report(
                InvalidImageRefRule.self, "\(what) makes the image \"\(shown)\": \(error.message); kubelet will fail with InvalidImageName",
                at: span, image: image.text)
        case .success(let reference):
            if !tagIsInherited, reference.digest == nil {
                if reference.tag == "latest" {
                    let span = reference.tagRange.flatMap { image.span(ofCharacters: $0) } ?? anchor
                    report(
                        LatestTagRule.self,
                        "\(what) makes the image \"\(shown)\" with the mutable tag latest\(tagNote); pin a version tag or a digest",
                        at: span, image: image.text)
                } else if reference.tag == nil {
                    report(
                        MissingTagRule.self,
                        "\(what) makes the image \"\(shown)\" with no tag, so kubelet pulls \(reference.pullReference)\(tagHint); pin a version tag or a digest",
                        at: tagField?.span ?? image.fieldSpan(containing: reference.pathRange.lowerBound) ?? anchor, image: image.text)
                }
            }
            if let retirement = KnownRegistries.retirement(for: reference), !(retirement.state == .frozen && reference.digest != nil) {
                let span = image.span(ofCharacters: reference.domainRange ?? reference.pathRange) ?? anchor
                report(
                    DeprecatedRegistryRule.self,
                    "\(what) makes the image \"\(shown)\": \(retirement.what); use \(retirement.replacement) (\(retirement.reference))",
                    at: span, image: image.text)
            }
            if let domainRange = reference.domainRange,
                let explanation = KnownRegistries.typoExplanation(for: reference, configuration: configuration)
            {
                report(
                    RegistryTypoRule.self, "\(what) makes the image \"\(shown)\": \(explanation)",
                    at: image.span(ofCharacters: domainRange) ?? anchor, image: image.text)
            }
            if let pullPolicy, pullPolicy.value == "Always", reference.digest != nil {
                report(
                    AlwaysPullImmutableRule.self,
                    "\(what) pulls \"\(shown)\" with pullPolicy Always although the digest pins it: every start contacts the registry (rate limits, outages) for an image that cannot change; use IfNotPresent",
                    at: pullPolicy.span, image: image.text)
            }
        }
    }
}

/// A kustomization's `images:` entries, checked as the references they produce.
struct KustomizationImageChecks {
    let configuration: Configuration
    let file: String

    func check(_ document: YAMLDocument, root: NodeID) -> [Diagnostic] {
        guard document.kind(root) == .mapping, let list = document.value("images", in: root), document.kind(list) == .sequence else {
            return []
        }
        var checks = ComposedImageChecks(configuration: configuration, file: file)
        for item in document.items(list) where document.kind(item) == .mapping {
            let name = ScalarField.read("name", in: item, of: document)
            let newName = ScalarField.read("newName", in: item, of: document).flatMap { $0.isEmptyOrNull ? nil : $0 }
            let newTag = ScalarField.read("newTag", in: item, of: document).flatMap { $0.isEmptyOrNull ? nil : $0 }
            let digest = ScalarField.read("digest", in: item, of: document).flatMap { $0.isEmptyOrNull ? nil : $0 }
            guard let base = newName ?? name, !base.isEmptyOrNull, !base.isCollection else { continue }
            if let field = [newTag, digest].compactMap({ $0 }).first(where: { $0.isCollection || $0.nonStringType == "a boolean" }) {
                checks.report(
                    InvalidImageRefRule.self,
                    "kustomization images entry \"\(displayText(name?.value ?? base.value, limit: 80))\" has a \(field.keySpan == newTag?.keySpan ? "newTag" : "digest") that is not a string",
                    at: field.span, image: nil)
                continue
            }
            var image = ComposedImage()
            image.append(base)
            if let digest {
                image.append("@")
                image.append(digest)
            } else if let newTag {
                image.append(":")
                image.append(newTag)
            }
            checks.check(
                image, what: "kustomization images entry \"\(displayText(name?.value ?? base.value, limit: 80, escapeQuotes: true))\"",
                anchor: document.span(item), tagIsInherited: newTag == nil && digest == nil,
                tagNote: " for every resource it applies to")
        }
        return checks.diagnostics
    }
}
