import Dispatch
import FoundationEssentials
import RegistryModel
import Synchronization

/// Answers lookups against real registries: identical lookups once, at most `maxInFlight` at a time
/// and `maxPerRegistry` per registry, through the nodes' mirrors and trust, with the disk cache.
public final class RegistryLookupService: ImageLookupService {
    let transport: any HTTPTransport
    let hosts: HostsConfiguration
    let tokens = TokenStore()

    public init(transport: any HTTPTransport, hosts: HostsConfiguration) {
        self.transport = transport
        self.hosts = hosts
    }

    public func lookup(_ lookups: [ImageLookup], settings: OnlineSettings) -> [LookupResult] {
        var unique: [ImageLookup] = []
        var slot: [ImageLookup: Int] = [:]
        let order = lookups.map { lookup in
            if let index = slot[lookup] { return index }
            slot[lookup] = unique.count
            unique.append(lookup)
            return unique.count - 1
        }
        let cache = settings.useCache ? settings.cacheDirectory.map { LookupCache(directory: $0) } : nil
        let results = Mutex<[LookupResult?]>(Array(repeating: nil, count: unique.count))
        let perRegistry = Dictionary(grouping: unique.indices, by: { unique[$0].registry }).mapValues { _ in
            DispatchSemaphore(value: max(1, settings.maxPerRegistry))
        }
        let inFlight = DispatchSemaphore(value: max(1, settings.maxInFlight))
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "pullcheck.lookups", attributes: .concurrent)
        for index in unique.indices {
            let lookup = unique[index]
            if let cached = cache?.answer(for: lookup) {
                results.withLock { $0[index] = cached }
                continue
            }
            inFlight.wait()
            let registryGate = perRegistry[lookup.registry]
            queue.async(group: group) {
                registryGate?.wait()
                let result = self.answer(lookup, settings: settings)
                registryGate?.signal()
                inFlight.signal()
                cache?.store(result, for: lookup, settings: settings)
                results.withLock { $0[index] = result }
            }
        }
        group.wait()
        let answers = results.withLock { $0 }
        return order.map { answers[$0] ?? LookupResult(status: .notChecked) }
    }

    /// One lookup, as kubelet would pull: the pod's credentials in kubelet's order (the first that gets
    /// in wins), else anonymous; node-authenticated registries with the runner's credentials only.
    func answer(_ lookup: ImageLookup, settings: OnlineSettings) -> LookupResult {
        let endpoints: [RegistryEndpoint]
        do {
            endpoints = try hosts.endpoints(for: lookup.registry, insecure: settings.insecureRegistries)
        } catch {
            var result = LookupResult(status: .unreachable)
            result.unreachable = .other(host: lookup.registry, detail: error.description)
            result.reason = error.description
            return result
        }
        var query = ManifestQuery(
            transport: transport, tokens: tokens, settings: settings, lookup: lookup, deadline: ManifestQuery.now() + settings.timeout)
        var result: LookupResult
        if lookup.nodeAuthenticated {
            guard !lookup.runnerCredentials.isEmpty else {
                result = LookupResult(status: .notChecked)
                result.reason =
                    "the nodes authenticate to \(lookup.registry) with their own credential provider, and no local credentials were found"
                return result
            }
            result = ask(&query, endpoints, credentials: lookup.runnerCredentials)
            if result.status == .unauthorized {
                result.status = .notChecked
                result.reason = "the nodes authenticate to \(lookup.registry) themselves; the local credentials could not see the image"
            }
        } else {
            result = ask(&query, endpoints, credentials: lookup.podCredentials)
            if result.status == .unauthorized, !lookup.podCredentialsKnown {
                // The refusal is of credentials the pod may not use: only the runner's can still tell.
                let runner = lookup.runnerCredentials.isEmpty ? result : ask(&query, endpoints, credentials: lookup.runnerCredentials)
                if runner.status == .notFound {
                    result = runner
                } else {
                    result.status = .notChecked
                    result.visibleToRunner = runner.status == .found ? true : nil
                    result.reason = "the pod's pull secrets are not readable here (not in the manifests, sealed, or added at admission)"
                }
            } else if result.status == .unauthorized, !lookup.runnerCredentials.isEmpty {
                let pod = result
                let runner = ask(&query, endpoints, credentials: lookup.runnerCredentials)
                result = pod
                switch runner.status {
                case .found: result.visibleToRunner = true
                case .notFound:
                    result.visibleToRunner = false
                    result.repositoryExists = runner.repositoryExists
                    result.tags = runner.tags
                default: break
                }
            }
        }
        result.requests = query.requests
        return result
    }

    /// Tries each credential in order (nil: anonymous) on each endpoint in order.
    private func ask(_ query: inout ManifestQuery, _ endpoints: [RegistryEndpoint], credentials: [RegistryCredential]) -> LookupResult {
        let attempts: [RegistryCredential?] = credentials.isEmpty ? [nil] : credentials
        var last = LookupResult(status: .notChecked)
        var tried: [String] = []
        for credential in attempts {
            if let credential { tried.append(credential.source) }
            last = askEndpoints(&query, endpoints, credential: credential)
            last.triedCredentials = tried
            // Only a refusal sends kubelet on to the next credential.
            if last.status != .unauthorized { return last }
        }
        return last
    }

    /// containerd asks the mirrors in order and then the server; an error or a 404 moves on to the
    /// next host. The first host that has the image answers; else the server's answer counts (a
    /// mirror's, when the server itself cannot be reached).
    private func askEndpoints(_ query: inout ManifestQuery, _ endpoints: [RegistryEndpoint], credential: RegistryCredential?)
        -> LookupResult
    {
        var first: LookupResult?
        for endpoint in endpoints {
            let result = query.ask(endpoint, credential: credential)
            if result.status == .found { return result }
            if !endpoint.isMirror {
                // The server's answer, unless the server could not be reached and a mirror did answer.
                if result.status == .unreachable, let first, first.status != .unreachable { return first }
                return result
            }
            if first == nil { first = result }
        }
        return first ?? LookupResult(status: .notChecked)
    }
}
