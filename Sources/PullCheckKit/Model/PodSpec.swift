/// The parts of a pod spec that decide how images are pulled.
public struct PodSpec: Sendable {
    public let span: SourceSpan
    public let containers: [Container]
    /// `imagePullSecrets` items; empty when absent.
    public let imagePullSecrets: [NameReference]
    /// Where `imagePullSecrets` is written, if it is.
    public let imagePullSecretsKeySpan: SourceSpan?
    /// `serviceAccountName`, or the deprecated `serviceAccount` when that is all there is.
    public let serviceAccountName: ScalarField?

    init(document: YAMLDocument, spec: NodeID) {
        span = document.span(spec)
        var containers: [Container] = []
        for kind in Container.Kind.allCases {
            guard let list = document.value(kind.fieldName, in: spec), document.kind(list) == .sequence else { continue }
            for (index, item) in document.items(list).enumerated() {
                containers.append(Container(document: document, node: item, kind: kind, index: index))
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

    /// The ServiceAccount the pod runs as (`default` when none is named).
    public var effectiveServiceAccount: String {
        guard let account = serviceAccountName, !account.isEmptyOrNull, !account.isCollection else { return "default" }
        return account.value
    }
}

/// One container, init container or ephemeral container.
public struct Container: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case container, initContainer, ephemeralContainer

        var fieldName: StaticString {
            switch self {
            case .container: return "containers"
            case .initContainer: return "initContainers"
            case .ephemeralContainer: return "ephemeralContainers"
            }
        }

        /// "container", "init container", "ephemeral container".
        public var displayName: String {
            switch self {
            case .container: return "container"
            case .initContainer: return "init container"
            case .ephemeralContainer: return "ephemeral container"
            }
        }
    }

    public let kind: Kind
    /// 0-based index in its list.
    public let index: Int
    public let name: String?
    /// The container's mapping (it starts at the first key after `- `).
    public let span: SourceSpan
    public let image: ScalarField?
    public let imagePullPolicy: ScalarField?
    /// The parsed image, when `image` is a non-empty string.
    public let reference: Result<ImageReference, ImageReferenceError>?

    init(document: YAMLDocument, node: NodeID, kind: Kind, index: Int) {
        self.kind = kind
        self.index = index
        let mapping = document.kind(node) == .mapping ? node : nil
        name = mapping.flatMap { document.value("name", in: $0) }.flatMap { document.nonNullString($0) }
        span = document.span(node)
        image = ScalarField.read("image", in: mapping, of: document)
        imagePullPolicy = ScalarField.read("imagePullPolicy", in: mapping, of: document)
        if let image, !image.isCollection, !image.isEmptyOrNull, image.nonStringType == nil {
            reference = ImageReference.parse(image.value)
        } else {
            reference = nil
        }
    }

    /// `container "web"`, `init container "migrate"`, or `container #2` when unnamed.
    public var displayName: String {
        if let name { return "\(kind.displayName) \"\(name)\"" }
        return "\(kind.displayName) #\(index + 1)"
    }

    /// The parsed image, if it parsed.
    public var validReference: ImageReference? {
        if case .success(let reference) = reference { return reference }
        return nil
    }

    /// Whether `imagePullPolicy` is written (not defaulted).
    public var hasExplicitPullPolicy: Bool {
        guard let policy = imagePullPolicy else { return false }
        return !policy.isEmptyOrNull
    }
}

/// A ServiceAccount's pull secrets.
public struct ServiceAccountObject: Sendable {
    public let imagePullSecrets: [NameReference]

    init(document: YAMLDocument, root: NodeID) {
        imagePullSecrets = document.nameReferences(document.value("imagePullSecrets", in: root))
    }
}
