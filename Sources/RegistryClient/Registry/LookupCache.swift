import FoundationEssentials
import RegistryModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Registry answers on disk (`$XDG_CACHE_HOME/pullcheck/lookups`), so an editor save or a pre-commit
/// rerun asks nothing. Never a credential: the key holds a hash of the credentials' identities
/// (where they came from and the user name), and the answer only sources. Answers by digest are kept
/// for good (30 days), by tag for `tagTTL`, failures for `failureTTL`. Each answer is one file written
/// to a temporary name and renamed, so two processes at once never read half a file.
struct LookupCache: Sendable {
    let directory: String

    init(directory: String) { self.directory = directory + "/lookups" }

    func answer(for lookup: ImageLookup) -> LookupResult? {
        guard let data = FileManager.default.contents(atPath: path(for: lookup)),
            let entry = try? JSONDecoder().decode(CachedAnswer.self, from: data), entry.expires > Date().timeIntervalSince1970,
            var result = entry.result
        else { return nil }
        result.fromCache = true
        result.requests = 0
        return result
    }

    func store(_ result: LookupResult, for lookup: ImageLookup, settings: OnlineSettings) {
        let lifetime: Double
        switch result.status {
        case .found: lifetime = lookup.digest != nil ? 30 * 86_400 : settings.tagTTL
        case .notChecked: return
        default: lifetime = settings.failureTTL
        }
        guard lifetime > 0 else { return }
        let entry = CachedAnswer(result, expires: Date().timeIntervalSince1970 + lifetime)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        let target = path(for: lookup)
        try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = "\(target).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temporary, target) != 0 { unlink(temporary) }
    }

    func path(for lookup: ImageLookup) -> String {
        var key = [
            lookup.registry, lookup.repository, lookup.tag ?? "", lookup.digest ?? "", lookup.platforms.joined(separator: ","),
            lookup.wantsSize ? "size" : "", lookup.nodeAuthenticated ? "node" : "",
            lookup.podCredentialsKnown ? "" : "unknown",
        ]
        key += lookup.podCredentials.map { "pod:" + $0.identity } + lookup.runnerCredentials.map { "runner:" + $0.identity }
        return "\(directory)/\(Self.hash(key.joined(separator: "\u{1}"))).json"
    }

    /// 128 bits of FNV-1a (two seeds): a file name, not a secret.
    static func hash(_ text: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var value = seed
            for byte in text.utf8 {
                value ^= UInt64(byte)
                value = value &* 0x100_0000_01b3
            }
            return value
        }
        let high = String(fnv(0xcbf2_9ce4_8422_2325), radix: 16)
        let low = String(fnv(0x8422_2325_cbf2_9ce4), radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count) + low
    }
}

/// One cached answer on disk: the result's fields (sources only, never a credential) and when it expires.
struct CachedAnswer: Codable {
    var expires: Double
    var status: String
    var reason: String
    var host: String
    var schema1: Bool
    var digest: String?
    var mediaType: String?
    var platforms: [String]
    var platformAvailable: Bool?
    var size: Int64?
    var httpStatus: Int?
    var credential: String?
    var triedCredentials: [String]
    var repositoryExists: Bool?
    var tags: [String]
    var retryAfter: Double?
    var rateLimitRemaining: String?
    var visibleToRunner: Bool?
    var unreachable: CachedCause?

    init(_ result: LookupResult, expires: Double) {
        self.expires = expires
        status = result.status.rawValue
        reason = result.reason
        host = result.host
        schema1 = result.schema1
        digest = result.digest
        mediaType = result.mediaType
        platforms = result.platforms
        platformAvailable = result.platformAvailable
        size = result.size
        httpStatus = result.httpStatus
        credential = result.credential
        triedCredentials = result.triedCredentials
        repositoryExists = result.repositoryExists
        tags = result.tags
        retryAfter = result.retryAfter
        rateLimitRemaining = result.rateLimitRemaining
        visibleToRunner = result.visibleToRunner
        unreachable = result.unreachable.map(CachedCause.init)
    }

    var result: LookupResult? {
        guard let status = LookupStatus(rawValue: status) else { return nil }
        var result = LookupResult(status: status)
        result.reason = reason
        result.host = host
        result.schema1 = schema1
        result.digest = digest
        result.mediaType = mediaType
        result.platforms = platforms
        result.platformAvailable = platformAvailable
        result.size = size
        result.httpStatus = httpStatus
        result.credential = credential
        result.triedCredentials = triedCredentials
        result.repositoryExists = repositoryExists
        result.tags = tags
        result.retryAfter = retryAfter
        result.rateLimitRemaining = rateLimitRemaining
        result.visibleToRunner = visibleToRunner
        if let unreachable {
            guard let cause = unreachable.cause else { return nil }
            result.unreachable = cause
        }
        return result
    }
}

/// `UnreachableCause` as a small JSON object, for the cache.
struct CachedCause: Codable {
    var kind: String
    var host: String = ""
    var detail: String = ""
    var seconds: Double = 0

    init(_ cause: UnreachableCause) {
        switch cause {
        case .dns(let host): (kind, self.host) = ("dns", host)
        case .refused(let host): (kind, self.host) = ("refused", host)
        case .timeout(let host, let seconds): (kind, self.host, self.seconds) = ("timeout", host, seconds)
        case .tlsUnknownAuthority(let host, let detail): (kind, self.host, self.detail) = ("tls-unknown-authority", host, detail)
        case .tlsHostname(let host, let detail): (kind, self.host, self.detail) = ("tls-hostname", host, detail)
        case .tlsExpired(let host, let detail): (kind, self.host, self.detail) = ("tls-expired", host, detail)
        case .tlsOther(let host, let detail): (kind, self.host, self.detail) = ("tls-other", host, detail)
        case .plainHTTPServer(let host): (kind, self.host) = ("plain-http-server", host)
        case .tlsServer(let host): (kind, self.host) = ("tls-server", host)
        case .proxy(let detail): (kind, self.detail) = ("proxy", detail)
        case .other(let host, let detail): (kind, self.host, self.detail) = ("other", host, detail)
        case .clientUnavailable(let detail): (kind, self.detail) = ("client-unavailable", detail)
        }
    }

    var cause: UnreachableCause? {
        switch kind {
        case "dns": return .dns(host: host)
        case "refused": return .refused(host: host)
        case "timeout": return .timeout(host: host, seconds: seconds)
        case "tls-unknown-authority": return .tlsUnknownAuthority(host: host, detail: detail)
        case "tls-hostname": return .tlsHostname(host: host, detail: detail)
        case "tls-expired": return .tlsExpired(host: host, detail: detail)
        case "tls-other": return .tlsOther(host: host, detail: detail)
        case "plain-http-server": return .plainHTTPServer(host: host)
        case "tls-server": return .tlsServer(host: host)
        case "proxy": return .proxy(detail: detail)
        case "other": return .other(host: host, detail: detail)
        case "client-unavailable": return .clientUnavailable(detail: detail)
        default: return nil
        }
    }
}
