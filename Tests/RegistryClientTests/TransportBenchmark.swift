import Foundation
import Testing

@testable import RegistryClient

/// The figures `bench/transport` prints, measured against the loopback HTTPS server of
/// testdata/transport/server.py (Python's http.server and ssl: the server's own cost is in every
/// figure). Runs only with PULLCHECK_TRANSPORT_BENCH=1; it prints numbers and asserts none.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["PULLCHECK_TRANSPORT_BENCH"] == "1", "PULLCHECK_TRANSPORT_BENCH=1 runs it (bench/transport)"
    ))
struct TransportBenchmark {
    static let keepAliveRequests = 200
    static let newConnectionRequests = 20

    @Test func figures() throws {
        let servers = try TestServers.get()
        let transport = CurlTransport(proxy: .direct)
        let library = try transport.library.get()
        let head = HTTPRequest(method: "HEAD", url: servers.url("https", "/status/200"))
        // Trust as a registry with a certs.d CA gets it: the system bundle plus one CA.
        let tls = servers.trusted

        func timed(_ transport: CurlTransport) throws -> (seconds: Double, newConnections: Int) {
            let start = ContinuousClock.now
            let exchange = transport.exchange(head, tls: tls, timeout: 10, maxBodyBytes: 1 << 20)
            let elapsed = ContinuousClock.now - start
            _ = try exchange.result.response()
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, exchange.newConnections)
        }

        // The process's first request: a new connection, a full TLS handshake, the bundle parsed.
        let first = try timed(transport)
        var keepAlive: [Double] = []
        var reopened = 0
        for _ in 0..<Self.keepAliveRequests {
            let sample = try timed(transport)
            keepAlive.append(sample.seconds)
            reopened += sample.newConnections
        }
        // A new transport each time: a new connection (the TLS session may resume from the cache
        // the library's handles share).
        var newConnection: [Double] = []
        for _ in 0..<Self.newConnectionRequests {
            newConnection.append(try timed(CurlTransport(proxy: .direct)).seconds)
        }

        let figures: [String: Any] = [
            "library": "\(library.fileName) \(library.version) \(library.tlsBackend)",
            "loadMs": library.loadSeconds * 1000,
            "alreadyMapped": library.wasAlreadyMapped,
            "firstHeadMs": first.seconds * 1000,
            "firstHeadNewConnections": first.newConnections,
            "keepAliveHeadMedianMs": median(keepAlive) * 1000,
            "keepAliveHeadP90Ms": percentile(keepAlive, 0.9) * 1000,
            "keepAliveReconnects": reopened,
            "newConnectionHeadMedianMs": median(newConnection) * 1000,
        ]
        let json = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print("transport-bench " + String(decoding: json, as: UTF8.self))
    }

    func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }
}
