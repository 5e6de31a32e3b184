import Foundation
import Synchronization
import Testing

@testable import RegistryClient

/// `CurlTransport` against the loopback servers of testdata/transport/server.py: real sockets, real
/// TLS with a throwaway CA, no network beyond 127.0.0.1 (and a `.invalid` name that fails locally).
@Suite(TransportE2E.enabled)
struct CurlTransportTests {
    let transport = CurlTransport(proxy: .direct)

    // MARK: - Answers

    @Test func getReturnsStatusHeadersAndBody() throws {
        let servers = try TestServers.get()
        let response = try transport.send(
            HTTPRequest(method: "GET", url: servers.url("https", "/status/201")), tls: servers.trusted, timeout: 10, maxBodyBytes: 1024
        ).response()
        #expect(response.status == 201)
        #expect(response.text == "hello")
        #expect(response.header("x-test") == "yes")
        #expect(response.headers("set-thing") == ["one", "two"])
        #expect(response.header("content-length") == "5")
        #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
    }

    @Test func headReadsNoBodyEvenWhenOneIsAnnounced() throws {
        let servers = try TestServers.get()
        // The server announces 100000 bytes and sends none: waiting for them would hit the deadline.
        let started = Date()
        let response = try transport.send(
            HTTPRequest(method: "HEAD", url: servers.url("https", "/head-length?size=100000")), tls: servers.trusted, timeout: 5,
            maxBodyBytes: 10
        ).response()
        #expect(response.status == 200)
        #expect(response.header("content-length") == "100000")
        #expect(response.body.isEmpty)
        #expect(Date().timeIntervalSince(started) < 4)
        let missing = try transport.send(
            HTTPRequest(method: "HEAD", url: servers.url("https", "/status/404")), tls: servers.trusted, timeout: 5, maxBodyBytes: 10
        ).response()
        #expect(missing.status == 404)
    }

    @Test func sendsMethodHeadersBodyAndUserAgent() throws {
        let servers = try TestServers.get()
        let agent = CurlTransport(userAgent: "pullcheck-test/1", proxy: .direct)
        for method in ["POST", "PUT"] {
            let request = HTTPRequest(
                method: method, url: servers.url("https", "/echo"),
                headers: [("Content-Type", "application/x-test"), ("X-Empty", ""), ("Accept", "application/a, application/b")],
                body: Array("grant_type=password".utf8))
            let echoed = try agent.send(request, tls: servers.trusted, timeout: 10, maxBodyBytes: 1 << 16).response().json()
            #expect(echoed["method"] as? String == method)
            #expect(echoed["body"] as? String == "grant_type=password")
            let headers = (echoed["headers"] as? [[String]] ?? []).map { ($0.first ?? "", $0.last ?? "") }
            #expect(headers.contains { $0 == ("User-Agent", "pullcheck-test/1") })
            #expect(headers.contains { $0 == ("Content-Type", "application/x-test") })
            #expect(headers.contains { $0 == ("X-Empty", "") })
            #expect(headers.contains { $0 == ("Accept", "application/a, application/b") })
            #expect(!headers.contains { $0.0.lowercased() == "expect" })
        }
    }

    @Test func finalAnswerHeadersOnly() throws {
        let servers = try TestServers.get()
        let response = try transport.send(
            HTTPRequest(method: "GET", url: servers.url("https", "/interim")), tls: servers.trusted, timeout: 10, maxBodyBytes: 1024
        ).response()
        #expect(response.status == 200)
        #expect(response.header("x-final") == "yes")
        #expect(response.header("x-interim") == nil)
        #expect(response.text == "final")
    }

    @Test func redirectsAreNotFollowed() throws {
        let servers = try TestServers.get()
        let response = try transport.send(
            HTTPRequest(method: "GET", url: servers.url("https", "/redirect")), tls: servers.trusted, timeout: 10, maxBodyBytes: 1024
        ).response()
        #expect(response.status == 302)
        #expect(response.header("location") == "/status/200")
        #expect(response.text == "moved")
    }

    @Test func plainHTTP() throws {
        let servers = try TestServers.get()
        let response = try transport.send(
            HTTPRequest(method: "GET", url: servers.url("http", "/status/200")), tls: TLSOptions(), timeout: 10, maxBodyBytes: 1024
        ).response()
        #expect(response.status == 200)
    }

    @Test func clientCertificateIsPresented() throws {
        let servers = try TestServers.get()
        let tls = TLSOptions(
            extraCAFiles: [servers.ca], clientCertificateFile: servers.pki + "/client.pem", clientKeyFile: servers.pki + "/client.key")
        let echoed = try transport.send(
            HTTPRequest(method: "GET", url: servers.url("https", "/echo")), tls: tls, timeout: 10, maxBodyBytes: 1 << 16
        ).response().json()
        #expect(echoed["clientCertificate"] as? String == "client")
    }

    // MARK: - Keep-alive and threads

    @Test func connectionsAreKeptAlive() throws {
        let servers = try TestServers.get()
        let transport = CurlTransport(proxy: .direct, maxIdleHandles: 2)
        var connections: [Int] = []
        var opened: [Int] = []
        for method in ["GET", "HEAD", "GET", "HEAD", "GET"] {
            let exchange = transport.exchange(
                HTTPRequest(method: method, url: servers.url("https", "/connection")), tls: servers.trusted, timeout: 10, maxBodyBytes: 1024
            )
            opened.append(exchange.newConnections)
            if method == "GET" { connections.append(try exchange.result.response().json()["connection"] as? Int ?? -1) }
        }
        #expect(Set(connections).count == 1, "every request on one connection: \(connections)")
        #expect(opened == [1, 0, 0, 0, 0])
        // Another origin (or other TLS options) gets a handle of its own; the first stays pooled.
        _ = try transport.send(
            HTTPRequest(method: "GET", url: servers.url("http", "/status/200")), tls: TLSOptions(), timeout: 10, maxBodyBytes: 1024
        ).response()
        let again = transport.exchange(
            HTTPRequest(method: "GET", url: servers.url("https", "/connection")), tls: servers.trusted, timeout: 10, maxBodyBytes: 1024)
        #expect(again.newConnections == 0)
        #expect(try again.result.response().json()["connection"] as? Int == connections.first)
    }

    @Test func manyThreadsAtOnce() throws {
        let servers = try TestServers.get()
        let transport = CurlTransport(proxy: .direct, maxIdleHandles: 16)
        let threads = 16
        let requestsPerThread = 6
        let outcomes = Mutex<[(expected: String, echoed: String?, connection: Int?)]>([])
        let done = DispatchGroup()
        for thread in 0..<threads {
            done.enter()
            Thread {
                for index in 0..<requestsPerThread {
                    let tag = "t\(thread)-\(index)"
                    let echo = transport.send(
                        HTTPRequest(method: "GET", url: servers.url("https", "/echo?tag=\(tag)")), tls: servers.trusted, timeout: 20,
                        maxBodyBytes: 1 << 16)
                    let path = (try? echo.get()).flatMap { try? $0.json()["path"] as? String }
                    let connection = transport.send(
                        HTTPRequest(method: "GET", url: servers.url("https", "/connection")), tls: servers.trusted, timeout: 20,
                        maxBodyBytes: 1024)
                    let number = (try? connection.get()).flatMap { try? $0.json()["connection"] as? Int }
                    outcomes.withLock { $0.append(("/echo?tag=\(tag)", path, number)) }
                }
                done.leave()
            }.start()
        }
        #expect(done.wait(timeout: .now() + 120) == .success)
        let results = outcomes.withLock { $0 }
        #expect(results.count == threads * requestsPerThread)
        for result in results { #expect(result.echoed == result.expected) }
        let connections = Set(results.compactMap(\.connection))
        #expect(results.allSatisfy { $0.connection != nil })
        // One handle per thread at most, each with one connection to this origin.
        #expect(connections.count <= threads, "\(connections.count) connections for \(threads) threads")
    }

    // MARK: - Failures

    @Test func deadlineCoversConnectTLSAndAnswer() throws {
        let servers = try TestServers.get()
        // Connects (the kernel accepts), then nothing answers the TLS handshake.
        var started = Date()
        let silent = transport.send(
            HTTPRequest(method: "HEAD", url: servers.url("silent", "/v2/")), tls: servers.trusted, timeout: 0.5, maxBodyBytes: 1024)
        var elapsed = Date().timeIntervalSince(started)
        #expect(silent.failure == .timeout)
        #expect(elapsed >= 0.45 && elapsed < 3, "took \(elapsed) s for a 0.5 s deadline")
        // The answer itself is late.
        started = Date()
        let slow = transport.send(
            HTTPRequest(method: "GET", url: servers.url("https", "/slow?ms=5000")), tls: servers.trusted, timeout: 0.5, maxBodyBytes: 1024)
        elapsed = Date().timeIntervalSince(started)
        #expect(slow.failure == .timeout)
        #expect(elapsed >= 0.45 && elapsed < 3, "took \(elapsed) s for a 0.5 s deadline")
        #expect(
            transport.send(HTTPRequest(method: "GET", url: servers.url("https", "/")), tls: TLSOptions(), timeout: 0, maxBodyBytes: 1)
                .failure == .timeout)
    }

    @Test func refusedPort() throws {
        _ = try TestServers.get()
        let port = closedPort()
        let result = transport.send(
            HTTPRequest(method: "GET", url: "https://127.0.0.1:\(port)/v2/"), tls: TLSOptions(), timeout: 5, maxBodyBytes: 1024)
        #expect(result.failure == .refused(host: "127.0.0.1"))
    }

    @Test func unknownHostName() throws {
        _ = try TestServers.get()
        // RFC 6761: .invalid never resolves; the resolver answers without the network.
        let result = transport.send(
            HTTPRequest(method: "HEAD", url: "https://registry.pullcheck-test.invalid/v2/"), tls: TLSOptions(), timeout: 10,
            maxBodyBytes: 1024)
        #expect(result.failure == .dns(host: "registry.pullcheck-test.invalid"))
    }

    @Test func bodyLimit() throws {
        let servers = try TestServers.get()
        for path in ["/body?size=100000", "/body?size=100000&chunked=1"] {
            let result = transport.send(
                HTTPRequest(method: "GET", url: servers.url("https", path)), tls: servers.trusted, timeout: 10, maxBodyBytes: 1000)
            #expect(result.failure == .tooLarge, "\(path)")
        }
        for path in ["/body?size=1000", "/body?size=1000&chunked=1"] {
            let response = try transport.send(
                HTTPRequest(method: "GET", url: servers.url("https", path)), tls: servers.trusted, timeout: 10, maxBodyBytes: 1000
            ).response()
            #expect(response.body.count == 1000, "\(path)")
        }
    }

    @Test func closedOrResetConnections() throws {
        let servers = try TestServers.get()
        for (listener, path) in [("https", "/close"), ("https", "/rst"), ("http", "/close"), ("http", "/rst")] {
            let result = transport.send(
                HTTPRequest(method: "GET", url: servers.url(listener, path)), tls: servers.trusted, timeout: 10, maxBodyBytes: 1024)
            guard case .reset = result.failure else {
                Issue.record("\(listener)\(path): expected .reset, got \(result)")
                continue
            }
        }
    }

    @Test func headerLineBreaksAreRefused() throws {
        let servers = try TestServers.get()
        let result = transport.send(
            HTTPRequest(method: "GET", url: servers.url("https", "/echo"), headers: [("X-Test", "a\r\nInjected: yes")]),
            tls: servers.trusted,
            timeout: 10, maxBodyBytes: 1024)
        guard case .other(_, let detail) = result.failure else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(!detail.contains("Injected"))
    }

    // MARK: - TLS, with each libcurl flavour present

    @Test(arguments: TransportE2E.libraries)
    func trustedCertificates(library: String) throws {
        let servers = try TestServers.get()
        let transport = CurlTransport(proxy: .direct, library: library)
        for host in ["127.0.0.1", "localhost"] {
            let response = try transport.send(
                HTTPRequest(method: "GET", url: servers.url("https", "/status/200", host: host)), tls: servers.trusted, timeout: 10,
                maxBodyBytes: 1024
            ).response()
            #expect(response.status == 200, "\(library) \(host)")
        }
        // skip_verify accepts what verification would refuse.
        for listener in ["stranger", "other", "expired"] {
            let response = try transport.send(
                HTTPRequest(method: "GET", url: servers.url(listener, "/status/200")), tls: TLSOptions(skipVerify: true), timeout: 10,
                maxBodyBytes: 1024
            ).response()
            #expect(response.status == 200, "\(library) \(listener)")
        }
        // A CA file that cannot be read.
        let unreadable = transport.send(
            HTTPRequest(method: "GET", url: servers.url("https", "/status/200")),
            tls: TLSOptions(extraCAFiles: [servers.pki + "/none.pem"]),
            timeout: 10, maxBodyBytes: 1024)
        guard case .other(77, _) = unreadable.failure else {
            Issue.record("\(library): expected .other(77), got \(unreadable)")
            return
        }
    }

    /// The system's CAs come from libcurl's CA directory alone where it has one; extra CAs are added
    /// to it. Here a directory holding only the test CA stands for the system's.
    @Test(arguments: TransportE2E.libraries)
    func systemTrustFromTheCADirectory(library: String) throws {
        let servers = try TestServers.get()
        let transport = CurlTransport(
            userAgent: "pullcheck", proxy: .direct, maxIdleHandles: 2, library: library, environment: [:],
            caDirectory: servers.pki + "/capath")
        let request = { (listener: String) in HTTPRequest(method: "GET", url: servers.url(listener, "/status/200")) }
        #expect(try transport.send(request("https"), tls: TLSOptions(), timeout: 10, maxBodyBytes: 1024).response().status == 200)
        // An extra CA for the stranger, and the directory still trusted next to it.
        let extra = TLSOptions(extraCAFiles: [servers.pki + "/ca2.pem"])
        #expect(try transport.send(request("stranger"), tls: extra, timeout: 10, maxBodyBytes: 1024).response().status == 200)
        #expect(try transport.send(request("https"), tls: extra, timeout: 10, maxBodyBytes: 1024).response().status == 200)
        guard case .tlsUnknownAuthority = transport.send(request("stranger"), tls: TLSOptions(), timeout: 10, maxBodyBytes: 1024).failure
        else {
            Issue.record("\(library): the stranger's CA is in no trust store")
            return
        }
    }

    @Test(arguments: TransportE2E.libraries)
    func certificateFailures(library: String) throws {
        let servers = try TestServers.get()
        let transport = CurlTransport(proxy: .direct, library: library)
        // Always https://, also to the plain HTTP server.
        func failure(_ listener: String, _ tls: TLSOptions, host: String = "127.0.0.1") -> TransportFailure? {
            let url = "https://\(host):\(servers.port(listener))/status/200"
            return transport.send(
                HTTPRequest(method: "GET", url: url, headers: [("Authorization", "Bearer canary-secret-token")]),
                tls: tls, timeout: 10, maxBodyBytes: 1024
            ).failure
        }
        var details: [String] = []
        // Signed by a CA the client is not given (and the ordinary server with no extra CA at all).
        for (listener, tls) in [("stranger", servers.trusted), ("https", TLSOptions())] {
            guard case .tlsUnknownAuthority(let detail) = failure(listener, tls) else {
                Issue.record("\(library) \(listener): expected .tlsUnknownAuthority, got \(String(describing: failure(listener, tls)))")
                continue
            }
            details.append(detail)
        }
        for host in ["127.0.0.1", "localhost"] {
            guard case .tlsHostname(let detail) = failure("other", servers.trusted, host: host) else {
                Issue.record(
                    "\(library) \(host): expected .tlsHostname, got \(String(describing: failure("other", servers.trusted, host: host)))")
                continue
            }
            details.append(detail)
        }
        if case .tlsExpired(let detail) = failure("expired", servers.trusted) {
            details.append(detail)
        } else {
            Issue.record("\(library): expected .tlsExpired, got \(String(describing: failure("expired", servers.trusted)))")
        }
        if case .tlsHandshake(let detail, plainHTTPPeer: true) = failure("http", servers.trusted) {
            details.append(detail)
        } else {
            Issue.record(
                "\(library): expected .tlsHandshake(plainHTTPPeer: true), got \(String(describing: failure("http", servers.trusted)))")
        }
        for detail in details { #expect(!detail.contains("canary")) }
        // What this libcurl said, for the record (`swift test` prints it).
        print("\(library) (\(transport.library)): \(details)")
    }
}
