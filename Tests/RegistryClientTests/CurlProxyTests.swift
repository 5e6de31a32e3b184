import Foundation
import Testing

@testable import RegistryClient

/// Proxies, through the loopback proxy of testdata/transport/server.py (CONNECT tunnels and
/// absolute-form forwarding). Serialized: each test reads what the proxy was asked meanwhile.
@Suite(TransportE2E.enabled, .serialized)
struct CurlProxyTests {
    /// Sends one request through a transport made with `proxy` and `environment`; says whether the
    /// proxy saw it, and what it saw.
    func send(
        _ url: String, proxy: ProxyConfiguration, environment: [String: String] = [:], tls: TLSOptions,
        headers: [(name: String, value: String)] = []
    ) throws -> (result: Result<HTTPResponse, TransportFailure>, seen: [(line: String, authorization: Bool)]) {
        let servers = try TestServers.get()
        let before = try servers.proxyLog().count
        let transport = CurlTransport(
            userAgent: "pullcheck", proxy: proxy, maxIdleHandles: 2, library: nil, environment: environment, caDirectory: nil)
        let result = transport.send(HTTPRequest(method: "GET", url: url, headers: headers), tls: tls, timeout: 10, maxBodyBytes: 1 << 16)
        return (result, Array(try servers.proxyLog().dropFirst(before)))
    }

    @Test func explicitProxyTunnelsHTTPSWithoutTheCredentials() throws {
        let servers = try TestServers.get()
        let proxy = "http://127.0.0.1:\(servers.port("proxy"))"
        let (result, seen) = try send(
            servers.url("https", "/echo"), proxy: .explicit(url: proxy, noProxy: nil), tls: servers.trusted,
            headers: [("Authorization", "Bearer canary")])
        let echoed = try result.response().json()
        let headers = (echoed["headers"] as? [[String]] ?? []).map { $0.first ?? "" }
        #expect(headers.contains("Authorization"), "the registry gets the header")
        #expect(seen.map(\.line) == ["CONNECT 127.0.0.1:\(servers.port("https")) HTTP/1.1"])
        #expect(seen.allSatisfy { !$0.authorization }, "the proxy does not")
    }

    @Test func explicitProxyForwardsPlainHTTP() throws {
        let servers = try TestServers.get()
        let proxy = "127.0.0.1:\(servers.port("proxy"))"  // no scheme: http:// as curl assumes
        let (result, seen) = try send(
            servers.url("http", "/status/200?via=proxy"), proxy: .explicit(url: proxy, noProxy: ""), tls: TLSOptions())
        #expect(try result.response().status == 200)
        #expect(seen.map(\.line) == ["GET \(servers.url("http", "/status/200?via=proxy")) HTTP/1.1"])
    }

    @Test func noProxyBypassesTheProxy() throws {
        let servers = try TestServers.get()
        let proxy = "http://127.0.0.1:\(servers.port("proxy"))"
        for noProxy in ["127.0.0.1", "localhost,127.0.0.0/8", "*", ".example, 127.0.0.1"] {
            let (result, seen) = try send(
                servers.url("https", "/status/200"), proxy: .explicit(url: proxy, noProxy: noProxy), tls: servers.trusted)
            #expect(try result.response().status == 200, "\(noProxy)")
            #expect(seen.isEmpty, "NO_PROXY \(noProxy)")
        }
    }

    @Test func environmentIsReadAsCurlReadsIt() throws {
        let servers = try TestServers.get()
        let proxy = "http://127.0.0.1:\(servers.port("proxy"))"
        let https = servers.url("https", "/status/200")
        let http = servers.url("http", "/status/200")
        let cases: [(environment: [String: String], url: String, proxied: Bool)] = [
            (["https_proxy": proxy], https, true),
            (["HTTPS_PROXY": proxy], https, true),
            (["https_proxy": "", "HTTPS_PROXY": proxy], https, false),  // set but empty: no proxy
            (["all_proxy": proxy], https, true),
            (["ALL_PROXY": proxy], http, true),
            (["http_proxy": proxy], http, true),
            (["HTTP_PROXY": proxy], http, false),  // curl never reads HTTP_PROXY
            (["HTTP_PROXY": proxy], https, false),
            (["https_proxy": proxy, "NO_PROXY": "127.0.0.1"], https, false),
            (["https_proxy": proxy, "no_proxy": "localhost", "NO_PROXY": "127.0.0.1"], https, true),  // no_proxy wins
            (["http_proxy": proxy, "no_proxy": "127.0.0.1"], http, false),
        ]
        for (environment, url, proxied) in cases {
            let (result, seen) = try send(url, proxy: .environment, environment: environment, tls: servers.trusted)
            #expect(try result.response().status == 200, "\(environment) \(url)")
            #expect(seen.isEmpty != proxied, "\(environment) \(url): the proxy saw \(seen.map(\.line))")
        }
        // .direct ignores the variables.
        let (result, seen) = try send(https, proxy: .direct, environment: ["https_proxy": proxy], tls: servers.trusted)
        #expect(try result.response().status == 200)
        #expect(seen.isEmpty)
    }

    @Test func proxyFailures() throws {
        let servers = try TestServers.get()
        let closed = closedPort()
        // Nothing listens where the proxy should be, and its URL carries credentials that must not show.
        let (refused, _) = try send(
            servers.url("https", "/status/200"), proxy: .explicit(url: "http://user:canary-password@127.0.0.1:\(closed)", noProxy: nil),
            tls: servers.trusted)
        guard case .proxy(let detail) = refused.failure else {
            Issue.record("expected .proxy, got \(refused)")
            return
        }
        #expect(!detail.contains("canary"))
        // The proxy refuses the tunnel (it only reaches 127.0.0.1 and localhost).
        let (forbidden, _) = try send(
            "https://registry.pullcheck-test.invalid/v2/", proxy: .explicit(url: "http://127.0.0.1:\(servers.port("proxy"))", noProxy: nil),
            tls: servers.trusted)
        #expect(forbidden.failure == .proxy(detail: "CONNECT tunnel failed, response 403"))
        // The proxy's name does not resolve.
        let (unresolved, _) = try send(
            servers.url("https", "/status/200"), proxy: .explicit(url: "http://proxy.pullcheck-test.invalid:3128", noProxy: nil),
            tls: servers.trusted)
        guard case .proxy = unresolved.failure else {
            Issue.record("expected .proxy, got \(unresolved)")
            return
        }
        // NO_PROXY sends the request around the dead proxy: the refusal is the registry's own.
        var deadProxy = closedPort()
        while deadProxy == closed { deadProxy = closedPort() }
        let (direct, _) = try send(
            "https://127.0.0.1:\(closed)/v2/", proxy: .explicit(url: "http://127.0.0.1:\(deadProxy)", noProxy: "127.0.0.1"),
            tls: servers.trusted)
        #expect(direct.failure == .refused(host: "127.0.0.1"))
    }
}
