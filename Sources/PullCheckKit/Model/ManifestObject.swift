/// One Kubernetes object of a manifest, with the parts pullcheck's rules read.
struct ManifestObject: Sendable {
    let apiVersion: String?
    let kind: String?
    let name: String?
    /// `metadata.namespace` as written; nil means "wherever `kubectl apply -n` puts it".
    let namespace: String?
    /// The document the object was read from; valid while its document is being linted.
    let document: YAMLDocument
    let metadataNode: NodeID?
    /// The object's own mapping (an item of a List, or the document's root).
    let objectNode: NodeID?
    /// The whole object, and its identifying fields.
    let span: SourceSpan
    let kindSpan: SourceSpan?
    let nameSpan: SourceSpan?
    /// 0-based position of the object among its file's objects.
    let ordinal: Int
    /// The pod specs: one for workloads and any kind with `spec.template.spec.containers`; those of
    /// a known custom resource (see `PodShapes`), whose containers and images outside a pod spec
    /// come first, as one pod.
    let podSpecs: [PodSpec]
    /// Whether the object is of a kind pullcheck does not know and holds an `image:` somewhere.
    let hasUnknownImages: Bool
    var podSpec: PodSpec? { podSpecs.first }
    /// For Secrets and the objects that create one (SealedSecret, ExternalSecret).
    let secret: SecretObject?
    /// For ServiceAccounts.
    let serviceAccount: ServiceAccountObject?

    var reference: ObjectReference {
        ObjectReference(apiVersion: apiVersion, kind: kind, name: name, namespace: namespace)
    }

    /// `metadata.labels` (read on demand: no rule needs them on the hot path).
    var labels: [(key: String, value: String, keySpan: SourceSpan)] {
        document.stringMap(metadataNode.flatMap { document.value("labels", in: $0) })
    }

    /// `metadata.annotations`.
    var annotations: [(key: String, value: String, keySpan: SourceSpan)] {
        document.stringMap(metadataNode.flatMap { document.value("annotations", in: $0) })
    }

    /// The lines of a Secret's `data` and `stringData` and a SealedSecret's `encryptedData`.
    var secretDataLines: [ClosedRange<Int>] {
        guard let root = document.root else { return [] }
        var sections: [NodeID] = []
        for key: StaticString in ["data", "stringData"] {
            if let entry = document.entry(key, in: objectNode ?? root) { sections.append(entry.value) }
        }
        if let spec = document.value("spec", in: objectNode ?? root), let entry = document.entry("encryptedData", in: spec) {
            sections.append(entry.value)
        }
        return sections.map { node in
            let span = document.span(node)
            return span.start.line...max(span.start.line, span.end.line)
        }
    }

    /// `spec`, if the object has one.
    var specNode: NodeID? {
        guard let node = objectNode ?? document.root, document.kind(node) == .mapping else { return nil }
        return document.value("spec", in: node)
    }

    /// Where findings about the object as a whole point: its name, else its kind, else its start.
    var anchorSpan: SourceSpan { nameSpan ?? kindSpan ?? SourceSpan(at: span.start) }
}

/// Reads objects out of documents.
enum ManifestReader {
    /// Lists nest at most this deep (a List of Lists is legal but never deeper in practice).
    static let maxListDepth = 4

    /// The objects of a document: the root object, or the items of a `...List`. Returns nil when
    /// the document is not a Kubernetes object (no `apiVersion` or no `kind`).
    /// `keepPullCredentials` (online mode only) keeps the decoded credentials of pull secrets in memory.
    static func objects(
        in document: YAMLDocument, firstOrdinal: Int, customResources: [PodShape] = [], keepPullCredentials: Bool = false
    ) -> [ManifestObject]? {
        guard let root = document.root, document.kind(root) == .mapping, isObject(root, document) else { return nil }
        var result: [ManifestObject] = []
        collect(
            root, document: document, depth: 0, into: &result, firstOrdinal: firstOrdinal, custom: customResources,
            keepPullCredentials: keepPullCredentials)
        return result
    }

    static func isObject(_ node: NodeID, _ document: YAMLDocument) -> Bool {
        guard document.kind(node) == .mapping,
            let kind = document.value("kind", in: node), document.kind(kind) == .scalar, !document.isNull(kind),
            let apiVersion = document.value("apiVersion", in: node), document.kind(apiVersion) == .scalar,
            !document.isNull(apiVersion)
        else { return false }
        return true
    }

    private static func collect(
        _ node: NodeID, document: YAMLDocument, depth: Int,
        into result: inout [ManifestObject], firstOrdinal: Int, custom: [PodShape], keepPullCredentials: Bool
    ) {
        let kind = document.value("kind", in: node).flatMap { document.nonNullString($0) }
        if let kind, kind.hasSuffix("List"), depth < maxListDepth,
            let items = document.value("items", in: node), document.kind(items) == .sequence
        {
            for item in document.items(items) where isObject(item, document) {
                collect(
                    item, document: document, depth: depth + 1, into: &result, firstOrdinal: firstOrdinal, custom: custom,
                    keepPullCredentials: keepPullCredentials)
            }
            return
        }
        result.append(
            read(node, document: document, ordinal: firstOrdinal + result.count, custom: custom, keepPullCredentials: keepPullCredentials))
    }

    private static func read(_ node: NodeID, document: YAMLDocument, ordinal: Int, custom: [PodShape], keepPullCredentials: Bool)
        -> ManifestObject
    {
        let metadata = document.value("metadata", in: node).map { document.resolve($0) }
        let kindNode = document.value("kind", in: node)
        let kind = kindNode.flatMap { document.nonNullString($0) }
        let nameNode = metadata.flatMap { document.value("name", in: $0) }
        let name = nameNode.flatMap { document.nonNullString($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let namespace = metadata.flatMap { document.value("namespace", in: $0) }.flatMap { document.nonNullString($0) }
            .flatMap { $0.isEmpty ? nil : $0 }
        let spec = document.value("spec", in: node)
        let apiVersion = document.value("apiVersion", in: node).flatMap { document.nonNullString($0) }
        var podSpecs: [PodSpec] = []
        var hasUnknownImages = false
        let isCore = isCoreAPI(apiVersion)
        if !isCore, let shape = PodShapes.shape(kind: kind ?? "", apiVersion: apiVersion ?? "", custom: custom) {
            podSpecs = Self.podSpecs(of: shape, root: node, document: document)
        } else if let (specNode, metadata) = podSpecNode(kind: kind ?? "", root: node, spec: spec, document: document) {
            podSpecs = [PodSpec(document: document, spec: specNode, metadata: metadata)]
        } else if let kind, !isCore, !Self.knownWithoutPods.contains(kind) {
            hasUnknownImages = document.hasKey("image", under: node)
        }
        return ManifestObject(
            apiVersion: apiVersion,
            kind: kind,
            name: name,
            namespace: namespace,
            document: document,
            metadataNode: metadata,
            objectNode: node,
            span: document.span(node),
            kindSpan: kindNode.map { document.span($0) },
            nameSpan: nameNode.map { document.span($0) },
            ordinal: ordinal,
            podSpecs: podSpecs,
            hasUnknownImages: hasUnknownImages,
            secret: SecretObject.read(
                kind: kind ?? "", root: node, document: document, objectName: name, keepPullCredentials: keepPullCredentials),
            serviceAccount: kind == "ServiceAccount" ? ServiceAccountObject(document: document, root: node) : nil)
    }

    /// The workloads' API groups (`v1`, `apps/v1`, `batch/v1`): a group without a dot is never a
    /// custom resource's.
    static func isCoreAPI(_ apiVersion: String?) -> Bool {
        guard let apiVersion else { return false }
        guard let slash = apiVersion.firstIndex(of: "/") else { return true }
        return !apiVersion[..<slash].contains(".")
    }

    /// Kinds that hold no pods although they may mention images (kustomize, Helm, policies).
    static let knownWithoutPods: Set<String> = [
        "Kustomization", "Component", "HelmRelease", "HelmChart", "HelmRepository", "Application", "ApplicationSet",
        "ClusterPolicy", "Policy", "ImagePolicy", "ImageRepository", "ImageUpdateAutomation", "CustomResourceDefinition",
        "ConfigMap", "Secret", "SealedSecret", "ExternalSecret",
    ]

    /// The pods of a custom resource, following its shape.
    static func podSpecs(of shape: PodShape, root: NodeID, document: YAMLDocument) -> [PodSpec] {
        var loose: [Container] = []
        let hasDefaults = shape.defaults.contains { !document.nodes(at: $0, from: root).isEmpty }
        for path in shape.containers {
            for (node, concrete) in document.nodes(at: path, from: root) where document.kind(node) == .mapping {
                // A template for the other containers (Tekton's `stepTemplate`) may leave out the image.
                let partial = shape.partial || hasDefaults || path.hasSuffix("Template")
                loose.append(Container(document: document, node: node, kind: .other, index: loose.count, partial: partial, path: concrete))
            }
        }
        for path in shape.images {
            let parent = path.split(separator: ".").dropLast().joined(separator: ".")
            let key = path.split(separator: ".").last.map(String.init) ?? "image"
            let owners = parent.isEmpty ? [(node: root, path: "")] : document.nodes(at: parent, from: root)
            for (owner, _) in owners where document.kind(owner) == .mapping {
                guard let entry = document.entries(owner).first(where: { document.string($0.key) == key }),
                    document.kind(entry.value) == .scalar, !document.isNull(entry.value)
                else { continue }
                loose.append(Container(document: document, imageKey: entry.key, imageValue: entry.value, path: path, index: loose.count))
            }
        }
        var result: [PodSpec] = []
        if !loose.isEmpty {
            let account = firstEntry(shape.serviceAccount, root: root, document: document).map {
                ScalarField(document: document, key: $0.key, value: $0.value)
            }
            result.append(
                PodSpec(
                    document: document, span: document.span(root), containers: loose,
                    pullSecrets: firstEntry(shape.pullSecrets, root: root, document: document),
                    pullSecretsAreStrings: shape.pullSecretsAreStrings, serviceAccount: account))
        }
        for path in shape.podSpecs {
            if path.hasSuffix(".spec") {
                // A pod template: its metadata sits beside its spec.
                for (template, _) in document.nodes(at: String(path.dropLast(5)), from: root) where document.kind(template) == .mapping {
                    guard let spec = document.value("spec", in: template), document.kind(spec) == .mapping else { continue }
                    let metadata = document.value("metadata", in: template)
                    result.append(PodSpec(document: document, spec: spec, metadata: metadata, partial: shape.partial))
                }
                continue
            }
            for (node, _) in document.nodes(at: path, from: root) where document.kind(node) == .mapping {
                result.append(PodSpec(document: document, spec: node, partial: shape.partial))
            }
        }
        return result
    }

    /// The first key/value that one of `paths` reaches (`spec.imagePullSecrets`).
    static func firstEntry(_ paths: [String], root: NodeID, document: YAMLDocument) -> (key: NodeID, value: NodeID)? {
        for path in paths {
            let parent = path.split(separator: ".").dropLast().joined(separator: ".")
            guard let key = path.split(separator: ".").last.map(String.init) else { continue }
            let owners = parent.isEmpty ? [(node: root, path: "")] : document.nodes(at: parent, from: root)
            for (owner, _) in owners where document.kind(owner) == .mapping {
                if let entry = document.entries(owner).first(where: { document.string($0.key) == key }) { return entry }
            }
        }
        return nil
    }

    /// Where the pod spec of a kind lives, and its template's metadata.
    static func podSpecNode(kind: String, root: NodeID, spec: NodeID?, document: YAMLDocument) -> (NodeID, NodeID?)? {
        func mapping(_ node: NodeID?) -> NodeID? {
            guard let node, document.kind(node) == .mapping else { return nil }
            return node
        }
        func child(_ node: NodeID?, _ key: StaticString) -> NodeID? {
            mapping(node).flatMap { document.value(key, in: $0) }
        }
        func template(_ node: NodeID?) -> (NodeID, NodeID?)? {
            guard let spec = mapping(child(node, "spec")) else { return nil }
            return (spec, child(node, "metadata"))
        }
        switch kind {
        case "Pod":
            return mapping(spec).map { ($0, child(root, "metadata")) }
        case "PodTemplate":
            return template(child(root, "template"))
        case "CronJob":
            return template(child(child(child(spec, "jobTemplate"), "spec"), "template"))
        case "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job":
            return template(child(spec, "template"))
        default:
            // Custom resources that embed a pod template (Argo Rollouts, Knative Services, ...).
            guard let found = template(child(spec, "template")),
                let containers = document.value("containers", in: found.0), document.kind(containers) == .sequence
            else { return nil }
            return found
        }
    }
}
