/// The small facts the cross-object rules need, kept from each object after its document is
/// gone: pods, their pull secrets and images; Secrets and ServiceAccounts.
public struct RunFacts: Sendable {
    var pods: [PodFact] = []
    var secrets: [SecretFact] = []
    var serviceAccounts: [ServiceAccountFact] = []

    // Indexes built once by `index()` before the run rules look things up; every lookup below
    // is then proportional to the number of objects with that name, not to the run's size.
    private var secretsByName: [String: [Int]] = [:]
    private var accountsByName: [String: [Int]] = [:]
    private var secretNamespaces: Set<String> = []
    private var hasSecretWithoutNamespace = false

    mutating func append(contentsOf other: RunFacts) {
        pods.append(contentsOf: other.pods)
        secrets.append(contentsOf: other.secrets)
        serviceAccounts.append(contentsOf: other.serviceAccounts)
    }

    mutating func index() {
        secretsByName = [:]
        accountsByName = [:]
        secretNamespaces = []
        hasSecretWithoutNamespace = false
        for (position, secret) in secrets.enumerated() {
            secretsByName[secret.name, default: []].append(position)
            if let namespace = secret.namespace { secretNamespaces.insert(namespace) } else { hasSecretWithoutNamespace = true }
        }
        for (position, account) in serviceAccounts.enumerated() { accountsByName[account.name, default: []].append(position) }
    }

    /// Two namespaces can be the same at apply time unless both are written and differ.
    static func compatible(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return true }
        return a == b
    }

    /// Secrets (and Secret-creating objects) named `name` that can be in the pod's namespace.
    func secrets(named name: String, for namespace: String?) -> [SecretFact] {
        (secretsByName[name] ?? []).map { secrets[$0] }.filter { Self.compatible($0.namespace, namespace) }
    }

    /// Secrets named `name` in a namespace that is written and differs from the pod's.
    func secretsElsewhere(named name: String, for namespace: String?) -> [SecretFact] {
        (secretsByName[name] ?? []).map { secrets[$0] }.filter { !Self.compatible($0.namespace, namespace) }
    }

    /// Whether the run holds any Secret that can be in the namespace: then a missing one is news.
    func hasSecrets(for namespace: String?) -> Bool {
        guard let namespace else { return !secrets.isEmpty }
        return hasSecretWithoutNamespace || secretNamespaces.contains(namespace)
    }

    /// The names of the Secrets that can be in the namespace (for "did you mean").
    func secretNames(for namespace: String?) -> [String] {
        secretsByName.compactMap { name, positions in
            positions.contains { Self.compatible(secrets[$0].namespace, namespace) } ? name : nil
        }
    }

    func serviceAccount(named name: String, for namespace: String?) -> ServiceAccountFact? {
        // Prefer an exact namespace match over one that only might match at apply time.
        let candidates = (accountsByName[name] ?? []).map { serviceAccounts[$0] }.filter { Self.compatible($0.namespace, namespace) }
        return candidates.first { $0.namespace == namespace } ?? candidates.first
    }
}

/// A pod spec (of a Pod or any workload) and what it pulls.
public struct PodFact: Sendable {
    let file: String
    let objectOrdinal: Int
    let object: ObjectReference
    let namespace: String?
    let pullSecrets: [NameReference]
    let pullSecretsKeySpan: SourceSpan?
    let serviceAccount: String
    let serviceAccountSpan: SourceSpan?
    let containers: [ContainerFact]

    init(file: String, object: ManifestObject, podSpec: PodSpec) {
        self.file = file
        objectOrdinal = object.ordinal
        self.object = object.reference
        namespace = object.namespace
        pullSecrets = podSpec.imagePullSecrets
        pullSecretsKeySpan = podSpec.imagePullSecretsKeySpan
        serviceAccount = podSpec.effectiveServiceAccount
        serviceAccountSpan = podSpec.serviceAccountName.map { $0.span }
        containers = podSpec.containers.compactMap { container in
            guard let reference = container.validReference, let image = container.image else { return nil }
            return ContainerFact(
                name: container.name, displayName: container.displayName, image: image.value, imageSpan: image.contentSpan,
                domainSpan: reference.domainRange.map { image.span(ofCharacters: $0) } ?? image.contentSpan, reference: reference)
        }
    }
}

/// A container whose image parsed.
public struct ContainerFact: Sendable {
    let name: String?
    let displayName: String
    let image: String
    let imageSpan: SourceSpan
    /// The registry host in the image, or the whole image when the registry is implied.
    let domainSpan: SourceSpan
    let reference: ImageReference
}

/// A Secret, or an object that creates one.
public struct SecretFact: Sendable {
    let file: String
    let objectOrdinal: Int
    let origin: SecretObject.Origin
    let name: String
    let namespace: String?
    let type: String
    let span: SourceSpan
    /// nil when the content cannot be read here (sealed or external); else whether kubelet can
    /// use it and the credential keys it holds.
    let credentials: SecretCredentials?

    init?(file: String, object: ManifestObject, secret: SecretObject) {
        guard let name = secret.secretName else { return nil }
        self.file = file
        objectOrdinal = object.ordinal
        origin = secret.origin
        self.name = name
        namespace = object.namespace
        type = secret.type
        span = object.anchorSpan
        credentials = secret.credentials
    }

    var isDockerRegistryType: Bool { SecretObject.dockerTypes.contains(type) }
}

/// A ServiceAccount and the pull secrets it adds to pods that name none.
public struct ServiceAccountFact: Sendable {
    let name: String
    let namespace: String?
    let pullSecrets: [NameReference]
    let file: String
    let objectOrdinal: Int
    let object: ObjectReference

    init?(file: String, object: ManifestObject, account: ServiceAccountObject) {
        guard let name = object.name else { return nil }
        self.name = name
        namespace = object.namespace
        pullSecrets = account.imagePullSecrets
        self.file = file
        objectOrdinal = object.ordinal
        self.object = object.reference
    }
}

/// The pull secrets kubelet will get for a pod. The ServiceAccount admission plugin copies the
/// ServiceAccount's `imagePullSecrets` into a pod only when the pod names none itself.
enum PullSecretSource {
    case pod([NameReference])
    case serviceAccount(ServiceAccountFact)
    /// No pull secrets; `account` is the ServiceAccount when it is in the run (with none), nil when
    /// it is not in the run (it might add some).
    case none(account: ServiceAccountFact?)

    var names: [NameReference] {
        switch self {
        case .pod(let names): return names
        case .serviceAccount(let account): return account.pullSecrets
        case .none: return []
        }
    }
}

/// An `imagePullSecrets` item and the object that lists it.
struct PullSecretReference {
    let reference: NameReference
    let namespace: String?
    let file: String
    let object: ObjectReference
    let objectOrdinal: Int
}

extension RunFacts {
    /// Every `imagePullSecrets` item of the run: the pods' own and the ServiceAccounts'.
    var pullSecretReferences: [PullSecretReference] {
        pods.flatMap { pod in
            pod.pullSecrets.map {
                PullSecretReference(reference: $0, namespace: pod.namespace, file: pod.file, object: pod.object, objectOrdinal: pod.objectOrdinal)
            }
        }
            + serviceAccounts.flatMap { account in
                account.pullSecrets.map {
                    PullSecretReference(
                        reference: $0, namespace: account.namespace, file: account.file, object: account.object,
                        objectOrdinal: account.objectOrdinal)
                }
            }
    }

    func pullSecretSource(for pod: PodFact) -> PullSecretSource {
        if !pod.pullSecrets.isEmpty { return .pod(pod.pullSecrets) }
        let account = serviceAccount(named: pod.serviceAccount, for: pod.namespace)
        if let account, !account.pullSecrets.isEmpty { return .serviceAccount(account) }
        return .none(account: account)
    }

    /// The Secret a pull-secret name resolves to for a namespace: one in the same namespace if
    /// written, else one that may end up there.
    func resolveSecret(_ name: String, for namespace: String?) -> SecretFact? {
        let candidates = secrets(named: name, for: namespace)
        return candidates.first { $0.namespace == namespace } ?? candidates.first
    }
}
