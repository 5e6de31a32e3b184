/// A Helm chart's values file, checked by the conventions charts use for images: a mapping with
/// a `repository` (and `registry`, `tag`, `digest`, `pullPolicy`) at any depth, `global.imageRegistry`,
/// and a plain string under a key named `image` or ending in `Image` (`containerImage`).
struct HelmValuesChecks {
    let configuration: Configuration
    let file: String
    let chart: HelmChart
    /// How the values are named in messages: `values` for a values file, `spec.values` for a
    /// HelmRelease's inline values.
    var prefix = "values"
    /// The chart is elsewhere (a HelmRelease's or an Argo CD Application's): whether an empty tag
    /// falls back to its `appVersion` cannot be known, so it is not reported.
    var chartUnknown = false

    /// Values nest a few levels; this bounds the walk on hostile input.
    static let maxDepth = 64

    func check(_ document: YAMLDocument, root: NodeID) -> [Diagnostic] {
        guard document.kind(root) == .mapping else { return [] }
        var checks = ComposedImageChecks(configuration: configuration, file: file)
        var globalRegistry: ScalarField?
        if let global = document.value("global", in: root), document.kind(global) == .mapping,
            let field = ScalarField.read("imageRegistry", in: global, of: document), !field.isEmptyOrNull, !field.isCollection
        {
            globalRegistry = field
        }
        // (node, path, depth)
        var stack: [(NodeID, String, Int)] = [(root, "", 0)]
        while let (node, path, depth) = stack.popLast() {
            guard depth < Self.maxDepth else { continue }
            switch document.kind(node) {
            case .mapping:
                if isImageMapping(document, node, path: path) {
                    checkMapping(document, node, path: path, globalRegistry: globalRegistry, into: &checks)
                    continue
                }
                for (key, value) in document.entries(node).reversed() {
                    guard let name = document.string(key) else { continue }
                    let childPath = path.isEmpty ? name : path + "." + name
                    if name.lowercased().hasSuffix("image"), document.kind(value) == .scalar {
                        let field = ScalarField(document: document, key: key, value: value)
                        if !field.isEmptyOrNull, field.nonStringType == nil {
                            checkString(field, path: childPath, mapping: node, document: document, into: &checks)
                        }
                        continue
                    }
                    stack.append((value, childPath, depth + 1))
                }
            case .sequence:
                for (index, item) in document.items(node).enumerated().reversed() {
                    stack.append((item, "\(path)[\(index)]", depth + 1))
                }
            default:
                continue
            }
        }
        return checks.diagnostics
    }

    /// `{repository: ..., tag: ...}` under a key that names an image, or with image-like siblings.
    private func isImageMapping(_ document: YAMLDocument, _ node: NodeID, path: String) -> Bool {
        guard let repository = document.value("repository", in: node), document.kind(repository) == .scalar else { return false }
        let key = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        if key.contains("image") { return true }
        return ["tag", "registry", "digest", "pullPolicy"].contains { name in
            document.entries(node).contains { document.string($0.key) == name }
        }
    }

    /// The inline chart values of a Flux `HelmRelease` (`spec.values`) or an Argo CD `Application`
    /// (`spec.source.helm.valuesObject`, and each of `spec.sources`), checked like a values file.
    static func inlineValues(of object: ManifestObject, configuration: Configuration, file: String) -> [Diagnostic] {
        guard let kind = object.kind, let apiVersion = object.apiVersion, let spec = object.specNode else { return [] }
        let document = object.document
        var found: [(NodeID, String)] = []
        if kind == "HelmRelease", apiVersion.hasPrefix("helm.toolkit.fluxcd.io/") {
            if let values = document.value("values", in: spec) { found.append((values, "spec.values")) }
        } else if kind == "Application", apiVersion.hasPrefix("argoproj.io/") {
            for (source, path) in document.nodes(at: "source", from: spec) + document.nodes(at: "sources[]", from: spec) {
                if let values = document.nodes(at: "helm.valuesObject", from: source).first?.node {
                    found.append((values, "spec.\(path).helm.valuesObject"))
                }
            }
        } else {
            return []
        }
        var diagnostics: [Diagnostic] = []
        for (values, path) in found where document.kind(values) == .mapping {
            var checks = HelmValuesChecks(
                configuration: configuration, file: file, chart: HelmChart(root: "", appVersion: nil, templatesUseAppVersion: true))
            checks.prefix = path
            checks.chartUnknown = true
            diagnostics += checks.check(document, root: values)
        }
        return diagnostics
    }

    private func checkMapping(
        _ document: YAMLDocument, _ node: NodeID, path: String, globalRegistry: ScalarField?, into checks: inout ComposedImageChecks
    ) {
        func field(_ key: StaticString) -> ScalarField? {
            guard let field = ScalarField.read(key, in: node, of: document), !field.isCollection, !field.isEmptyOrNull else { return nil }
            return field
        }
        guard let repository = field("repository"), repository.nonStringType == nil else { return }
        let registry = globalRegistry ?? field("registry")
        let digest = field("digest")
        let tagField = ScalarField.read("tag", in: node, of: document)
        let tag = tagField.flatMap { $0.isEmptyOrNull || $0.isCollection ? nil : $0 }
        let what = "\(prefix) \(path.isEmpty ? "image" : path)"
        var image = ComposedImage()
        if let registry {
            image.append(registry)
            image.append("/")
        }
        image.append(repository)
        var tagNote = ""
        var tagHint = ""
        if let digest {
            image.append("@")
            image.append(digest)
        } else if let tag {
            if tag.nonStringType == "a number", let rendered = Self.renderedNumber(tag.value), rendered != tag.value {
                checks.report(
                    InvalidImageRefRule.self,
                    "\(what).tag is \(tag.value), which YAML reads as a number: Helm renders it as \(rendered), so kubelet pulls the tag \(rendered); quote it: tag: \"\(tag.value)\"",
                    at: tag.span, image: nil)
                return
            }
            image.append(":")
            image.append(tag)
        } else if chart.templatesUseAppVersion, let appVersion = chart.appVersion, !appVersion.isEmpty {
            // The common `{{ .Values.image.tag | default .Chart.AppVersion }}`.
            let anchor = tagField?.span ?? repository.span
            var appImage = image
            appImage.append(":" + appVersion)
            if appVersion == "latest" {
                checks.report(
                    LatestTagRule.self,
                    "\(what).tag is empty, so the chart's appVersion \"latest\" is used: the mutable tag latest; set a version tag",
                    at: anchor, image: appImage.text)
            }
            return
        } else if chartUnknown {
            return
        } else {
            tagHint = chart.appVersion == nil ? "" : " (the chart's templates do not fall back to .Chart.AppVersion)"
            tagNote = ""
        }
        checks.check(
            image, what: what, anchor: document.span(node), tagHint: tagHint, tagField: tagField, tagNote: tagNote,
            pullPolicy: field("pullPolicy"))
    }

    /// How Helm prints a number from values (Go's `%v` of a float64): the shortest form, so `1.10`
    /// becomes `1.1`, `1.0` becomes `1`, and seven or more digits go to exponent form (`1e+06`).
    /// nil when pullcheck cannot tell (hex, octal, exponents).
    static func renderedNumber(_ text: String) -> String? {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), text.filter({ $0 == "." }).count <= 1,
            text.contains(where: \.isNumber)
        else { return nil }
        // `010` is octal in YAML 1.1 (8): not modelled.
        if !text.contains("."), text.count > 1, text.first == "0" { return nil }
        var integer = Substring(text.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
        var fraction = text.contains(".") ? Substring(text.split(separator: ".", omittingEmptySubsequences: false).last ?? "") : ""
        while integer.count > 1, integer.first == "0" { integer = integer.dropFirst() }
        if integer.isEmpty { integer = "0" }
        while fraction.last == "0" { fraction = fraction.dropLast() }
        if fraction.isEmpty, integer.count >= 7 { return nil }  // exponent form; not worth modelling
        return fraction.isEmpty ? String(integer) : integer + "." + fraction
    }

    private func checkString(
        _ field: ScalarField, path: String, mapping: NodeID, document: YAMLDocument, into checks: inout ComposedImageChecks
    ) {
        var image = ComposedImage()
        image.append(field)
        let policy =
            ScalarField.read("imagePullPolicy", in: mapping, of: document) ?? ScalarField.read("pullPolicy", in: mapping, of: document)
        checks.check(image, what: "\(prefix) \(path)", anchor: field.span, pullPolicy: policy)
    }
}
