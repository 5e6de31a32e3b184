/// The small facts the cross-object rules need, kept from each object after its document is
/// gone: pods, their pull secrets and images; Secrets and ServiceAccounts.
public struct RunFacts: Sendable {
    var pods: [PodFact] = []
    /// The containers and pull-secret names of all pods, each pod a range of them: one array
    /// each for the run instead of two small arrays per pod.
    private(set) var containers: [ContainerFact] = []
    private(set) var podPullSecrets: [PackedNameReference] = []
    var secrets: [SecretFact] = []
    var serviceAccounts: [ServiceAccountFact] = []

    // Indexes built once by `index()` before the run rules look things up. Keys are
    // (namespace, name); objects without a namespace are kept apart, since they may end up in
    // any namespace. Every lookup below is then a constant number of hash lookups.
    private var secretsByKey: [NamespacedName: Int] = [:]
    private var secretsWithoutNamespace: [String: Int] = [:]
    private var secretsByName: [String: Int] = [:]
    private var accountsByKey: [NamespacedName: Int] = [:]
    private var accountsWithoutNamespace: [String: Int] = [:]
    private var accountsByName: [String: Int] = [:]
    /// The distinct Secret names per written namespace, of Secrets without one, and of all, each
    /// sorted by length (for did-you-mean).
    private(set) var secretNamesByNamespace: [String: [String]] = [:]
    private(set) var secretNamesWithoutNamespace: [String] = []
    private(set) var allSecretNames: [String] = []

    struct NamespacedName: Hashable, Sendable {
        let namespace: String
        let name: String
    }

    mutating func append(contentsOf other: RunFacts) {
        if pods.isEmpty && secrets.isEmpty && serviceAccounts.isEmpty {
            self = other  // the first file's facts: shared, not copied
            return
        }
        let containerBase = Int32(clamping: containers.count)
        let secretBase = Int32(clamping: podPullSecrets.count)
        pods.reserveCapacity(pods.count + other.pods.count)
        for pod in other.pods { pods.append(pod.shifted(containers: containerBase, pullSecrets: secretBase)) }
        containers.append(contentsOf: other.containers)
        podPullSecrets.append(contentsOf: other.podPullSecrets)
        secrets.append(contentsOf: other.secrets)
        serviceAccounts.append(contentsOf: other.serviceAccounts)
    }

    /// Adds a pod of this file, if any run rule can use it.
    mutating func addPod(
        file: String, input: Int, object: ManifestObject, podSpec: PodSpec, configuration: Configuration, pool: inout StringPool
    ) {
        let hubMatters = configuration.isEnabled(DockerHubAnonymousRule.description)
        let firstContainer = containers.count
        for container in podSpec.containers {
            guard let reference = container.validReference, let image = container.image else { continue }
            let isPrivate = configuration.registries.visibility(of: reference).visibility == .private
                // A misspelt host fails before credentials matter; registry-typo reports it.
                && KnownRegistries.typoExplanation(for: reference, configuration: configuration) == nil
            let isDockerHub = reference.isDockerHub
            guard isPrivate || (hubMatters && isDockerHub) else { continue }
            containers.append(
                ContainerFact(
                    name: container.name.map { pool.intern($0) }, kind: container.kind, index: Int32(clamping: container.index),
                    image: pool.intern(image.value), imageSpan: PackedSpan(image.contentSpan),
                    domainSpan: PackedSpan(reference.domainRange.map { image.span(ofCharacters: $0) } ?? image.contentSpan),
                    isPrivate: isPrivate, isDockerHub: isDockerHub))
        }
        let pullSecrets = podSpec.imagePullSecrets
        // A pod without pull secrets and without an image that needs one matters to no run rule.
        guard containers.count > firstContainer || !pullSecrets.isEmpty else { return }
        let firstSecret = podPullSecrets.count
        for reference in pullSecrets {
            podPullSecrets.append(PackedNameReference(name: reference.name.map { pool.intern($0) }, span: PackedSpan(reference.span)))
        }
        pods.append(
            PodFact(
                file: file, input: Int32(clamping: input), objectOrdinal: Int32(clamping: object.ordinal), object: object.reference,
                serviceAccount: pool.intern(podSpec.effectiveServiceAccount),
                containerStart: Int32(clamping: firstContainer), containerCount: Int32(clamping: containers.count - firstContainer),
                pullSecretStart: Int32(clamping: firstSecret), pullSecretCount: Int32(clamping: pullSecrets.count)))
    }

    /// The containers of a pod that need a credential.
    func containers(of pod: PodFact) -> ArraySlice<ContainerFact> {
        containers[Int(pod.containerStart)..<Int(pod.containerStart + pod.containerCount)]
    }

    /// A pod's own `imagePullSecrets`.
    func pullSecrets(of pod: PodFact) -> [NameReference] {
        podPullSecrets[Int(pod.pullSecretStart)..<Int(pod.pullSecretStart + pod.pullSecretCount)].map {
            NameReference(name: $0.name, span: $0.span.span)
        }
    }

    mutating func index() {
        secretsByKey = [:]
        secretsWithoutNamespace = [:]
        secretsByName = [:]
        accountsByKey = [:]
        accountsWithoutNamespace = [:]
        accountsByName = [:]
        var namesByNamespace: [String: Set<String>] = [:]
        var namesWithout = Set<String>()
        // The first object of a key wins, as the earlier linear scans did.
        for (position, secret) in secrets.enumerated() {
            if secretsByName[secret.name] == nil { secretsByName[secret.name] = position }
            if let namespace = secret.namespace {
                let key = NamespacedName(namespace: namespace, name: secret.name)
                if secretsByKey[key] == nil { secretsByKey[key] = position }
                namesByNamespace[namespace, default: []].insert(secret.name)
            } else {
                if secretsWithoutNamespace[secret.name] == nil { secretsWithoutNamespace[secret.name] = position }
                namesWithout.insert(secret.name)
            }
        }
        for (position, account) in serviceAccounts.enumerated() {
            if accountsByName[account.name] == nil { accountsByName[account.name] = position }
            if let namespace = account.namespace {
                let key = NamespacedName(namespace: namespace, name: account.name)
                if accountsByKey[key] == nil { accountsByKey[key] = position }
            } else if accountsWithoutNamespace[account.name] == nil {
                accountsWithoutNamespace[account.name] = position
            }
        }
        secretNamesByNamespace = namesByNamespace.mapValues { Self.byLength($0) }
        secretNamesWithoutNamespace = Self.byLength(namesWithout)
        allSecretNames = Self.byLength(Set(secrets.map(\.name)))
    }

    /// Sorted by length in bytes, then bytewise: the names of a length window are adjacent.
    private static func byLength(_ names: Set<String>) -> [String] {
        names.sorted { a, b in
            let (x, y) = (a.utf8.count, b.utf8.count)
            return x != y ? x < y : a.utf8.lexicographicallyPrecedes(b.utf8)
        }
    }

    /// Two namespaces can be the same at apply time unless both are written and differ.
    static func compatible(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return true }
        return a == b
    }

    /// The Secret a pull-secret name resolves to for a namespace: one in the same namespace if
    /// written, else one that may end up there.
    func resolveSecret(_ name: String, for namespace: String?) -> SecretFact? {
        let position: Int?
        if let namespace {
            position = secretsByKey[NamespacedName(namespace: namespace, name: name)] ?? secretsWithoutNamespace[name]
        } else {
            position = secretsWithoutNamespace[name] ?? secretsByName[name]
        }
        return position.map { secrets[$0] }
    }

    /// The namespace of a Secret named `name` that is written and differs from the pod's, when
    /// none can be in the pod's namespace.
    func namespaceOfSecretElsewhere(named name: String, for namespace: String?) -> String? {
        guard namespace != nil, resolveSecret(name, for: namespace) == nil, let position = secretsByName[name] else { return nil }
        // Nothing named so can be in the namespace, so the first one of the name is elsewhere.
        return secrets[position].namespace
    }

    /// Whether the run holds any Secret that can be in the namespace: then a missing one is news.
    func hasSecrets(for namespace: String?) -> Bool {
        guard let namespace else { return !secrets.isEmpty }
        return !secretNamesWithoutNamespace.isEmpty || secretNamesByNamespace[namespace] != nil
    }

    func serviceAccount(named name: String, for namespace: String?) -> ServiceAccountFact? {
        // Prefer an exact namespace match over one that only might match at apply time.
        let position: Int?
        if let namespace {
            position = accountsByKey[NamespacedName(namespace: namespace, name: name)] ?? accountsWithoutNamespace[name]
        } else {
            position = accountsWithoutNamespace[name] ?? accountsByName[name]
        }
        return position.map { serviceAccounts[$0] }
    }
}

/// A span in four 32-bit numbers: facts are kept for every pod of a run.
struct PackedSpan: Sendable {
    let startLine: Int32
    let startColumn: Int32
    let endLine: Int32
    let endColumn: Int32

    init(_ span: SourceSpan) {
        startLine = Int32(clamping: span.start.line)
        startColumn = Int32(clamping: span.start.column)
        endLine = Int32(clamping: span.end.line)
        endColumn = Int32(clamping: span.end.column)
    }

    var span: SourceSpan {
        SourceSpan(
            start: SourcePosition(line: Int(startLine), column: Int(startColumn)),
            end: SourcePosition(line: Int(endLine), column: Int(endColumn)))
    }
}

/// Equal strings of one file kept once (image names, ServiceAccount and secret names repeat).
struct StringPool {
    private var strings: Set<String> = []

    mutating func intern(_ string: String) -> String {
        // Short strings live inline; only heap-allocated ones are worth sharing.
        guard string.utf8.count > 15 else { return string }
        if let existing = strings.firstIndex(of: string) { return strings[existing] }
        strings.insert(string)
        return string
    }
}

/// A pod spec (of a Pod or any workload) and what the run rules need of it: its pull secrets and
/// the images that need a credential (private ones, and Docker Hub ones when
/// `docker-hub-anonymous` is on), as ranges of `RunFacts`' arrays. A pod with neither is not
/// kept at all (see `RunFacts.addPod`).
public struct PodFact: Sendable {
    let file: String
    /// The input the pod comes from (suppressions are per input, not per name).
    let input: Int32
    let objectOrdinal: Int32
    let object: ObjectReference
    let serviceAccount: String
    let containerStart: Int32
    let containerCount: Int32
    let pullSecretStart: Int32
    let pullSecretCount: Int32

    var namespace: String? { object.namespace }
    var hasPullSecrets: Bool { pullSecretCount > 0 }

    func shifted(containers: Int32, pullSecrets: Int32) -> PodFact {
        PodFact(
            file: file, input: input, objectOrdinal: objectOrdinal, object: object, serviceAccount: serviceAccount,
            containerStart: containerStart + containers, containerCount: containerCount, pullSecretStart: pullSecretStart + pullSecrets,
            pullSecretCount: pullSecretCount)
    }
}

/// An `imagePullSecrets` item, packed.
struct PackedNameReference: Sendable {
    let name: String?
    let span: PackedSpan
}

/// A container whose image parsed and needs a credential.
public struct ContainerFact: Sendable {
    let name: String?
    let kind: Container.Kind
    let index: Int32
    let image: String
    let packedImageSpan: PackedSpan
    /// The registry host in the image, or the whole image when the registry is implied.
    let packedDomainSpan: PackedSpan
    /// On a private registry (by the run's configuration), and not a misspelt one.
    let isPrivate: Bool
    let isDockerHub: Bool

    init(
        name: String?, kind: Container.Kind, index: Int32, image: String, imageSpan: PackedSpan, domainSpan: PackedSpan,
        isPrivate: Bool, isDockerHub: Bool
    ) {
        self.name = name
        self.kind = kind
        self.index = index
        self.image = image
        packedImageSpan = imageSpan
        packedDomainSpan = domainSpan
        self.isPrivate = isPrivate
        self.isDockerHub = isDockerHub
    }

    var imageSpan: SourceSpan { packedImageSpan.span }
    var domainSpan: SourceSpan { packedDomainSpan.span }

    /// `container "web"`, as `Container.displayName`.
    var displayName: String {
        if let name { return "\(kind.displayName) \"\(name)\"" }
        return "\(kind.displayName) #\(index + 1)"
    }

    /// The image parsed again (it parsed when the fact was made); kept out of the fact to keep
    /// it small.
    var reference: ImageReference? {
        if case .success(let reference) = ImageReference.parse(image) { return reference }
        return nil
    }
}

/// A Secret, or an object that creates one.
public struct SecretFact: Sendable {
    let file: String
    let input: Int32
    let objectOrdinal: Int
    let origin: SecretObject.Origin
    let name: String
    let namespace: String?
    let type: String
    let span: SourceSpan
    /// nil when the content cannot be read here (sealed or external); else whether kubelet can
    /// use it and the credential keys it holds.
    let credentials: SecretCredentials?

    init?(file: String, input: Int, object: ManifestObject, secret: SecretObject) {
        guard let name = secret.secretName else { return nil }
        self.file = file
        self.input = Int32(clamping: input)
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
    let input: Int32
    let objectOrdinal: Int
    let object: ObjectReference

    init?(file: String, input: Int, object: ManifestObject, account: ServiceAccountObject) {
        guard let name = object.name else { return nil }
        self.input = Int32(clamping: input)
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
    let input: Int32
    let object: ObjectReference
    let objectOrdinal: Int
}

extension RunFacts {
    /// Every `imagePullSecrets` item of the run, the pods' own and the ServiceAccounts', one at a
    /// time (never all at once: a run may hold millions).
    func forEachPullSecretReference(_ body: (PullSecretReference) -> Void) {
        for pod in pods where pod.hasPullSecrets {
            for reference in pullSecrets(of: pod) {
                body(
                    PullSecretReference(
                        reference: reference, namespace: pod.namespace, file: pod.file, input: pod.input, object: pod.object,
                        objectOrdinal: Int(pod.objectOrdinal)))
            }
        }
        for account in serviceAccounts {
            for reference in account.pullSecrets {
                body(
                    PullSecretReference(
                        reference: reference, namespace: account.namespace, file: account.file, input: account.input,
                        object: account.object, objectOrdinal: account.objectOrdinal))
            }
        }
    }

    func pullSecretSource(for pod: PodFact) -> PullSecretSource {
        if pod.hasPullSecrets { return .pod(pullSecrets(of: pod)) }
        let account = serviceAccount(named: pod.serviceAccount, for: pod.namespace)
        if let account, !account.pullSecrets.isEmpty { return .serviceAccount(account) }
        return .none(account: account)
    }

    /// The distinct names among `names`, in order (a pod may list one Secret many times; kubelet
    /// reads it once).
    static func distinct(_ names: [NameReference]) -> [String] {
        var seen = Set<String>()
        return names.compactMap { reference in
            guard let name = reference.name, seen.insert(name).inserted else { return nil }
            return name
        }
    }
}
