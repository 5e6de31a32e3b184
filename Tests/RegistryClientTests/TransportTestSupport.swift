import Foundation
import Testing

@testable import RegistryClient

/// The repository root, from this file's path.
let packageRoot: String = {
    var path = #filePath
    for _ in 0..<3 {
        if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
    }
    return path
}()

/// What the transport's end-to-end tests need: python3 and openssl (for the loopback servers and
/// their throwaway CAs) and a loadable libcurl. Where one is missing they are skipped and say why,
/// unless PULLCHECK_REQUIRE_E2E=1 (as `.ci/run` sets), which makes it a failure. PULLCHECK_SKIP_E2E=1
/// skips them always.
enum TransportE2E {
    static let environment = ProcessInfo.processInfo.environment
    static let required = environment["PULLCHECK_REQUIRE_E2E"] == "1"
    static let skipped = environment["PULLCHECK_SKIP_E2E"] == "1"

    static let python = executable("python3")
    static let openssl = executable("openssl")
    static let libcurl = CurlTransport(proxy: .direct).library

    static var missing: [String] {
        var missing: [String] = []
        if python == nil { missing.append("python3 is not installed (Debian package python3)") }
        if openssl == nil { missing.append("openssl is not installed (Debian package openssl)") }
        if case .failure(let failure) = libcurl { missing.append("libcurl cannot be loaded (Debian package libcurl4): \(failure)") }
        return missing
    }

    static var enabled: ConditionTrait {
        if skipped { return .enabled(if: false, "PULLCHECK_SKIP_E2E=1 is set: the transport's loopback tests are skipped") }
        let missing = self.missing
        let reason = "skipped: " + missing.joined(separator: "; ") + " (PULLCHECK_REQUIRE_E2E=1 makes this a failure)"
        return .enabled(if: required || missing.isEmpty, Comment(rawValue: reason))
    }

    /// The libcurl files on this machine that load: the TLS classification is tested with each
    /// (Debian has libcurl.so.4 with OpenSSL and libcurl-gnutls.so.4 with GnuTLS).
    static let libraries: [String] = ["libcurl.so.4", "libcurl-gnutls.so.4"].filter { name in
        if case .success = CurlTransport(proxy: .direct, library: name).library { return true }
        return false
    }

    static func executable(_ name: String) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The loopback servers of testdata/transport/server.py with a PKI from make-certs.sh, started
/// once per test process. The server reads its standard input until it closes, which happens when
/// this process ends, and then removes the PKI and exits.
struct TestServers: Sendable {
    let ports: [String: Int]
    let pki: String

    static let shared: Result<TestServers, TestSetupError> = start()

    static func get() throws -> TestServers {
        if !TransportE2E.missing.isEmpty {
            throw TestSetupError(TransportE2E.missing.joined(separator: "; ") + " (PULLCHECK_REQUIRE_E2E=1 makes a missing tool a failure)")
        }
        return try shared.get()
    }

    func port(_ listener: String) -> Int { ports[listener] ?? 0 }

    func url(_ listener: String, _ path: String, host: String = "127.0.0.1") -> String {
        let scheme = listener == "http" || listener == "proxy" ? "http" : "https"
        return "\(scheme)://\(host):\(port(listener))\(path)"
    }

    var ca: String { pki + "/ca.pem" }
    var trusted: TLSOptions { TLSOptions(extraCAFiles: [ca]) }

    private static func start() -> Result<TestServers, TestSetupError> {
        guard let python = TransportE2E.python, TransportE2E.openssl != nil else {
            return .failure(TestSetupError("python3 and openssl are needed"))
        }
        var template = Array((NSTemporaryDirectory().trimmingSuffix("/") + "/pullcheck-transport-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) != nil else {
            return .failure(TestSetupError("mkdtemp failed"))
        }
        let pki = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let script = packageRoot + "/testdata/transport/"
        do {
            let certificates = Process()
            certificates.executableURL = URL(fileURLWithPath: "/bin/bash")
            certificates.arguments = [script + "make-certs.sh", pki]
            try certificates.run()
            certificates.waitUntilExit()
            guard certificates.terminationStatus == 0 else {
                return .failure(TestSetupError("make-certs.sh failed with status \(certificates.terminationStatus)"))
            }
            // Our ends of both pipes are close-on-exec, so the server holds only its own ends and
            // sees its standard input close when this process ends.
            var input: [Int32] = [0, 0]
            var output: [Int32] = [0, 0]
            guard pipe(&input) == 0, pipe(&output) == 0 else { return .failure(TestSetupError("pipe failed")) }
            for fd in [input[1], output[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            let server = Process()
            server.executableURL = URL(fileURLWithPath: python)
            server.arguments = [script + "server.py", pki, "--remove-on-exit"]
            server.standardInput = FileHandle(fileDescriptor: input[0], closeOnDealloc: false)
            server.standardOutput = FileHandle(fileDescriptor: output[1], closeOnDealloc: false)
            try server.run()
            close(input[0])
            close(output[1])
            // input[1] stays open for the life of this process.
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while read(output[0], &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
            close(output[0])
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Int] else {
                return .failure(TestSetupError("server.py did not print its ports: \(String(decoding: line, as: UTF8.self))"))
            }
            return .success(TestServers(ports: object, pki: pki))
        } catch {
            return .failure(TestSetupError("could not start the test servers: \(error)"))
        }
    }

    /// What the proxy was asked so far: request lines, and whether an Authorization header came along.
    func proxyLog() throws -> [(line: String, authorization: Bool)] {
        let answer = try CurlTransport(proxy: .direct).send(
            HTTPRequest(method: "GET", url: url("http", "/proxy-log")), tls: TLSOptions(), timeout: 10, maxBodyBytes: 1 << 20
        ).get()
        let entries = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String: Any]] ?? []
        return entries.map { (($0["line"] as? String) ?? "", ($0["authorization"] as? Bool) ?? false) }
    }
}

/// A port on 127.0.0.1 where nothing listens (bound, then closed).
func closedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : 9
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}

extension Result where Success == HTTPResponse, Failure == TransportFailure {
    /// The response, or a test failure naming the transport failure.
    func response(sourceLocation: SourceLocation = #_sourceLocation) throws -> HTTPResponse {
        switch self {
        case .success(let response): return response
        case .failure(let failure):
            Issue.record("expected an answer, got \(failure)", sourceLocation: sourceLocation)
            throw failure
        }
    }

    var failure: TransportFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
    }
}
