import FoundationEssentials
import TextSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What libcurl reported for a request that got no usable answer, and how it maps to a
/// `TransportFailure`.
///
/// libcurl gives one code (60, CURLE_PEER_FAILED_VERIFICATION) for every certificate it refuses;
/// the reason is only in its error text, which depends on the TLS library. Measured with libcurl
/// 7.88.1 on Debian 12 (testdata/transport, Tests/RegistryClientTests/CurlTransportTests.swift):
///
/// | case | OpenSSL 3.0 (libcurl.so.4) | GnuTLS 3.7 (libcurl-gnutls.so.4) |
/// |---|---|---|
/// | unknown authority | 60 `SSL certificate problem: unable to get local issuer certificate` (`self-signed certificate in certificate chain` for a CA's own) | 60 `server certificate verification failed. CAfile: … CRLfile: none` |
/// | host name | 60 `SSL: no alternative certificate subject name matches target host name '127.0.0.1'` | 60 `SSL: certificate subject name (other) does not match target host name '127.0.0.1'` |
/// | expired | 60 `SSL certificate problem: certificate has expired` | the same text as unknown authority: the leaf's dates are read from CURLINFO_CERTINFO |
/// | https to plain HTTP | 35 `OpenSSL/3.0.22: error:0A00010B:SSL routines::wrong version number` | 35 `gnutls_handshake() failed: An unexpected TLS packet was received.` |
struct CurlOutcome: Sendable {
    var code: Int
    var message: String
    /// The proxy's answer to CONNECT, 0 when none.
    var proxyConnectStatus: Int = 0
    var osErrno: Int = 0
    var bodyTooLarge: Bool = false
    var leafValidity: LeafValidity = .unknown
    /// The host asked for.
    var host: String
    /// The proxy this request was sent through, if any.
    var proxy: String?
    /// Its NO_PROXY list.
    var noProxy: String = ""

    enum LeafValidity: Sendable {
        case unknown, current, expired, notYetValid
    }

    // libcurl's codes (curl/curl.h).
    static let couldntResolveProxy = 5
    static let couldntResolveHost = 6
    static let couldntConnect = 7
    static let http2 = 16
    static let partialFile = 18
    static let writeError = 23
    static let operationTimedOut = 28
    static let sslConnectError = 35
    static let gotNothing = 52
    static let sendError = 55
    static let recvError = 56
    static let peerFailedVerification = 60
    static let fileSizeExceeded = 63
    static let http2Stream = 92
    static let proxyError = 97
    /// Certificate and TLS set-up problems other than the peer's certificate: a client
    /// certificate or CA file that cannot be used, no common cipher, a pinned key, OCSP.
    static let otherTLS: Set<Int> = [53, 54, 58, 59, 64, 66, 77, 80, 82, 83, 90, 91]

    static let hostnameTexts = [
        "does not match target host name", "no alternative certificate subject name matches", "hostname mismatch",
        "ip address mismatch",
    ]
    static let expiredTexts = ["certificate has expired", "certificate is not yet valid", "certificate expired", "not yet activated"]
    /// What the TLS library says when the server answered the handshake in plain HTTP.
    static let plainHTTPTexts = [
        "wrong version number", "packet length too long", "unknown protocol", "http request",
        "an unexpected tls packet was received", "a tls packet with unexpected length was received",
    ]

    var failure: TransportFailure {
        let text = message.lowercased()
        let detail = message
        switch code {
        case Self.couldntResolveHost:
            return .dns(host: host)
        case Self.couldntResolveProxy, Self.proxyError:
            return .proxy(detail: detail)
        case Self.couldntConnect:
            if connectFailedAtProxy { return .proxy(detail: detail) }
            if osErrno == 0 || osErrno == Int(ECONNREFUSED) { return .refused(host: host) }
            return .other(code: code, detail: detail)
        case Self.operationTimedOut:
            return .timeout
        case Self.peerFailedVerification:
            if Self.hostnameTexts.contains(where: text.contains) { return .tlsHostname(detail: detail) }
            if Self.expiredTexts.contains(where: text.contains) || leafValidity == .expired || leafValidity == .notYetValid {
                return .tlsExpired(detail: detail)
            }
            return .tlsUnknownAuthority(detail: detail)
        case Self.sslConnectError:
            return .tlsHandshake(detail: detail, plainHTTPPeer: Self.plainHTTPTexts.contains(where: text.contains))
        case _ where Self.otherTLS.contains(code):
            return .tlsHandshake(detail: detail, plainHTTPPeer: false)
        case Self.writeError, Self.fileSizeExceeded:
            return bodyTooLarge || code == Self.fileSizeExceeded ? .tooLarge : .other(code: code, detail: detail)
        case Self.gotNothing, Self.sendError, Self.recvError, Self.partialFile, Self.http2, Self.http2Stream:
            if proxyConnectStatus >= 300 || text.contains("connect tunnel failed") { return .proxy(detail: detail) }
            return .reset(detail: detail)
        default:
            return .other(code: code, detail: detail)
        }
    }

    /// A refused connect happened at the proxy: with an HTTP proxy libcurl connects to nothing
    /// else, unless NO_PROXY let this host bypass it. libcurl names what it tried to reach ("Failed
    /// to connect to HOST port PORT after …"); where that cannot be read, the proxy is blamed unless
    /// a NO_PROXY list could have sent the request around it.
    private var connectFailedAtProxy: Bool {
        guard let proxy, let endpoint = URLOrigin.proxyEndpoint(proxy) else { return false }
        let prefix = "Failed to connect to "
        guard let start = message.firstRange(of: prefix), let portWord = message[start.upperBound...].firstRange(of: " port ")
        else { return noProxy.trimmingWhitespace().isEmpty }
        let named = message[start.upperBound..<portWord.lowerBound].lowercased()
        let port = Int(message[portWord.upperBound...].prefix { $0.isNumber })
        return String(named.drop { $0 == "[" }.reversed().drop { $0 == "]" }.reversed()) == endpoint.host && port == endpoint.port
    }
}

/// Removes credentials from a text that may be shown: the values of the request's credential
/// headers (and each long word of them, such as a bearer token alone) and the user information of
/// URLs (a proxy's `user:password@`).
struct CredentialRedactor: Sendable {
    private var secrets: [String] = []

    static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "x-registry-auth"]

    init(request: HTTPRequest, proxy: String?) {
        for header in request.headers where Self.credentialHeaders.contains(header.name.lowercased()) {
            add(header.value)
            for word in header.value.split(whereSeparator: { $0 == " " || $0 == "," }) where word.count >= 6 {
                add(String(word))
            }
        }
        for url in [request.url, proxy ?? ""] {
            guard let scheme = url.firstRange(of: "://") else { continue }
            let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if let at = authority.lastIndex(of: "@") { add(String(authority[..<at])) }
        }
        secrets.sort { $0.count > $1.count }
    }

    private mutating func add(_ secret: String) {
        let trimmed = secret.trimmingWhitespace()
        if trimmed.count >= 4 { secrets.append(trimmed) }
    }

    func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacing(secret, with: "[redacted]")
        }
        return text
    }

    func redact(_ failure: TransportFailure) -> TransportFailure {
        switch failure {
        case .tlsUnknownAuthority(let detail): return .tlsUnknownAuthority(detail: redact(detail))
        case .tlsHostname(let detail): return .tlsHostname(detail: redact(detail))
        case .tlsExpired(let detail): return .tlsExpired(detail: redact(detail))
        case .tlsHandshake(let detail, let plain): return .tlsHandshake(detail: redact(detail), plainHTTPPeer: plain)
        case .proxy(let detail): return .proxy(detail: redact(detail))
        case .reset(let detail): return .reset(detail: redact(detail))
        case .other(let code, let detail): return .other(code: code, detail: redact(detail))
        case .unavailable(let detail): return .unavailable(detail: redact(detail))
        case .dns, .refused, .timeout, .tooLarge: return failure
        }
    }
}
