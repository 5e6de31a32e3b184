import Foundation
import RegistryModel

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
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let expires = object["expires"] as? Double, expires > Date().timeIntervalSince1970,
            var result = Self.decode(object)
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
        var object = Self.encode(result)
        object["expires"] = Date().timeIntervalSince1970 + lifetime
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return }
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

    static func encode(_ result: LookupResult) -> [String: Any] {
        var object: [String: Any] = [
            "status": result.status.rawValue, "reason": result.reason, "host": result.host, "schema1": result.schema1,
        ]
        object["digest"] = result.digest
        object["mediaType"] = result.mediaType
        object["platforms"] = result.platforms
        object["platformAvailable"] = result.platformAvailable
        object["size"] = result.size
        object["httpStatus"] = result.httpStatus
        object["credential"] = result.credential
        object["triedCredentials"] = result.triedCredentials
        object["repositoryExists"] = result.repositoryExists
        object["tags"] = result.tags
        object["retryAfter"] = result.retryAfter
        object["rateLimitRemaining"] = result.rateLimitRemaining
        object["visibleToRunner"] = result.visibleToRunner
        if let cause = result.unreachable { object["unreachable"] = UnreachableCoding.encode(cause) }
        return object
    }

    static func decode(_ object: [String: Any]) -> LookupResult? {
        guard let raw = object["status"] as? String, let status = LookupStatus(rawValue: raw) else { return nil }
        var result = LookupResult(status: status)
        result.reason = object["reason"] as? String ?? ""
        result.host = object["host"] as? String ?? ""
        result.schema1 = object["schema1"] as? Bool ?? false
        result.digest = object["digest"] as? String
        result.mediaType = object["mediaType"] as? String
        result.platforms = object["platforms"] as? [String] ?? []
        result.platformAvailable = object["platformAvailable"] as? Bool
        result.size = (object["size"] as? NSNumber)?.int64Value
        result.httpStatus = object["httpStatus"] as? Int
        result.credential = object["credential"] as? String
        result.triedCredentials = object["triedCredentials"] as? [String] ?? []
        result.repositoryExists = object["repositoryExists"] as? Bool
        result.tags = object["tags"] as? [String] ?? []
        result.retryAfter = object["retryAfter"] as? Double
        result.rateLimitRemaining = object["rateLimitRemaining"] as? String
        result.visibleToRunner = object["visibleToRunner"] as? Bool
        if let cause = object["unreachable"] as? [String: Any] { result.unreachable = UnreachableCoding.decode(cause) }
        return result
    }
}

/// `UnreachableCause` as a small JSON object, for the cache.
enum UnreachableCoding {
    static func encode(_ cause: UnreachableCause) -> [String: Any] {
        switch cause {
        case .dns(let host): ["kind": "dns", "host": host]
        case .refused(let host): ["kind": "refused", "host": host]
        case .timeout(let host, let seconds): ["kind": "timeout", "host": host, "seconds": seconds]
        case .tlsUnknownAuthority(let host, let detail): ["kind": "tls-unknown-authority", "host": host, "detail": detail]
        case .tlsHostname(let host, let detail): ["kind": "tls-hostname", "host": host, "detail": detail]
        case .tlsExpired(let host, let detail): ["kind": "tls-expired", "host": host, "detail": detail]
        case .tlsOther(let host, let detail): ["kind": "tls-other", "host": host, "detail": detail]
        case .plainHTTPServer(let host): ["kind": "plain-http-server", "host": host]
        case .tlsServer(let host): ["kind": "tls-server", "host": host]
        case .proxy(let detail): ["kind": "proxy", "detail": detail]
        case .other(let host, let detail): ["kind": "other", "host": host, "detail": detail]
        case .clientUnavailable(let detail): ["kind": "client-unavailable", "detail": detail]
        }
    }

    static func decode(_ object: [String: Any]) -> UnreachableCause? {
        let host = object["host"] as? String ?? ""
        let detail = object["detail"] as? String ?? ""
        switch object["kind"] as? String {
        case "dns": return .dns(host: host)
        case "refused": return .refused(host: host)
        case "timeout": return .timeout(host: host, seconds: object["seconds"] as? Double ?? 0)
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
