import FoundationEssentials
import RegistryModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A lookup that ended before an HTTP answer could be used (a transport failure, a refusal, a 429).
struct Finished: Error {
    var result: LookupResult
    init(_ result: LookupResult) { self.result = result }
}

/// One lookup's conversation with one registry endpoint, as containerd holds it: HEAD the manifest
/// with the full Accept list, answer a Basic or Bearer challenge, follow redirects without carrying
/// `Authorization` to another host, wait once on a short `Retry-After`, and GET only what HEAD cannot
/// tell (an index's platforms, a size, a 404's repository).
struct ManifestQuery {
    let transport: any HTTPTransport
    let tokens: TokenStore
    let settings: OnlineSettings
    let lookup: ImageLookup
    let deadline: Double
    /// Requests made so far (for statistics).
    var requests = 0

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// What one endpoint says, with one credential (nil: anonymous).
    mutating func ask(_ endpoint: RegistryEndpoint, credential: RegistryCredential?) -> LookupResult {
        var endpoint = endpoint
        var result = askOnce(endpoint, credential: credential)
        // Docker and containerd treat a localhost registry as insecure: https first, plain HTTP if that
        // is what answers. Not for a host a hosts.toml names with its scheme.
        if case .plainHTTPServer? = result.unreachable, endpoint.scheme == "https", !endpoint.isMirror, endpoint.host == lookup.registry,
            HostsConfiguration.isLocalhost(endpoint.host)
        {
            endpoint.scheme = "http"
            endpoint.configuredInsecure = true
            result = askOnce(endpoint, credential: credential)
        }
        result.host = endpoint.host
        return result
    }

    private mutating func askOnce(_ endpoint: RegistryEndpoint, credential: RegistryCredential?) -> LookupResult {
        let scope = "repository:\(lookup.repository):pull"
        let manifestURL = "\(endpoint.baseURL)/\(lookup.repository)/manifests/\(lookup.reference)"
        let head = send(
            HTTPRequest(method: "HEAD", url: manifestURL, headers: [("Accept", ManifestMediaType.accept)]), endpoint: endpoint,
            credential: credential, scope: scope)
        switch head {
        case .failure(let finished):
            return finished.result
        case .success(let response):
            var result = LookupResult(status: .found)
            result.httpStatus = response.status
            result.credential = credential?.source
            switch response.status {
            case 200..<300:
                return found(response, endpoint: endpoint, credential: credential, scope: scope)
            case 404:
                return notFound(endpoint: endpoint, credential: credential, scope: scope, head: response)
            case 401, 403:
                result.status = .unauthorized
                result.reason = Self.denial(response, credential: credential)
                return result
            case 400 where endpoint.scheme == "http":
                result.status = .unreachable
                result.unreachable = .tlsServer(host: endpoint.host)
                result.reason = "the registry speaks HTTPS; plain HTTP got 400"
                return result
            default:
                result.status = .unreachable
                result.unreachable = .other(host: endpoint.host, detail: "HTTP \(response.status)\(Self.errorSuffix(response))")
                result.reason = "the registry answered HTTP \(response.status)\(Self.errorSuffix(response))"
                return result
            }
        }
    }

    /// 200: read what HEAD says; GET an index only when its platforms or a size are needed.
    private mutating func found(_ response: HTTPResponse, endpoint: RegistryEndpoint, credential: RegistryCredential?, scope: String)
        -> LookupResult
    {
        var result = LookupResult(status: .found)
        result.httpStatus = response.status
        result.credential = credential?.source
        result.digest = response.header("docker-content-digest") ?? lookup.digest
        let mediaType = response.header("content-type").map(ManifestMediaType.base)
        result.mediaType = mediaType
        result.reason = "found"
        guard let mediaType else { return result }
        if ManifestMediaType.isSchema1(mediaType) {
            result.schema1 = true
            return result
        }
        let reference = result.digest ?? lookup.reference
        if ManifestMediaType.isIndex(mediaType), !lookup.platforms.isEmpty || lookup.wantsSize {
            guard
                let index = getJSON(
                    RegistryJSON.Index.self, endpoint: endpoint, path: "manifests/\(reference)", credential: credential, scope: scope)
            else { return result }
            var children: [(platform: String, digest: String)] = []
            for manifest in index.manifests ?? [] {
                guard let platform = manifest.platform, let os = platform.os, let architecture = platform.architecture, os != "unknown"
                else { continue }
                let variant = platform.variant.map { "/\($0)" } ?? ""
                children.append(("\(os)/\(architecture)\(variant)", manifest.digest ?? ""))
            }
            result.platforms = children.map(\.platform)
            let chosen = lookup.platforms.lazy.compactMap { wanted in children.first { Self.platform($0.platform, satisfies: wanted) } }
                .first
            result.platformAvailable = lookup.platforms.isEmpty ? nil : chosen != nil
            if lookup.wantsSize, let chosen, !chosen.digest.isEmpty {
                result.size = size(endpoint: endpoint, reference: chosen.digest, credential: credential, scope: scope)
            }
        } else if lookup.wantsSize, !ManifestMediaType.isIndex(mediaType) {
            result.size = size(endpoint: endpoint, reference: reference, credential: credential, scope: scope)
        }
        return result
    }

    /// `linux/arm64/v8` satisfies `linux/arm64`; `linux/arm/v7` does not satisfy `linux/arm/v6`.
    static func platform(_ offered: String, satisfies wanted: String) -> Bool {
        if offered == wanted { return true }
        let offeredParts = offered.split(separator: "/")
        let wantedParts = wanted.split(separator: "/")
        guard offeredParts.count >= 2, wantedParts.count >= 2, offeredParts[0] == wantedParts[0], offeredParts[1] == wantedParts[1]
        else { return false }
        if wantedParts.count == 2 { return true }
        // arm64 without a variant is v8.
        return offeredParts.count == 2 && wantedParts[1] == "arm64" && wantedParts[2] == "v8"
    }

    /// Config plus layers of one image manifest, from a GET.
    private mutating func size(endpoint: RegistryEndpoint, reference: String, credential: RegistryCredential?, scope: String) -> Int64? {
        guard
            let manifest = getJSON(
                RegistryJSON.Manifest.self, endpoint: endpoint, path: "manifests/\(reference)", credential: credential, scope: scope)
        else { return nil }
        return (manifest.config?.size ?? 0) + (manifest.layers ?? []).reduce(0) { $0 + ($1.size ?? 0) }
    }

    /// 404: the tag or digest is missing; `tags/list` tells whether the repository exists and what it holds.
    private mutating func notFound(endpoint: RegistryEndpoint, credential: RegistryCredential?, scope: String, head: HTTPResponse)
        -> LookupResult
    {
        var result = LookupResult(status: .notFound)
        result.httpStatus = 404
        result.credential = credential?.source
        result.reason = "manifest unknown"
        let url = "\(endpoint.baseURL)/\(lookup.repository)/tags/list?n=1000"
        guard
            case .success(let response) = send(
                HTTPRequest(method: "GET", url: url), endpoint: endpoint, credential: credential, scope: scope)
        else { return result }
        if response.status == 200, let list = try? JSONDecoder().decode(RegistryJSON.TagList.self, from: Data(response.body)) {
            result.repositoryExists = true
            result.tags = Array((list.tags ?? []).prefix(1000))
        } else if response.status == 404 {
            let codes = Self.errorCodes(response)
            if codes.contains("NAME_UNKNOWN") {
                result.repositoryExists = false
                result.reason = "repository name not known to registry"
            }
        }
        return result
    }

    private mutating func getJSON<Value: Decodable>(
        _ type: Value.Type, endpoint: RegistryEndpoint, path: String, credential: RegistryCredential?, scope: String
    ) -> Value? {
        let request = HTTPRequest(
            method: "GET", url: "\(endpoint.baseURL)/\(lookup.repository)/\(path)", headers: [("Accept", ManifestMediaType.accept)])
        guard case .success(let response) = send(request, endpoint: endpoint, credential: credential, scope: scope),
            response.status == 200
        else { return nil }
        return try? JSONDecoder().decode(Value.self, from: Data(response.body))
    }

    // MARK: - Sending with authentication, redirects, retries

    /// Sends `request`, authenticating as the host asks, following up to three redirects and waiting
    /// once on a short `Retry-After`. A failure comes back as a finished result.
    mutating func send(_ request: HTTPRequest, endpoint: RegistryEndpoint, credential: RegistryCredential?, scope: String)
        -> Result<HTTPResponse, Finished>
    {
        var authorization = authorizationUpFront(endpoint: endpoint, credential: credential, scope: scope)
        var answered401 = false
        var waitedOn429 = false
        var retriedReset = false
        var current = request
        var currentHost = endpoint.host
        var hops = 0
        while true {
            var attempt = current
            if let authorization, currentHost == endpoint.host { attempt.headers.append(("Authorization", authorization)) }
            let outcome = transmit(attempt, tls: endpoint.tls, host: currentHost)
            let response: HTTPResponse
            switch outcome {
            case .failure(.reset) where !retriedReset:
                retriedReset = true
                continue
            case .failure(let failure):
                return .failure(Finished(Self.unreachable(failure, host: currentHost, timeout: settings.timeout)))
            case .success(let answer):
                response = answer
            }
            switch response.status {
            case 401 where !answered401 && currentHost == endpoint.host:
                answered401 = true
                let challenges = AuthChallenge.parse(response.headers("www-authenticate"))
                guard
                    let challenge = challenges.first(where: { $0.scheme == "bearer" }) ?? challenges.first(where: { $0.scheme == "basic" })
                else { return .success(response) }
                tokens.remember(challenge, for: endpoint.host)
                switch authorize(challenge, endpoint: endpoint, credential: credential, scope: scope) {
                case .success(let value?):
                    authorization = value
                    continue
                case .success(nil):
                    return .success(response)
                case .failure(let finished):
                    return .failure(finished)
                }
            case 429 where !waitedOn429:
                let wait = response.header("retry-after").flatMap(Double.init) ?? 1
                guard wait <= 5, Self.now() + wait < deadline else { return .failure(Finished(rateLimited(response, host: currentHost))) }
                waitedOn429 = true
                usleep(UInt32(wait * 1_000_000))
                continue
            case 429:
                return .failure(Finished(rateLimited(response, host: currentHost)))
            case 301, 302, 303, 307, 308:
                guard hops < 3, let location = response.header("location") else { return .success(response) }
                hops += 1
                current.url = Self.resolve(location, against: current.url)
                currentHost = Self.host(of: current.url)
                continue
            default:
                return .success(response)
            }
        }
    }

    private func rateLimited(_ response: HTTPResponse, host: String) -> LookupResult {
        var result = LookupResult(status: .rateLimited)
        result.httpStatus = 429
        result.host = host
        result.retryAfter = response.header("retry-after").flatMap(Double.init)
        result.rateLimitRemaining = response.header("ratelimit-remaining")
        result.reason = "429 Too Many Requests\(Self.errorSuffix(response))"
        return result
    }

    private mutating func transmit(_ request: HTTPRequest, tls: TLSOptions, host: String) -> Result<HTTPResponse, TransportFailure> {
        let remaining = deadline - Self.now()
        guard remaining > 0 else { return .failure(.timeout) }
        requests += 1
        return transport.send(request, tls: tls, timeout: remaining, maxBodyBytes: 8 << 20)
    }

    /// The header to send before any challenge, when an earlier request to this host already told the scheme.
    private func authorizationUpFront(endpoint: RegistryEndpoint, credential: RegistryCredential?, scope: String) -> String? {
        guard let challenge = tokens.challenge(for: endpoint.host) else { return nil }
        if challenge.scheme == "basic" {
            guard let credential, canSendCredential(to: endpoint) else { return nil }
            return Self.basic(credential)
        }
        let key = TokenStore.Key(
            realm: challenge["realm"] ?? "", service: challenge["service"] ?? "", scope: scope, credential: credential?.identity ?? "")
        return tokens.token(key, now: Self.now()).map { "Bearer \($0)" }
    }

    /// Never over plain HTTP unless that registry is configured insecure (or is localhost).
    private func canSendCredential(to endpoint: RegistryEndpoint) -> Bool {
        endpoint.scheme == "https" || endpoint.configuredInsecure
    }

    /// The `Authorization` value that answers `challenge`; nil when there is nothing to answer with
    /// (anonymous and Basic); a finished result when the token server refuses or fails.
    private mutating func authorize(_ challenge: AuthChallenge, endpoint: RegistryEndpoint, credential: RegistryCredential?, scope: String)
        -> Result<String?, Finished>
    {
        if challenge.scheme == "basic" {
            guard let credential, canSendCredential(to: endpoint) else { return .success(nil) }
            return .success(Self.basic(credential))
        }
        if let token = credential?.registryToken, !token.isEmpty { return .success("Bearer \(token)") }
        guard let realm = challenge["realm"], let realmURL = URL(string: realm), let realmScheme = realmURL.scheme?.lowercased() else {
            return .success(nil)
        }
        let service = challenge["service"] ?? ""
        let wantedScope = challenge["scope"] ?? scope
        let key = TokenStore.Key(realm: realm, service: service, scope: wantedScope, credential: credential?.identity ?? "")
        if let token = tokens.token(key, now: Self.now()) { return .success("Bearer \(token)") }
        // Credentials go to the realm the challenge names only over TLS (or to a loopback realm).
        let realmHost = Self.host(of: realm)
        let mayCarryCredential = realmScheme == "https" || HostsConfiguration.isLocalhost(realmHost)
        var query = [("service", service)]
        for part in wantedScope.split(separator: " ") { query.append(("scope", String(part))) }
        var request: HTTPRequest
        if let credential, mayCarryCredential, let refresh = credential.identityToken, !refresh.isEmpty {
            let form = (query + [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "pullcheck")])
                .map { "\($0.0)=\(Self.formEscape($0.1))" }.joined(separator: "&")
            request = HTTPRequest(
                method: "POST", url: realm, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        } else {
            let separator = realm.contains("?") ? "&" : "?"
            request = HTTPRequest(
                method: "GET", url: realm + separator + query.map { "\($0.0)=\(Self.formEscape($0.1))" }.joined(separator: "&"))
            if let credential, mayCarryCredential { request.headers.append(("Authorization", Self.basic(credential))) }
        }
        switch transmit(request, tls: endpoint.tls, host: realmHost) {
        case .failure(let failure):
            return .failure(Finished(Self.unreachable(failure, host: realmHost, timeout: settings.timeout)))
        case .success(let response):
            guard response.status == 200, let answer = try? JSONDecoder().decode(RegistryJSON.Token.self, from: Data(response.body)),
                let token = answer.token ?? answer.access_token, !token.isEmpty
            else {
                var result = LookupResult(status: response.status == 429 ? .rateLimited : .unauthorized)
                result.httpStatus = response.status
                result.credential = credential?.source
                result.host = realmHost
                result.reason =
                    response.status == 401 || response.status == 403
                    ? "the token server \(realmHost) refused the credentials (HTTP \(response.status))"
                    : "the token server \(realmHost) answered HTTP \(response.status)"
                return .failure(Finished(result))
            }
            let expiresIn = answer.expires_in ?? 60
            tokens.store(token, for: key, expiresIn: expiresIn, now: Self.now())
            return .success("Bearer \(token)")
        }
    }

    static func basic(_ credential: RegistryCredential) -> String {
        "Basic " + Data("\(credential.username):\(credential.password)".utf8).base64EncodedString()
    }

    /// Percent-encodes all but unreserved characters (and `:` and `/`, which scopes and URLs hold).
    static func formEscape(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return out
    }

    static func host(of url: String) -> String {
        guard let range = url.firstRange(of: "://") else { return "" }
        return String(url[range.upperBound...].prefix { $0 != "/" && $0 != "?" })
    }

    static func resolve(_ location: String, against base: String) -> String {
        if location.contains("://") { return location }
        guard let range = base.firstRange(of: "://") else { return location }
        let scheme = base[..<range.lowerBound]
        let host = host(of: base)
        if location.hasPrefix("//") { return "\(scheme):\(location)" }
        if location.hasPrefix("/") { return "\(scheme)://\(host)\(location)" }
        let path = base[range.upperBound...].dropFirst(host.count).prefix { $0 != "?" }
        let directory = path.lastIndex(of: "/").map { path[...$0] } ?? "/"
        return "\(scheme)://\(host)\(directory)\(location)"
    }

    /// The `code`s of a registry error body (`{"errors":[{"code":"MANIFEST_UNKNOWN",…}]}`).
    static func errorCodes(_ response: HTTPResponse) -> [String] {
        guard let body = try? JSONDecoder().decode(RegistryJSON.Errors.self, from: Data(response.body)) else { return [] }
        return (body.errors ?? []).compactMap(\.code)
    }

    static func errorSuffix(_ response: HTTPResponse) -> String {
        let codes = errorCodes(response)
        return codes.isEmpty ? "" : " (\(codes.joined(separator: ", ")))"
    }

    /// What a 401/403 says: anonymous refused, insufficient scope, a bad token, or the credentials refused.
    static func denial(_ response: HTTPResponse, credential: RegistryCredential?) -> String {
        let challenge = AuthChallenge.parse(response.headers("www-authenticate")).first
        if let error = challenge?["error"] {
            return error == "insufficient_scope"
                ? (credential == nil
                    ? "pull access denied: anonymous access is not allowed (insufficient_scope)"
                    : "pull access denied: the credentials may not pull this repository (insufficient_scope)")
                : "the registry rejected the token (\(error))"
        }
        if response.status == 403 { return "403 Forbidden\(errorSuffix(response))" }
        return credential == nil ? "401 Unauthorized: anonymous access is not allowed" : "401 Unauthorized: the credentials were refused"
    }

    static func unreachable(_ failure: TransportFailure, host: String, timeout: Double) -> LookupResult {
        var result = LookupResult(status: .unreachable)
        result.host = host
        switch failure {
        case .dns: result.unreachable = .dns(host: host)
        case .refused: result.unreachable = .refused(host: host)
        case .timeout: result.unreachable = .timeout(host: host, seconds: timeout)
        case .tlsUnknownAuthority(let detail): result.unreachable = .tlsUnknownAuthority(host: host, detail: detail)
        case .tlsHostname(let detail): result.unreachable = .tlsHostname(host: host, detail: detail)
        case .tlsExpired(let detail): result.unreachable = .tlsExpired(host: host, detail: detail)
        case .tlsHandshake(_, plainHTTPPeer: true): result.unreachable = .plainHTTPServer(host: host)
        case .tlsHandshake(let detail, plainHTTPPeer: false): result.unreachable = .tlsOther(host: host, detail: detail)
        case .proxy(let detail): result.unreachable = .proxy(detail: detail)
        case .reset(let detail): result.unreachable = .other(host: host, detail: "connection reset: \(detail)")
        case .tooLarge: result.unreachable = .other(host: host, detail: "the answer was too large")
        case .other(let code, let detail): result.unreachable = .other(host: host, detail: "\(detail) (curl \(code))")
        case .unavailable(let detail): result.unreachable = .clientUnavailable(detail: detail)
        }
        result.reason = reason(failure, host: host, timeout: timeout)
        return result
    }

    /// One line for `inspect-image` and statistics, in the words containerd and curl use.
    static func reason(_ failure: TransportFailure, host: String, timeout: Double) -> String {
        switch failure {
        case .dns: return "no such host: \(host)"
        case .refused: return "connection refused: \(host)"
        case .timeout: return "no answer from \(host) within \(timeout) s"
        case .tlsUnknownAuthority(let detail): return "x509: certificate signed by unknown authority (\(detail))"
        case .tlsHostname(let detail): return "x509: certificate is not valid for \(host) (\(detail))"
        case .tlsExpired(let detail): return "x509: certificate has expired or is not yet valid (\(detail))"
        case .tlsHandshake(_, plainHTTPPeer: true): return "http: server gave HTTP response to HTTPS client (\(host))"
        case .tlsHandshake(let detail, plainHTTPPeer: false): return "TLS handshake failed: \(detail)"
        case .proxy(let detail): return "proxy: \(detail)"
        case .reset(let detail): return "connection reset: \(detail)"
        case .tooLarge: return "the answer was too large"
        case .other(let code, let detail): return "\(detail) (curl \(code))"
        case .unavailable(let detail): return "no HTTP client: \(detail)"
        }
    }
}

/// The registry JSON the client reads (decoded leniently: every field optional).
enum RegistryJSON {
    struct Index: Decodable {
        struct Entry: Decodable {
            struct Platform: Decodable {
                let os: String?
                let architecture: String?
                let variant: String?
            }
            let platform: Platform?
            let digest: String?
        }
        let manifests: [Entry]?
    }

    struct Manifest: Decodable {
        struct Descriptor: Decodable { let size: Int64? }
        let config: Descriptor?
        let layers: [Descriptor]?
    }

    struct TagList: Decodable { let tags: [String]? }

    struct Token: Decodable {
        let token: String?
        // swift-format-ignore: AlwaysUseLowerCamelCase
        let access_token: String?
        // swift-format-ignore: AlwaysUseLowerCamelCase
        let expires_in: Double?
    }

    struct Errors: Decodable {
        struct Entry: Decodable { let code: String? }
        let errors: [Entry]?
    }
}
