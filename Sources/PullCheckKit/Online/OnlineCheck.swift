import DistributionReference
import KubeletCredentials
import RegistryModel

/// What the online mode needs from outside the linter: the service that asks the registries (the
/// `pullcheck-online` executable brings it; the offline one never links it), how to ask, and the
/// runner's own credentials.
public struct OnlineRun: Sendable {
    public var service: any ImageLookupService
    public var settings: OnlineSettings
    public var localCredentials: LocalCredentials

    public init(service: any ImageLookupService, settings: OnlineSettings, localCredentials: LocalCredentials) {
        self.service = service
        self.settings = settings
        self.localCredentials = localCredentials
    }
}

/// What the lookups of a run cost and left unanswered (`--statistics`).
public struct OnlineStatistics: Sendable, Hashable {
    /// Containers whose image was looked up.
    public var images = 0
    /// Distinct lookups (an image asked with the same credentials once per run).
    public var lookups = 0
    public var requests = 0
    public var cacheHits = 0
    /// `image: why`, for lookups that could not be made (node-authenticated registries without
    /// local credentials, pull secrets that are not readable here).
    public var notChecked: [String] = []
    public var seconds: Double = 0
}

/// One container's image and the registry's answer, as the online rules see it.
struct OnlineAnswer {
    let pod: PodFact
    let container: ContainerFact
    let reference: ImageReference
    let lookup: ImageLookup
    let result: LookupResult
    /// What kubelet presents for this image, in words (`the pull secret shop/regcred (key "ghcr.io")`).
    let credentials: PodCredentials
    let configuration: OnlineConfiguration
}

/// The credentials kubelet would present for one image of a pod.
struct PodCredentials {
    var entries: [RegistryCredential] = []
    var known = true
    /// Why the pod presents nothing: no pull secrets, none matching, ...
    var noneReason = ""
    /// The pull secrets kubelet reads for the pod (names).
    var secretNames: [String] = []

    /// `the pull secret shop/regcred (key "ghcr.io")`, or the anonymous case.
    var presented: String {
        if entries.isEmpty { return "no credentials (anonymous)" }
        return entries.map(\.source).joined(separator: ", then ")
    }
}

/// Asks the registries about every image of the run's input pods and turns the answers into
/// findings. Identical questions are asked once (the service dedupes), so a chart that deploys one
/// image fifty times costs one lookup.
struct OnlineCheck {
    let configuration: Configuration
    let online: OnlineRun
    /// Offline findings that the registry's answer settles: they guess whether an anonymous pull
    /// works, and the registry has said.
    static let settledRules: Set<String> = [MissingPullSecretRule.description.id, PullSecretRegistryMismatchRule.description.id]

    struct Finding {
        let diagnostic: Diagnostic
        let input: Int
    }

    /// A container the registry answered about with anonymous access, or could not be reached for
    /// (its offline guesses about credentials are settled or moot): input, object ordinal, container name.
    struct Settled: Hashable {
        let input: Int
        let ordinal: Int
        let container: String?
    }

    func run(_ facts: RunFacts, inputCount: Int) -> (findings: [Finding], settled: Set<Settled>, statistics: OnlineStatistics) {
        let start = ChildProcess.monotonicSeconds()
        var statistics = OnlineStatistics()
        var questions: [(pod: PodFact, container: ContainerFact, reference: ImageReference, credentials: PodCredentials)] = []
        var runner: [String: [RegistryCredential]] = [:]
        var podCredentials: [String: PodCredentials] = [:]
        let typoRuleOn = configuration.isEnabled(RegistryTypoRule.description)
        for pod in facts.pods where Int(pod.input) < inputCount {
            for container in facts.containers(of: pod) {
                guard let reference = container.reference else { continue }
                // A misspelt registry host is registry-typo's finding; asking it adds a second one.
                if typoRuleOn, KnownRegistries.typoExplanation(for: reference, configuration: configuration) != nil { continue }
                let key = "\(pod.input)/\(pod.objectOrdinal)/\(reference.normalizedName)"
                let credentials =
                    podCredentials[key] ?? Self.credentials(for: pod, reference: reference, facts: facts, configuration: configuration)
                podCredentials[key] = credentials
                questions.append((pod, container, reference, credentials))
            }
        }
        var lookups: [ImageLookup] = []
        // Reading an index costs a GET (a pull, at Docker Hub): only when its rule is on.
        let platformsWanted = configuration.isEnabled(PlatformNotAvailableRule.description) ? configuration.online.platforms : []
        for question in questions {
            let reference = question.reference
            let visibility = configuration.registries.visibility(of: reference).visibility
            if runner[reference.normalizedName] == nil {
                runner[reference.normalizedName] = online.localCredentials.credentials(for: reference)
            }
            lookups.append(
                ImageLookup(
                    registry: reference.domain, repository: reference.path, tag: reference.tag,
                    digest: reference.digest?.description, podCredentials: question.credentials.entries,
                    podCredentialsKnown: question.credentials.known, runnerCredentials: runner[reference.normalizedName] ?? [],
                    nodeAuthenticated: visibility == .nodeAuthenticated,
                    platforms: platformsWanted,
                    wantsSize: configuration.isEnabled(ImageTooLargeRule.description)))
        }
        let results = lookups.isEmpty ? [] : online.service.lookup(lookups, settings: online.settings)
        statistics.images = questions.count
        var seen = Set<ImageLookup>()
        var findings: [Finding] = []
        var settled = Set<Settled>()
        let rules = RuleRegistry.onlineRules.compactMap { type -> (any OnlineRule, String, Severity)? in
            let description = type.description
            guard configuration.isEnabled(description) else { return nil }
            return (type.init(), description.id, configuration.severity(description))
        }
        for (index, question) in questions.enumerated() where index < results.count {
            let result = results[index]
            if seen.insert(lookups[index]).inserted {
                statistics.lookups += 1
                statistics.requests += result.requests
                if result.fromCache { statistics.cacheHits += 1 }
                if result.status == .notChecked {
                    statistics.notChecked.append("\(question.container.image): \(result.reason)")
                }
            }
            if question.credentials.entries.isEmpty, question.credentials.known,
                [.found, .notFound, .unauthorized, .unreachable].contains(result.status)
            {
                settled.insert(
                    Settled(input: Int(question.pod.input), ordinal: Int(question.pod.objectOrdinal), container: question.container.name))
            }
            let answer = OnlineAnswer(
                pod: question.pod, container: question.container, reference: question.reference, lookup: lookups[index], result: result,
                credentials: question.credentials, configuration: configuration.online)
            for (rule, id, severity) in rules {
                var context = RunRuleContext(configuration: configuration, ruleID: id, severity: severity)
                rule.check(answer, &context)
                for (diagnostic, input) in zip(context.diagnostics, context.inputs) {
                    findings.append(Finding(diagnostic: diagnostic, input: Int(input)))
                }
            }
        }
        statistics.seconds = ChildProcess.monotonicSeconds() - start
        return (findings, settled, statistics)
    }

    /// What kubelet presents for `reference` in `pod`: the entries of the pod's pull secrets (its own,
    /// else its ServiceAccount's) that match the image, in kubelet's order; nothing known when a
    /// secret is not readable here.
    static func credentials(for pod: PodFact, reference: ImageReference, facts: RunFacts, configuration: Configuration) -> PodCredentials {
        var credentials = PodCredentials()
        let source = facts.pullSecretSource(for: pod)
        let names = RunFacts.distinct(source.names)
        credentials.secretNames = names
        if case .none(let account) = source {
            if facts.admissionPullSecrets(for: pod.namespace, configuration: configuration) != nil {
                credentials.known = false
                return credentials
            }
            credentials.noneReason =
                account.map { "neither the pod nor its ServiceAccount \($0.name) has imagePullSecrets" }
                ?? "the pod has no imagePullSecrets and its ServiceAccount \(pod.serviceAccount) is not in the manifests"
            return credentials
        }
        var entries: [(source: String, entry: PullCredentialEntry)] = []
        for name in names {
            guard let secret = facts.resolveSecret(name, for: pod.namespace) else {
                credentials.known = false
                continue
            }
            // kubelet reads only docker-registry Secrets.
            guard secret.isDockerRegistryType else { continue }
            guard let content = secret.credentials else {
                credentials.known = false
                continue
            }
            let shown = (secret.namespace ?? pod.namespace).map { "\($0)/\(name)" } ?? name
            for entry in content.entries { entries.append(("secret \(shown), key \"\(entry.rawKey)\"", entry)) }
        }
        // kubelet reads only user names and passwords (`auth` or the two fields): an identity or
        // registry token in a pull secret is not something the node would present.
        for (source, entry) in kubeletCredentialOrder(entries, image: reference.normalizedName)
        where !entry.username.isEmpty || !entry.password.isEmpty {
            credentials.entries.append(RegistryCredential(username: entry.username, password: entry.password, source: source))
        }
        if credentials.entries.isEmpty {
            credentials.noneReason = "no key in the pod's pull secrets (\(names.joined(separator: ", "))) matches \(reference.domain)"
        }
        return credentials
    }
}
