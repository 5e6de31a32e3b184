import DistributionReference
import KubeletCredentials

/// The small facts the cross-object rules need, kept from each object after its document is
/// gone: pods, their pull secrets and images; Secrets and ServiceAccounts.
struct RunFacts: Sendable {
    var pods: [PodFact] = []
    /// The containers and pull-secret names of all pods, each pod a range of them: one array
    /// each for the run instead of two small arrays per pod.
    private(set) var containers: [ContainerFact] = []
    private(set) var podPullSecrets: [PackedNameReference] = []
    var secrets: [SecretFact] = []
    var serviceAccounts: [ServiceAccountFact] = []
    /// Mutating admission policies in the project that add `imagePullSecrets` to pods.
    var admissionPolicies: [AdmissionPolicyFact] = []

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

    /// The namespaces ("" for none written) of the Secrets each application ships.
    private var secretUnits: [String: Set<String>] = [:]
    /// Registries (`host[:port]`, lower case) the project shows to be private, and how.
    private var registryEvidence: [String: RegistryEvidence] = [:]
    private var wildcardEvidence: [(String, RegistryEvidence)] = []

    struct RegistryEvidence: Sendable {
        /// A Secret that holds a credential for the registry.
        var secret: String?
        /// Up to two pods that pull from it with pull secrets (input, object ordinal, description).
        var pods: [(input: Int32, ordinal: Int32, object: String)] = []
    }

    struct NamespacedName: Hashable, Sendable {
        let namespace: String
        let name: String
    }

    mutating func append(contentsOf other: RunFacts) {
        if pods.isEmpty && secrets.isEmpty && serviceAccounts.isEmpty && admissionPolicies.isEmpty {
            self = other  // the first file's facts: shared, not copied
            return
        }
        let containerBase = Int32(clamping: containers.count)
        let secretBase = Int32(clamping: podPullSecrets.count)
        for pod in other.pods { pods.append(pod.shifted(containers: containerBase, pullSecrets: secretBase)) }
        containers.append(contentsOf: other.containers)
        podPullSecrets.append(contentsOf: other.podPullSecrets)
        secrets.append(contentsOf: other.secrets)
        serviceAccounts.append(contentsOf: other.serviceAccounts)
        admissionPolicies.append(contentsOf: other.admissionPolicies)
    }

    /// Adds a pod of this file, if any run rule (or the online mode) can use it.
    mutating func addPod(
        file: String, input: Int, unit: String, object: ManifestObject, podSpec: PodSpec, configuration: Configuration,
        pool: inout StringPool
    ) {
        let hubMatters = configuration.isEnabled(DockerHubAnonymousRule.description)
        let firstContainer = containers.count
        for container in podSpec.containers {
            guard let reference = container.validReference, let image = container.image else { continue }
            // Private or unknown (the project's evidence decides at the end of the run).
            let visibility = configuration.registries.visibility(of: reference).visibility
            let isPrivate =
                (visibility == .private || visibility == .unknown)
                // A misspelt host fails before credentials matter; registry-typo reports it.
                && KnownRegistries.typoExplanation(for: reference, configuration: configuration) == nil
            let isDockerHub = reference.isDockerHub
            // The online mode asks about every image.
            guard isPrivate || (hubMatters && isDockerHub) || configuration.online.enabled else { continue }
            containers.append(
                ContainerFact(
                    name: container.name.map { pool.intern($0) }, kind: container.kind, index: Int32(clamping: container.index),
                    image: pool.intern(image.value), imageSpan: PackedSpan(image.contentSpan),
                    domainSpan: PackedSpan(reference.domainRange.map { image.span(ofCharacters: $0) } ?? image.contentSpan),
                    isPrivate: isPrivate, isDockerHub: isDockerHub, path: container.path.map { pool.intern($0) }))
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
                serviceAccount: pool.intern(podSpec.effectiveServiceAccount), unit: unit,
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
        secretUnits = [:]
        for secret in secrets { secretUnits[secret.unit, default: []].insert(secret.namespace ?? "") }
        indexRegistryEvidence()
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

    /// The Secret named `name` in a written namespace other than the pod's, when none can be in
    /// the pod's namespace.
    func secretElsewhere(named name: String, for namespace: String?) -> SecretFact? {
        guard namespace != nil, resolveSecret(name, for: namespace) == nil, let position = secretsByName[name] else { return nil }
        // Nothing named so can be in the namespace, so the first one of the name is elsewhere.
        return secrets[position]
    }

    /// Whether the run is evidently meant to hold the Secrets of an object in `unit` and
    /// `namespace`: the same application (kustomization, chart or folder) ships Secrets for that
    /// namespace, or a Secret is written into the same namespace. A monorepo of independent
    /// samples, one of which ships a Secret, is no evidence about the others.
    func shouldHoldSecrets(unit: String, namespace: String?) -> Bool {
        if let namespaces = secretUnits[unit] {
            // Secrets the application ships for another, explicit namespace say nothing about this one.
            guard let namespace else { return true }
            if namespaces.contains("") || namespaces.contains(namespace) { return true }
        }
        guard let namespace else { return false }
        return secretNamesByNamespace[namespace] != nil
    }

    private mutating func indexRegistryEvidence() {
        registryEvidence = [:]
        wildcardEvidence = []
        for secret in secrets {
            guard let credentials = secret.credentials, credentials.isUsable else { continue }
            for key in credentials.registryKeys {
                let host = Self.registryHost(ofKey: key)
                let text = "Secret \(secret.namespace.map { $0 + "/" } ?? "")\(secret.name) holds a credential for it"
                if host.contains("*") {
                    // `*.corp.example`: evidence for the hosts under `.corp.example`.
                    guard let star = host.lastIndex(of: "*") else { continue }
                    let suffix = String(RegistrySettings.splitPort(String(host[host.index(after: star)...])).host)
                    if suffix.hasPrefix("."), suffix.count > 1, !wildcardEvidence.contains(where: { $0.0 == suffix }) {
                        wildcardEvidence.append((suffix, RegistryEvidence(secret: text)))
                    }
                    continue
                }
                guard !host.isEmpty, registryEvidence[host]?.secret == nil else { continue }
                registryEvidence[host, default: RegistryEvidence()].secret = text
            }
        }
        for pod in pods where !pullSecretSource(for: pod).names.isEmpty {
            for container in containers(of: pod) where container.isPrivate {
                guard let host = container.reference?.domain.lowercased() else { continue }
                var evidence = registryEvidence[host] ?? RegistryEvidence()
                guard evidence.pods.count < 2, !evidence.pods.contains(where: { $0.input == pod.input && $0.ordinal == pod.objectOrdinal })
                else { continue }
                evidence.pods.append((pod.input, pod.objectOrdinal, pod.object.description))
                registryEvidence[host] = evidence
            }
        }
    }

    /// What adds pull secrets to the pods of `namespace` at admission: the configuration's
    /// `admission-pull-secrets`, and Kyverno or Gatekeeper mutations in the project. nil: nothing.
    func admissionPullSecrets(for namespace: String?, configuration: Configuration) -> [String]? {
        var sources: [String] = []
        for (scope, names) in configuration.admissionPullSecrets where scope == "*" || scope == namespace {
            sources.append("admission-pull-secrets[\(scope)]: \(names.joined(separator: ", "))")
        }
        for policy in admissionPolicies where policy.namespace == nil || namespace == nil || policy.namespace == namespace {
            sources.append(policy.origin)
        }
        return sources.isEmpty ? nil : sources
    }

    /// A Secret with a credential for the registry, for the same host on another port, or under a
    /// wildcard key that covers it (`*.corp.example`).
    private func secretEvidence(for domain: String) -> String? {
        if let found = registryEvidence[domain]?.secret { return found }
        let host = RegistrySettings.splitPort(domain).host
        if host != domain, let found = registryEvidence[host]?.secret { return found }
        for (key, found) in wildcardEvidence where host.hasSuffix(key) { return found.secret }
        return nil
    }

    /// `https://registry.example.com:5000/v1/` → `registry.example.com:5000`.
    static func registryHost(ofKey key: String) -> String { DockerClientConfig.registryHost(ofKey: key) }

    /// The verdict for an image of `pod`: the configuration's and built-in lists first; for a
    /// registry they do not know, the project's evidence (a Secret with a credential for it, or
    /// another pod pulling from it with pull secrets) makes it private, else it stays unknown.
    func registryVerdict(_ reference: ImageReference, for pod: PodFact, configuration: Configuration)
        -> (visibility: RegistryVisibility, reason: String)
    {
        let verdict = configuration.registries.visibility(of: reference)
        guard verdict.visibility == .unknown else { return verdict }
        let domain = reference.domain.lowercased()
        if let secret = secretEvidence(for: domain) { return (.private, secret) }
        if let other = registryEvidence[domain]?.pods.first(where: { !($0.input == pod.input && $0.ordinal == pod.objectOrdinal) }) {
            return (.private, "\(other.object) pulls from it with pull secrets")
        }
        return verdict
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
struct PodFact: Sendable {
    let file: String
    /// The input the pod comes from (suppressions are per input, not per name).
    let input: Int32
    let objectOrdinal: Int32
    let object: ObjectReference
    let serviceAccount: String
    /// The application the pod's file belongs to (see `LintInput.unit`), shared by its pods.
    let unit: String
    let containerStart: Int32
    let containerCount: Int32
    let pullSecretStart: Int32
    let pullSecretCount: Int32

    var namespace: String? { object.namespace }
    var hasPullSecrets: Bool { pullSecretCount > 0 }

    func shifted(containers: Int32, pullSecrets: Int32) -> PodFact {
        PodFact(
            file: file, input: input, objectOrdinal: objectOrdinal, object: object, serviceAccount: serviceAccount, unit: unit,
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
struct ContainerFact: Sendable {
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
    /// Where a custom resource keeps it.
    let path: String?

    init(
        name: String?, kind: Container.Kind, index: Int32, image: String, imageSpan: PackedSpan, domainSpan: PackedSpan,
        isPrivate: Bool, isDockerHub: Bool, path: String?
    ) {
        self.path = path
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
    var displayName: String { Container.displayName(kind: kind, index: Int(index), name: name, path: path) }

    /// The image parsed again (it parsed when the fact was made); kept out of the fact to keep
    /// it small.
    var reference: ImageReference? {
        if case .success(let reference) = ImageReference.parse(image) { return reference }
        return nil
    }
}

/// A Secret, or an object that creates one.
struct SecretFact: Sendable {
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
    /// The application the Secret's file belongs to (see `LintInput.unit`).
    var unit = ""

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
struct ServiceAccountFact: Sendable {
    let name: String
    let namespace: String?
    let pullSecrets: [NameReference]
    let file: String
    let input: Int32
    let objectOrdinal: Int
    let object: ObjectReference
    var unit = ""

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
    let unit: String
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
                        reference: reference, namespace: pod.namespace, unit: pod.unit, file: pod.file, input: pod.input,
                        object: pod.object,
                        objectOrdinal: Int(pod.objectOrdinal)))
            }
        }
        for account in serviceAccounts {
            for reference in account.pullSecrets {
                body(
                    PullSecretReference(
                        reference: reference, namespace: account.namespace, unit: account.unit, file: account.file, input: account.input,
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
/// A mutating admission policy that adds `imagePullSecrets` to pods: a Kyverno `ClusterPolicy` or
/// `Policy` whose mutate rules mention them, or a Gatekeeper `Assign` whose location is them.
struct AdmissionPolicyFact: Sendable {
    /// nil: every namespace.
    let namespace: String?
    /// "Kyverno ClusterPolicy add-pull-secrets (policies/pull.yaml)".
    let origin: String

    init?(file: String, object: ManifestObject) {
        guard let kind = object.kind, let apiVersion = object.apiVersion else { return nil }
        let engine: String
        if (kind == "ClusterPolicy" || kind == "Policy") && apiVersion.hasPrefix("kyverno.io/") {
            engine = "Kyverno"
        } else if kind == "Assign" && apiVersion.hasPrefix("mutations.gatekeeper.sh/") {
            engine = "Gatekeeper"
        } else {
            return nil
        }
        // Only a mutation adds anything (a validate rule that demands pull secrets does not).
        guard let spec = object.specNode, object.document.mentions("imagePullSecrets", under: spec),
            engine == "Gatekeeper" || Self.hasMutateKey(object, spec)
        else { return nil }
        namespace = kind == "Policy" ? object.namespace : nil
        origin = "\(engine) \(kind) \(object.name ?? "<unnamed>") (\(file)) adds imagePullSecrets at admission"
    }

    /// Kyverno's `spec.rules[].mutate`.
    private static func hasMutateKey(_ object: ManifestObject, _ spec: NodeID) -> Bool {
        let document = object.document
        guard let rules = document.value("rules", in: spec), document.kind(rules) == .sequence else { return false }
        return document.items(rules).contains { rule in document.kind(rule) == .mapping && document.value("mutate", in: rule) != nil }
    }
}
