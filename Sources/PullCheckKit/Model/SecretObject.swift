import KubeletCredentials

/// A Secret, or an object that creates one (a SealedSecret's `spec.template`, an
/// ExternalSecret's `spec.target`), with what kubelet would make of it as a pull secret.
struct SecretObject: Sendable {
    enum Origin: String, Sendable {
        case secret = "Secret"
        case sealedSecret = "SealedSecret"
        case externalSecret = "ExternalSecret"
    }

    /// The types kubelet reads pull credentials from.
    static let dockerConfigJSONType = "kubernetes.io/dockerconfigjson"
    static let dockerCfgType = "kubernetes.io/dockercfg"
    static let dockerTypes: Set<String> = [dockerConfigJSONType, dockerCfgType]

    let origin: Origin
    /// The name of the Secret that will exist.
    let secretName: String?
    /// The declared type (`Opaque` when none is written, as the API server defaults it).
    let type: String
    /// Where the type is written, if it is.
    let typeSpan: SourceSpan?
    /// The data keys, when they can be read here (not for ExternalSecrets).
    let dataKeys: [String]?
    /// Problems that make a docker-registry Secret unusable for kubelet, with positions.
    let dockerConfigProblems: [DockerConfigFinding]
    /// What kubelet can take from it, when the content can be read here (plain Secrets).
    let credentials: SecretCredentials?

    var isDockerRegistryType: Bool { Self.dockerTypes.contains(type) }

    /// The data key kubelet reads for this Secret's type.
    var requiredKey: String? {
        switch type {
        case Self.dockerConfigJSONType: return ".dockerconfigjson"
        case Self.dockerCfgType: return ".dockercfg"
        default: return nil
        }
    }

    static func read(
        kind: String, root: NodeID, document: YAMLDocument, objectName: String?, keepPullCredentials: Bool = false
    ) -> SecretObject? {
        switch kind {
        case "Secret":
            return readSecret(root: root, document: document, keepPullCredentials: keepPullCredentials)
        case "SealedSecret":
            let spec = document.value("spec", in: root)
            let template = spec.flatMap { document.value("template", in: $0) }
            let typeNode = template.flatMap { document.value("type", in: $0) }
            let encrypted = spec.flatMap { document.value("encryptedData", in: $0) }
            return SecretObject(
                origin: .sealedSecret, secretName: objectName,
                type: typeNode.flatMap { document.nonNullString($0) } ?? "Opaque",
                typeSpan: typeNode.map { document.span($0) },
                dataKeys: encrypted.map { node in document.pairs(node).compactMap { document.string($0.key) } },
                dockerConfigProblems: [], credentials: nil)
        case "ExternalSecret":
            let spec = document.value("spec", in: root)
            let target = spec.flatMap { document.value("target", in: $0) }
            let targetName = target.flatMap { document.value("name", in: $0) }.flatMap { document.nonNullString($0) }
            let typeNode = target.flatMap { document.value("template", in: $0) }.flatMap { document.value("type", in: $0) }
            return SecretObject(
                origin: .externalSecret, secretName: targetName ?? objectName,
                type: typeNode.flatMap { document.nonNullString($0) } ?? "Opaque",
                typeSpan: typeNode.map { document.span($0) },
                dataKeys: nil, dockerConfigProblems: [], credentials: nil)
        default:
            return nil
        }
    }

    private static func readSecret(root: NodeID, document: YAMLDocument, keepPullCredentials: Bool) -> SecretObject {
        let metadata = document.value("metadata", in: root)
        let name = metadata.flatMap { document.value("name", in: $0) }.flatMap { document.nonNullString($0) }
        let typeNode = document.value("type", in: root)
        let type = typeNode.flatMap { document.nonNullString($0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "Opaque"
        let data = document.entry("data", in: root)
        let stringData = document.entry("stringData", in: root)
        var keys: [String] = []
        for mapping in [data?.value, stringData?.value].compactMap({ $0 }) where document.kind(mapping) == .mapping {
            for pair in document.entries(mapping) {
                if let key = document.string(pair.key), !keys.contains(key) { keys.append(key) }
            }
        }
        var problems: [DockerConfigFinding] = []
        var credentials: SecretCredentials?
        if Self.dockerTypes.contains(type) {
            let check = DockerConfigCheck(
                document: document, type: type, typeSpan: typeNode.map { document.span($0) },
                anchor: typeNode.map { document.span($0) } ?? document.span(root),
                data: data, stringData: stringData, keepPullCredentials: keepPullCredentials)
            problems = check.problems
            credentials = check.credentials
        }
        return SecretObject(
            origin: .secret, secretName: name, type: type, typeSpan: typeNode.map { document.span($0) }, dataKeys: keys,
            dockerConfigProblems: problems, credentials: credentials)
    }
}

/// A positioned reason why kubelet cannot use a docker-registry Secret.
struct DockerConfigFinding: Sendable, Hashable {
    let message: String
    let span: SourceSpan
    /// Set when the column still lacks a literal block's indentation (see `BlockIndentation`).
    let indentation: BlockIndentation?

    init(message: String, span: SourceSpan, indentation: BlockIndentation? = nil) {
        self.message = message
        self.span = span
        self.indentation = indentation
    }
}

/// The registry credentials a readable pull secret offers kubelet.
struct SecretCredentials: Sendable {
    /// Whether kubelet can use the Secret at all (it parses, and holds at least one credential).
    let isUsable: Bool
    /// The registry keys that hold a credential, as written.
    let registryKeys: [String]
    /// The decoded credentials, in the online mode only (empty otherwise); never printed.
    var entries: [PullCredentialEntry] = []
}
