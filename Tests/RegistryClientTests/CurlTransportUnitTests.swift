import Foundation
import Testing

@testable import RegistryClient

/// The transport's pure parts: libcurl's texts classified, header lines parsed, proxy variables
/// read, credentials redacted. No sockets.
struct CurlTransportUnitTests {
    func classify(
        _ code: Int, _ message: String, proxy: String? = nil, noProxy: String = "", _ adjust: (inout CurlOutcome) -> Void = { _ in }
    )
        -> TransportFailure
    {
        var outcome = CurlOutcome(code: code, message: message, host: "registry.example", proxy: proxy, noProxy: noProxy)
        adjust(&outcome)
        return outcome.failure
    }

    @Test func certificateTextsOfEachTLSLibrary() {
        let unknown = [
            "SSL certificate problem: unable to get local issuer certificate",  // OpenSSL 3.0
            "SSL certificate problem: self-signed certificate in certificate chain",
            "SSL certificate problem: self signed certificate",  // OpenSSL 1.1
            "server certificate verification failed. CAfile: /etc/ssl/certs/ca-certificates.crt CRLfile: none",  // GnuTLS
        ]
        for text in unknown { #expect(classify(60, text) == .tlsUnknownAuthority(detail: text)) }
        let hostname = [
            "SSL: no alternative certificate subject name matches target host name '127.0.0.1'",  // OpenSSL
            "SSL: certificate subject name 'other' does not match target host name 'registry.example'",
            "SSL: certificate subject name (other) does not match target host name '127.0.0.1'",  // GnuTLS
        ]
        for text in hostname { #expect(classify(60, text) == .tlsHostname(detail: text)) }
        let expired = ["SSL certificate problem: certificate has expired", "SSL certificate problem: certificate is not yet valid"]
        for text in expired { #expect(classify(60, text) == .tlsExpired(detail: text)) }
        // GnuTLS says nothing of dates; the leaf's dates from CURLINFO_CERTINFO decide.
        let generic = "server certificate verification failed. CAfile: ca.pem CRLfile: none"
        #expect(classify(60, generic) { $0.leafValidity = .expired } == .tlsExpired(detail: generic))
        #expect(classify(60, generic) { $0.leafValidity = .notYetValid } == .tlsExpired(detail: generic))
        #expect(classify(60, generic) { $0.leafValidity = .current } == .tlsUnknownAuthority(detail: generic))
    }

    @Test func plainHTTPPeer() {
        let plain = [
            "OpenSSL/3.0.22: error:0A00010B:SSL routines::wrong version number",
            "error:1408F10B:SSL routines:ssl3_get_record:wrong version number",  // OpenSSL 1.1
            "error:140770FC:SSL routines:SSL23_GET_SERVER_HELLO:unknown protocol",  // OpenSSL 1.0
            "gnutls_handshake() failed: An unexpected TLS packet was received.",
        ]
        for text in plain { #expect(classify(35, text) == .tlsHandshake(detail: text, plainHTTPPeer: true)) }
        let other = "OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to registry.example:443 "
        #expect(classify(35, other) == .tlsHandshake(detail: other, plainHTTPPeer: false))
        #expect(
            classify(58, "could not load PEM client certificate")
                == .tlsHandshake(detail: "could not load PEM client certificate", plainHTTPPeer: false))
    }

    @Test func connectionFailures() {
        #expect(classify(6, "Could not resolve host: registry.example") == .dns(host: "registry.example"))
        #expect(
            classify(7, "Failed to connect to registry.example port 443 after 0 ms: Couldn't connect to server") { $0.osErrno = 111 }
                == .refused(host: "registry.example"))
        #expect(
            classify(7, "Failed to connect to registry.example port 443 after 3 ms: Couldn't connect to server") { $0.osErrno = 113 }
                == .other(code: 7, detail: "Failed to connect to registry.example port 443 after 3 ms: Couldn't connect to server"))
        #expect(classify(28, "Connection timed out after 500 milliseconds") == .timeout)
        #expect(classify(28, "Resolving timed out after 500 milliseconds") == .timeout)
        for code in [52, 55, 56, 18, 16, 92] {
            #expect(classify(code, "Recv failure: Connection reset by peer") == .reset(detail: "Recv failure: Connection reset by peer"))
        }
        #expect(classify(23, "Failure writing output to destination") { $0.bodyTooLarge = true } == .tooLarge)
        #expect(classify(63, "Maximum file size exceeded") == .tooLarge)
        #expect(classify(23, "Failure writing output to destination") == .other(code: 23, detail: "Failure writing output to destination"))
        #expect(
            classify(3, "URL using bad/illegal format or missing URL")
                == .other(code: 3, detail: "URL using bad/illegal format or missing URL"))
    }

    @Test func proxyFailures() {
        let proxy = "http://proxy.example:3128"
        #expect(
            classify(5, "Could not resolve proxy: proxy.example", proxy: proxy) == .proxy(detail: "Could not resolve proxy: proxy.example"))
        let refused = "Failed to connect to proxy.example port 3128 after 0 ms: Couldn't connect to server"
        #expect(classify(7, refused, proxy: proxy) { $0.osErrno = 111 } == .proxy(detail: refused))
        // A host that NO_PROXY let through: the refusal is its own.
        let direct = "Failed to connect to registry.example port 443 after 0 ms: Couldn't connect to server"
        #expect(classify(7, direct, proxy: proxy, noProxy: "registry.example") { $0.osErrno = 111 } == .refused(host: "registry.example"))
        // curl's default proxy port is 1080.
        let defaultPort = "Failed to connect to proxy.example port 1080 after 0 ms: Couldn't connect to server"
        #expect(classify(7, defaultPort, proxy: "proxy.example") { $0.osErrno = 111 } == .proxy(detail: defaultPort))
        let tunnel = "CONNECT tunnel failed, response 407"
        #expect(classify(56, tunnel, proxy: proxy) { $0.proxyConnectStatus = 407 } == .proxy(detail: tunnel))
        #expect(
            classify(97, "SOCKS4 connection to registry.example not allowed", proxy: "socks4://proxy.example")
                == .proxy(detail: "SOCKS4 connection to registry.example not allowed"))
    }

    @Test func headerLines() {
        let raw =
            "Content-Type: application/json\r\nSet-Thing: one\r\nset-thing:two\r\nX-Folded: first\r\n  second\r\nX-Empty:\r\nnot a header\r\n\r\n"
        let headers = Array(raw.utf8).withUnsafeBytes { parseHeaderLines($0) }
        #expect(headers.map(\.name) == ["content-type", "set-thing", "set-thing", "x-folded", "x-empty"])
        #expect(headers.map(\.value) == ["application/json", "one", "two", "first second", ""])
        #expect(Array("".utf8).withUnsafeBytes { parseHeaderLines($0) }.isEmpty)
    }

    @Test func proxyVariables() {
        let route = { (environment: [String: String]) in ProxyRoute(.environment, environment: environment) }
        #expect(route([:]) == ProxyRoute(https: nil, http: nil, noProxy: ""))
        #expect(route(["https_proxy": "a", "HTTPS_PROXY": "b"]).https == "a")
        #expect(route(["HTTPS_PROXY": "b"]).https == "b")
        #expect(route(["https_proxy": "", "HTTPS_PROXY": "b", "all_proxy": "c"]).https == nil)
        #expect(route(["HTTP_PROXY": "b"]).http == nil)
        #expect(route(["http_proxy": "a", "all_proxy": "c"]).http == "a")
        #expect(route(["ALL_PROXY": "c"]) == ProxyRoute(https: "c", http: "c", noProxy: ""))
        #expect(route(["all_proxy": "", "ALL_PROXY": "c"]).https == nil)
        #expect(route(["no_proxy": "", "NO_PROXY": "x"]).noProxy == "")
        #expect(route(["NO_PROXY": "x"]).noProxy == "x")
        #expect(
            ProxyRoute(.explicit(url: "p", noProxy: nil), environment: ["no_proxy": "x"]) == ProxyRoute(https: "p", http: "p", noProxy: ""))
        #expect(ProxyRoute(.direct, environment: ["https_proxy": "p"]) == ProxyRoute(https: nil, http: nil, noProxy: ""))
    }

    @Test func origins() {
        #expect(URLOrigin("https://Registry.Example/v2/") == URLOrigin(scheme: "https", host: "registry.example", port: 443))
        #expect(URLOrigin("HTTP://127.0.0.1:5000/v2/?x#y") == URLOrigin(scheme: "http", host: "127.0.0.1", port: 5000))
        #expect(URLOrigin("https://user:pass@[::1]:8443/v2/") == URLOrigin(scheme: "https", host: "::1", port: 8443))
        #expect(URLOrigin("ftp://registry.example/") == nil)
        #expect(URLOrigin("https:///v2/") == nil)
        #expect(URLOrigin("https://registry.example:99999/") == nil)
        let proxies = ["proxy.example", "https://proxy.example/", "http://u:p@proxy.example:3128"].map { URLOrigin.proxyEndpoint($0) }
        #expect(proxies.map { $0?.host } == ["proxy.example", "proxy.example", "proxy.example"])
        #expect(proxies.map { $0?.port } == [1080, 443, 3128])
    }

    @Test func credentialsNeverReachADetail() {
        let request = HTTPRequest(
            method: "GET", url: "https://robot:url-password@registry.example/v2/",
            headers: [("Authorization", "Basic cm9ib3Q6c2VjcmV0"), ("Accept", "application/json")])
        let redactor = CredentialRedactor(request: request, proxy: "http://proxyuser:proxy-password@proxy.example:3128")
        let text = "got Basic cm9ib3Q6c2VjcmV0 and cm9ib3Q6c2VjcmV0 via robot:url-password and proxyuser:proxy-password, application/json"
        let redacted = redactor.redact(text)
        for secret in ["cm9ib3Q6c2VjcmV0", "url-password", "proxy-password"] { #expect(!redacted.contains(secret)) }
        #expect(redacted.contains("application/json"))
        #expect(redactor.redact(.proxy(detail: text)) == .proxy(detail: redacted))
    }

    @Test func libcurlThatCannotBeLoaded() {
        let missing = CurlTransport(proxy: .direct, library: "libcurl-pullcheck-missing.so.9")
        guard case .failure(.unavailable(let detail)) = missing.library else {
            Issue.record("expected .unavailable, got \(missing.library)")
            return
        }
        #expect(detail.contains("libcurl-pullcheck-missing.so.9"))
        let result = missing.send(HTTPRequest(method: "GET", url: "https://127.0.0.1/"), tls: TLSOptions(), timeout: 1, maxBodyBytes: 1)
        #expect(result.failure == .unavailable(detail: detail))
    }
}
