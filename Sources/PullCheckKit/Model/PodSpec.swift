import DistributionReference

/// The parts of a pod spec that decide how images are pulled.
struct PodSpec: Sendable {
    let span: SourceSpan
    let containers: [Container]
    /// `imagePullSecrets` items; empty when absent.
    let imagePullSecrets: [NameReference]
    /// Where `imagePullSecrets` is written, if it is.
    let imagePullSecretsKeySpan: SourceSpan?
    /// `serviceAccountName`, or the deprecated `serviceAccount` when that is all there is.
    let serviceAccountName: ScalarField?

    /// - Parameters:
    ///   - metadata: the pod template's `metadata` (for what mutating webhooks fill in).
    ///   - partial: the containers patch ones an operator generates, and may leave out `image`.
    init(document: YAMLDocument, spec: NodeID, metadata: NodeID? = nil, partial: Bool = false) {
        span = document.span(spec)
        let injection = IstioInjection(document: document, metadata: metadata)
        var containers: [Container] = []
        for kind in Container.Kind.allCases where kind != .other {
            guard let list = document.value(kind.fieldName, in: spec), document.kind(list) == .sequence else { continue }
            for (index, item) in document.items(list).enumerated() {
                containers.append(
                    Container(document: document, node: item, kind: kind, index: index, injection: injection, partial: partial))
            }
        }
        self.containers = containers
        let pullSecrets = document.entry("imagePullSecrets", in: spec)
        imagePullSecrets = document.nameReferences(pullSecrets?.value)
        imagePullSecretsKeySpan = pullSecrets.map { document.span($0.key) }
        let account = ScalarField.read("serviceAccountName", in: spec, of: document)
        if let account, !account.isEmptyOrNull {
            serviceAccountName = account
        } else {
            serviceAccountName = ScalarField.read("serviceAccount", in: spec, of: document) ?? account
        }
    }

    /// The containers and images of a custom resource that live outside a pod spec (Argo's
    /// `templates[].container`, Tekton's `steps`, `spec.image`), with the pull secrets and
    /// ServiceAccount the operator gives their pods.
    init(
        document: YAMLDocument, span: SourceSpan, containers: [Container], pullSecrets: (key: NodeID, value: NodeID)?,
        pullSecretsAreStrings: Bool, serviceAccount: ScalarField?
    ) {
        self.span = span
        self.containers = containers
        imagePullSecrets = document.nameReferences(pullSecrets?.value, allowStrings: pullSecretsAreStrings)
        imagePullSecretsKeySpan = pullSecrets.map { document.span($0.key) }
        serviceAccountName = serviceAccount
    }

    /// The ServiceAccount the pod runs as (`default` when none is named).
    var effectiveServiceAccount: String {
        guard let account = serviceAccountName, !account.isEmptyOrNull, !account.isCollection else { return "default" }
        return account.value
    }
}

/// One container, init container or ephemeral container.
struct Container: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case container, initContainer, ephemeralContainer
        /// A container or image field of a custom resource, named by its path.
        case other

        var fieldName: StaticString {
            switch self {
            case .container: return "containers"
            case .initContainer: return "initContainers"
            case .ephemeralContainer: return "ephemeralContainers"
            case .other: return ""
            }
        }

        /// "container", "init container", "ephemeral container".
        var displayName: String {
            switch self {
            case .container: return "container"
            case .initContainer: return "init container"
            case .ephemeralContainer: return "ephemeral container"
            case .other: return "container"
            }
        }
    }

    let kind: Kind
    /// 0-based index in its list.
    let index: Int
    let name: String?
    /// The container's mapping (it starts at the first key after `- `).
    let span: SourceSpan
    let image: ScalarField?
    let imagePullPolicy: ScalarField?
    /// The parsed image, when `image` is a non-empty string.
    let reference: Result<ImageReference, ImageReferenceError>?
    /// What fills the image in at admission, when something does (`image: auto` for Istio's
    /// gateway injection): the image rules leave it alone.
    let imageFilledBy: String?
    /// The container patches one an operator generates: it may leave out `image`.
    let mayOmitImage: Bool
    /// Where a custom resource keeps it (`spec.templates[0].container`), for messages.
    let path: String?

    init(
        document: YAMLDocument, node: NodeID, kind: Kind, index: Int, injection: IstioInjection? = nil, partial: Bool = false,
        path: String? = nil
    ) {
        self.kind = kind
        self.index = index
        self.path = path
        mayOmitImage = partial
        let mapping = document.kind(node) == .mapping ? node : nil
        name = mapping.flatMap { document.value("name", in: $0) }.flatMap { document.nonNullString($0) }
        span = document.span(node)
        image = ScalarField.read("image", in: mapping, of: document)
        imagePullPolicy = ScalarField.read("imagePullPolicy", in: mapping, of: document)
        (reference, imageFilledBy) = Self.parse(image, injection: injection)
    }

    /// An image field of a custom resource outside any container (`spec.image`).
    init(document: YAMLDocument, imageKey: NodeID, imageValue: NodeID, path: String, index: Int) {
        kind = .other
        self.index = index
        self.path = path
        name = nil
        mayOmitImage = true
        span = document.span(imageValue)
        let field = ScalarField(document: document, key: imageKey, value: imageValue)
        image = field
        imagePullPolicy = nil
        (reference, imageFilledBy) = Self.parse(field, injection: nil)
    }

    private static func parse(_ image: ScalarField?, injection: IstioInjection?) -> (Result<ImageReference, ImageReferenceError>?, String?)
    {
        guard let image, !image.isCollection, !image.isEmptyOrNull, image.nonStringType == nil else { return (nil, nil) }
        if image.value == "auto", let injection, let reason = injection.reason { return (nil, reason) }
        return (ImageReference.parse(image.value), nil)
    }

    /// `container "web"`, `init container "migrate"`, or `container #2` when unnamed; for custom
    /// resources the path (`container "main" (spec.templates[0].container)`, `image spec.image`).
    var displayName: String { Self.displayName(kind: kind, index: index, name: name, path: path) }

    /// The shared wording of container names, for containers and the facts kept of them.
    static func displayName(kind: Kind, index: Int, name: String?, path: String?) -> String {
        if kind == .other, name == nil, let path {
            return path.hasSuffix("image") || path.hasSuffix("imageName") ? "image \(path)" : "container \(path)"
        }
        let base = name.map { "\(kind.displayName) \"\($0)\"" } ?? "\(kind.displayName) #\(index + 1)"
        if let path { return base + " (\(path))" }
        return base
    }

    /// The parsed image, if it parsed.
    var validReference: ImageReference? {
        if case .success(let reference) = reference { return reference }
        return nil
    }

    /// Whether `imagePullPolicy` is written (not defaulted).
    var hasExplicitPullPolicy: Bool {
        guard let policy = imagePullPolicy else { return false }
        return !policy.isEmptyOrNull
    }
}

/// Istio's gateway injection: a pod template labelled for injection gets its `image: auto`
/// replaced by the proxy image at admission.
struct IstioInjection {
    let reason: String?

    init(document: YAMLDocument, metadata: NodeID?) {
        guard let metadata, document.kind(metadata) == .mapping else {
            reason = nil
            return
        }
        let annotations = document.stringMap(document.value("annotations", in: metadata))
        let labels = document.stringMap(document.value("labels", in: metadata))
        if let template = annotations.first(where: { $0.key == "inject.istio.io/templates" }) {
            reason = "Istio's injection webhook replaces image: auto (inject.istio.io/templates: \(template.value))"
        } else if labels.contains(where: { ($0.key == "sidecar.istio.io/inject" && $0.value == "true") || $0.key == "istio.io/rev" }) {
            reason = "Istio's injection webhook replaces image: auto (the pod template is labelled for injection)"
        } else {
            reason = nil
        }
    }
}

/// A ServiceAccount's pull secrets.
struct ServiceAccountObject: Sendable {
    let imagePullSecrets: [NameReference]

    init(document: YAMLDocument, root: NodeID) {
        imagePullSecrets = document.nameReferences(document.value("imagePullSecrets", in: root))
    }
}
