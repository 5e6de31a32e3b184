import Foundation
import Testing

/// The registry lab (`Tests/RegistryLab/lab.py`, documented in `Tests/RegistryLab/README.md`):
/// real registries on 127.0.0.1 for the online mode's end-to-end tests and benchmark.
///
/// `RegistryLab.shared` starts one lab per test process, on first use, and stops it when the
/// process exits (the lab also stops by itself when its standard input closes, so a test process
/// that dies leaves nothing running). Tests that use it carry `RegistryLab.enabled()`: they run
/// where the programs exist, are skipped and say which program (and Debian package) is missing
/// where they do not, and fail instead when `PULLCHECK_REQUIRE_E2E=1` (as `.ci/run` sets);
/// `PULLCHECK_SKIP_E2E=1` skips them always. `PULLCHECK_LAB_KEEP=1` keeps the lab's directory
/// (certificates, logs, lab.json) after the run, for debugging.
///
/// ```swift
/// @Suite(RegistryLab.enabled())
/// struct OnlineTests {
///     @Test func basicAuth() throws {
///         let lab = try RegistryLab.shared
///         let tls = lab[.tls]  // host, url, ca, log, ...
///         let answer = try lab.request(.tls, "/v2/app/manifests/1.0", user: "alice")
///         #expect(answer.header("docker-content-digest") == lab.image("app:1.0").digest)
///     }
/// }
/// ```
public final class RegistryLab: Sendable {
    /// What `lab.json` says: endpoints, accounts, images.
    public let description: LabDescription
    /// The lab's directory (lab.json, certs/, logs/).
    public let directory: String
    /// How long the lab took from launch to READY, in seconds.
    public let startupSeconds: Double

    private let process: LabProcess
    private let keep: Bool

    // MARK: Starting and stopping

    /// The lab of this test process, started on first use and stopped at exit.
    public static var shared: RegistryLab {
        get throws { try sharedLab.get() }
    }

    private static let sharedLab: Result<RegistryLab, RegistryLabError> = {
        do {
            return .success(try RegistryLab.start())
        } catch let error as RegistryLabError {
            return .failure(error)
        } catch {
            return .failure(RegistryLabError("\(error)"))
        }
    }()

    /// Starts a lab of its own (most tests use `shared`); stop it with `stop()`, or it stops
    /// when the test process exits.
    public static func start(extraArguments: [String] = [], timeout: Double = 60) throws -> RegistryLab {
        let missing = missingPrograms([])
        if !missing.isEmpty {
            throw RegistryLabError("the registry lab cannot start: " + missing.map(\.missing).joined(separator: "; "))
        }
        let keep = ProcessInfo.processInfo.environment["PULLCHECK_LAB_KEEP"] == "1"
        let directory = NSTemporaryDirectory() + "pullcheck-lab-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var arguments = [labScript, "--dir", directory] + extraArguments
        if keep { arguments.append("--keep") }
        let started = Date()
        guard let python = Self.python else { throw RegistryLabError(Program.python3.missing) }
        func removeDirectory() {
            if !keep { try? FileManager.default.removeItem(atPath: directory) }
        }
        let process: LabProcess
        do {
            process = try LabProcess.launch(python: python, arguments: arguments, stderrPath: directory + "/lab.stderr", timeout: timeout)
        } catch {
            removeDirectory()
            throw error
        }
        let lab: RegistryLab
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/lab.json"))
            lab = RegistryLab(
                description: try JSONDecoder().decode(LabDescription.self, from: data), directory: directory,
                startupSeconds: Date().timeIntervalSince(started), process: process, keep: keep)
        } catch {
            process.stop()
            removeDirectory()
            throw RegistryLabError("the registry lab started, but its lab.json could not be read: \(error)")
        }
        running.withLock { $0.append(lab) }
        registerExitHandler
        return lab
    }

    private init(description: LabDescription, directory: String, startupSeconds: Double, process: LabProcess, keep: Bool) {
        self.description = description
        self.directory = directory
        self.startupSeconds = startupSeconds
        self.process = process
        self.keep = keep
    }

    /// Stops the lab: closes its standard input, which makes it stop its servers and remove
    /// what it made; waits for that (a few hundred milliseconds), then removes the directory.
    /// Calling it again does nothing.
    public func stop() {
        process.stop()
        Self.running.withLock { labs in labs.removeAll { $0 === self } }
        if !keep { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Whether the lab process still runs.
    public var isRunning: Bool { process.isRunning }

    private static let running = Locked<[RegistryLab]>([])

    private static let registerExitHandler: Void = {
        atexit {
            for lab in RegistryLab.running.withLock({ $0 }) { lab.stop() }
        }
    }()

    // MARK: What it describes

    /// An endpoint by name (lab.json is checked to have them all when it is decoded).
    public subscript(_ name: EndpointName) -> Endpoint {
        description.endpoints[name.rawValue]!
    }

    /// An image by reference without host, e.g. `app:1.0`, `public/multi:1.0`, `private/old:1.0`.
    public func image(_ reference: String) -> Image {
        guard let image = description.images[reference] else {
            preconditionFailure("the registry lab has no image \(reference); it has \(description.images.keys.sorted())")
        }
        return image
    }

    /// An account's password (`alice`, `bob`).
    public func password(_ user: String) -> String {
        guard let account = description.accounts[user] else { preconditionFailure("the registry lab has no account \(user)") }
        return account.password
    }

    // MARK: Logs

    /// The requests an endpoint received, oldest first, from its access log: for the token
    /// endpoint the registry's (nginx) log, `tokenServerRequests()` for the token server's.
    public func requests(receivedBy name: EndpointName) -> [LoggedRequest] {
        guard let log = self[name].log else { return [] }
        return Self.readLog(log)
    }

    /// The requests the token server received (with the form of POSTs).
    public func tokenServerRequests() -> [LoggedRequest] {
        self[.token].tokenServerLog.map(Self.readLog) ?? []
    }

    /// The requests the redirect endpoint's target (`localhost:<port>`) received.
    public func redirectTargetRequests() -> [LoggedRequest] {
        self[.redirect].targetLog.map(Self.readLog) ?? []
    }

    /// Every request any endpoint, the redirect target or the token server received.
    public func allRequests() -> [LoggedRequest] {
        EndpointName.allCases.flatMap { requests(receivedBy: $0) } + redirectTargetRequests() + tokenServerRequests()
    }

    static func readLog(_ path: String) -> [LoggedRequest] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(LoggedRequest.self, from: Data($0.utf8)) }
    }

    // MARK: Asking it with curl

    /// The Accept list a registry client sends (see ../shared/FACTS-online.md).
    public static let acceptAll = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json",
    ].joined(separator: ", ")

    /// One request with curl (the command-line tool) to an endpoint: with its CA (or `ca`), the
    /// full Accept list, and the account's password when `user` is given. Redirects are not
    /// followed unless `extra` says so.
    public func request(
        _ name: EndpointName, _ path: String, method: String = "GET", user: String? = nil, ca: String? = nil, headers: [String] = [],
        extra: [String] = [], timeout: Double = 10
    ) throws -> HTTPAnswer {
        let endpoint = self[name]
        var arguments = ["-s", "-S", "-i", "--max-time", String(timeout), "-H", "Accept: " + Self.acceptAll]
        if method == "HEAD" { arguments.append("-I") } else if method != "GET" { arguments += ["-X", method] }
        if let cacert = ca ?? endpoint.ca ?? (endpoint.scheme == "https" ? description.ca : nil) { arguments += ["--cacert", cacert] }
        if let user { arguments += ["-u", user + ":" + password(user)] }
        for header in headers { arguments += ["-H", header] }
        return try Self.curl(arguments + extra + [endpoint.url + path])
    }

    /// Runs curl with these arguments (which should include `-i`) and reads its answer.
    public static func curl(_ arguments: [String]) throws -> HTTPAnswer {
        guard let curl = Program.curl.locate() else { throw RegistryLabError(Program.curl.missing) }
        let result = try runProgram(curl, arguments)
        return HTTPAnswer(curlExit: result.status, raw: result.output, error: result.error)
    }

    // MARK: Programs

    /// A program the lab needs, and the Debian package that has it.
    public struct Program: Sendable {
        public let name: String
        public let package: String

        public static let dockerRegistry = Program(name: "docker-registry", package: "docker-registry")
        public static let openssl = Program(name: "openssl", package: "openssl")
        public static let htpasswd = Program(name: "htpasswd", package: "apache2-utils")
        public static let nginx = Program(name: "nginx", package: "nginx-light")
        public static let python3 = Program(name: "python3", package: "python3")
        public static let curl = Program(name: "curl", package: "curl")
        public static let strace = Program(name: "strace", package: "strace")

        public init(name: String, package: String) {
            self.name = name
            self.package = package
        }

        /// What the lab itself needs.
        public static let lab: [Program] = [.dockerRegistry, .openssl, .htpasswd, .nginx, .python3]

        /// Where it is installed (on PATH, or in the sbin directories, where nginx is), or nil.
        public func locate() -> String? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for directory in path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin"] {
                let candidate = directory + "/" + name
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }

        public var missing: String { "\(name) is not installed (Debian package \(package): apt-get install \(package))" }
    }

    /// The lab's programs and `also` that are not installed.
    public static func missingPrograms(_ also: [Program]) -> [Program] {
        (Program.lab + also).filter { $0.locate() == nil }
    }

    /// The trait of a test or suite that needs the lab (and `also` these programs): it runs
    /// where they exist; where one is missing it is skipped and says which, unless
    /// `PULLCHECK_REQUIRE_E2E=1`, which makes it run and fail. `PULLCHECK_SKIP_E2E=1` skips it.
    public static func enabled(also: [Program] = []) -> ConditionTrait {
        let environment = ProcessInfo.processInfo.environment
        if environment["PULLCHECK_SKIP_E2E"] == "1" {
            return .enabled(if: false, "PULLCHECK_SKIP_E2E=1 is set: the registry lab's end-to-end tests are skipped")
        }
        let missing = missingPrograms(also)
        let reason =
            "skipped: the registry lab needs " + missing.map(\.missing).joined(separator: "; ")
            + " (PULLCHECK_REQUIRE_E2E=1 makes this a failure)"
        return .enabled(if: environment["PULLCHECK_REQUIRE_E2E"] == "1" || missing.isEmpty, Comment(rawValue: reason))
    }

    /// The Python interpreter itself, as `sys.executable` names it (not a pyenv shim, which
    /// needs bash on PATH), or nil when there is no python3.
    public static let python: String? = {
        guard let python3 = Program.python3.locate() else { return nil }
        guard let result = try? runProgram(python3, ["-c", "import sys; print(sys.executable)"]), result.status == 0 else { return python3 }
        let path = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? python3 : path
    }()

    /// `Tests/RegistryLab/lab.py`, from this file's path.
    public static let labScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RegistryLab/lab.py").path
}

/// The names of the lab's endpoints (the keys of lab.json's `endpoints`).
public enum EndpointName: String, CaseIterable, Sendable {
    case tls, token, plain, ratelimited, hang, closed, badca, wronghost, expired, redirect
}

public struct RegistryLabError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
