/// One Kubernetes object of a manifest, with the parts pullcheck's rules read.
public struct ManifestObject: Sendable {
    public let apiVersion: String?
    public let kind: String?
    public let name: String?
    /// `metadata.namespace` as written; nil means "wherever `kubectl apply -n` puts it".
    public let namespace: String?
    /// The document the object was read from; valid while its document is being linted.
    let document: YAMLDocument
    let metadataNode: NodeID?
    /// The object's own mapping (an item of a List, or the document's root).
    let objectNode: NodeID?
    /// The whole object, and its identifying fields.
    public let span: SourceSpan
    public let kindSpan: SourceSpan?
    public let nameSpan: SourceSpan?
    /// 0-based position of the object among its file's objects.
    public let ordinal: Int
    /// The pod spec, for workloads and any kind with `spec.template.spec.containers`.
    public let podSpec: PodSpec?
    /// For Secrets and the objects that create one (SealedSecret, ExternalSecret).
    public let secret: SecretObject?
    /// For ServiceAccounts.
    public let serviceAccount: ServiceAccountObject?

    public var reference: ObjectReference {
        ObjectReference(apiVersion: apiVersion, kind: kind, name: name, namespace: namespace)
    }

    /// `metadata.labels` (read on demand: no rule needs them on the hot path).
    public var labels: [(key: String, value: String, keySpan: SourceSpan)] {
        document.stringMap(metadataNode.flatMap { document.value("labels", in: $0) })
    }

    /// `metadata.annotations`.
    public var annotations: [(key: String, value: String, keySpan: SourceSpan)] {
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

    /// Where findings about the object as a whole point: its name, else its kind, else its start.
    public var anchorSpan: SourceSpan { nameSpan ?? kindSpan ?? SourceSpan(at: span.start) }
}

/// Reads objects out of documents.
enum ManifestReader {
    /// Lists nest at most this deep (a List of Lists is legal but never deeper in practice).
    static let maxListDepth = 4

    /// The objects of a document: the root object, or the items of a `...List`. Returns nil when
    /// the document is not a Kubernetes object (no `apiVersion` or no `kind`).
    static func objects(in document: YAMLDocument, firstOrdinal: Int) -> [ManifestObject]? {
        guard let root = document.root, document.kind(root) == .mapping, isObject(root, document) else { return nil }
        var result: [ManifestObject] = []
        collect(root, document: document, depth: 0, into: &result, firstOrdinal: firstOrdinal)
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
        into result: inout [ManifestObject], firstOrdinal: Int
    ) {
        let kind = document.value("kind", in: node).flatMap { document.nonNullString($0) }
        if let kind, kind.hasSuffix("List"), depth < maxListDepth,
            let items = document.value("items", in: node), document.kind(items) == .sequence
        {
            for item in document.items(items) where isObject(item, document) {
                collect(item, document: document, depth: depth + 1, into: &result, firstOrdinal: firstOrdinal)
            }
            return
        }
        result.append(read(node, document: document, ordinal: firstOrdinal + result.count))
    }

    private static func read(_ node: NodeID, document: YAMLDocument, ordinal: Int)
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
        return ManifestObject(
            apiVersion: document.value("apiVersion", in: node).flatMap { document.nonNullString($0) },
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
            podSpec: podSpecNode(kind: kind ?? "", root: node, spec: spec, document: document).map {
                PodSpec(document: document, spec: $0)
            },
            secret: SecretObject.read(kind: kind ?? "", root: node, document: document, objectName: name),
            serviceAccount: kind == "ServiceAccount" ? ServiceAccountObject(document: document, root: node) : nil)
    }

    /// Where the pod spec of a kind lives.
    static func podSpecNode(kind: String, root: NodeID, spec: NodeID?, document: YAMLDocument) -> NodeID? {
        func mapping(_ node: NodeID?) -> NodeID? {
            guard let node, document.kind(node) == .mapping else { return nil }
            return node
        }
        func child(_ node: NodeID?, _ key: StaticString) -> NodeID? {
            mapping(node).flatMap { document.value(key, in: $0) }
        }
        switch kind {
        case "Pod":
            return mapping(spec)
        case "PodTemplate":
            return mapping(child(child(root, "template"), "spec"))
        case "CronJob":
            return mapping(child(child(child(child(spec, "jobTemplate"), "spec"), "template"), "spec"))
        case "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job":
            return mapping(child(child(spec, "template"), "spec"))
        default:
            // Custom resources that embed a pod template (Argo Rollouts, Knative Services, ...).
            guard let candidate = mapping(child(child(spec, "template"), "spec")),
                let containers = document.value("containers", in: candidate), document.kind(containers) == .sequence
            else { return nil }
            return candidate
        }
    }
}
