/// The small facts the cross-object rules need, kept from each object after its document is
/// gone: pods, their pull secrets and images; Secrets and ServiceAccounts.
public struct RunFacts: Sendable {
    var pods: [PodFact] = []
    var secrets: [SecretFact] = []
    var serviceAccounts: [ServiceAccountFact] = []
    /// Mutating admission policies in the project that add `imagePullSecrets` to pods.
    var admissionPolicies: [AdmissionPolicyFact] = []

    // Indexes built once by `index()` before the run rules look things up; every lookup below
    // is then proportional to the number of objects with that name, not to the run's size.
    private var secretsByName: [String: [Int]] = [:]
    private var accountsByName: [String: [Int]] = [:]
    private var secretNamespaces: Set<String> = []
    private var hasSecretWithoutNamespace = false
    /// The namespaces ("" for none written) of the Secrets each application ships.
    private var secretUnits: [String: Set<String>] = [:]
    /// Registries (`host[:port]`, lower case) the project shows to be private, and how.
    private var registryEvidence: [String: RegistryEvidence] = [:]
    private var wildcardEvidence: [(String, RegistryEvidence)] = []

    struct RegistryEvidence {
        /// A Secret that holds a credential for the registry.
        var secret: String?
        /// Up to two pods that pull from it with pull secrets (file, object ordinal, description).
        var pods: [(file: String, ordinal: Int, object: String)] = []
    }

    mutating func append(contentsOf other: RunFacts) {
        pods.append(contentsOf: other.pods)
        secrets.append(contentsOf: other.secrets)
        serviceAccounts.append(contentsOf: other.serviceAccounts)
        admissionPolicies.append(contentsOf: other.admissionPolicies)
    }

    mutating func index() {
        secretsByName = [:]
        accountsByName = [:]
        secretNamespaces = []
        hasSecretWithoutNamespace = false
        for (position, secret) in secrets.enumerated() {
            secretsByName[secret.name, default: []].append(position)
            if let namespace = secret.namespace { secretNamespaces.insert(namespace) } else { hasSecretWithoutNamespace = true }
            secretUnits[secret.unit, default: []].insert(secret.namespace ?? "")
        }
        for (position, account) in serviceAccounts.enumerated() { accountsByName[account.name, default: []].append(position) }
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
            for container in pod.containers {
                let host = container.reference.domain.lowercased()
                var evidence = registryEvidence[host] ?? RegistryEvidence()
                guard evidence.pods.count < 2, !evidence.pods.contains(where: { $0.file == pod.file && $0.ordinal == pod.objectOrdinal }) else { continue }
                evidence.pods.append((pod.file, pod.objectOrdinal, pod.object.description))
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
    static func registryHost(ofKey key: String) -> String {
        var text = Substring(key.lowercased())
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = text.dropFirst(scheme.count) }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        return String(text)
    }

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
        if let other = registryEvidence[domain]?.pods.first(where: { !($0.file == pod.file && $0.ordinal == pod.objectOrdinal) }) {
            return (.private, "\(other.object) pulls from it with pull secrets")
        }
        return verdict
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

    /// Whether the run is evidently meant to hold the Secrets of an object in `unit` and
    /// `namespace`: the same application (kustomization, chart or folder) ships Secrets, or a
    /// Secret is written into the same namespace. A monorepo of independent samples, one of which
    /// ships a Secret, is no evidence about the others.
    func shouldHoldSecrets(unit: String, namespace: String?) -> Bool {
        if let namespaces = secretUnits[unit] {
            // Secrets the application ships for another, explicit namespace say nothing about this one.
            guard let namespace else { return true }
            if namespaces.contains("") || namespaces.contains(namespace) { return true }
        }
        guard let namespace else { return false }
        return secretNamespaces.contains(namespace)
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
    /// The application the pod's file belongs to (see `LintInput.unit`).
    var unit = ""

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
    /// The application the Secret's file belongs to (see `LintInput.unit`).
    var unit = ""

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
    var unit = ""

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
    let unit: String
    let file: String
    let object: ObjectReference
    let objectOrdinal: Int
}

extension RunFacts {
    /// Every `imagePullSecrets` item of the run: the pods' own and the ServiceAccounts'.
    var pullSecretReferences: [PullSecretReference] {
        pods.flatMap { pod in
            pod.pullSecrets.map {
                PullSecretReference(
                    reference: $0, namespace: pod.namespace, unit: pod.unit, file: pod.file, object: pod.object,
                    objectOrdinal: pod.objectOrdinal)
            }
        }
            + serviceAccounts.flatMap { account in
                account.pullSecrets.map {
                    PullSecretReference(
                        reference: $0, namespace: account.namespace, unit: account.unit, file: account.file, object: account.object,
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

/// A mutating admission policy that adds `imagePullSecrets` to pods: a Kyverno `ClusterPolicy` or
/// `Policy` whose mutate rules mention them, or a Gatekeeper `Assign` whose location is them.
public struct AdmissionPolicyFact: Sendable {
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
