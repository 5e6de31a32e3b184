import Foundation
import ProgramTestSupport
import Testing

/// The Python tools of the end-to-end tests (SARIF validators, junitparser, pre-commit), in a
/// virtualenv at `.build/e2e-venv` that `testdata/e2e/provision-venv.sh` creates from the pinned
/// `testdata/e2e/requirements.txt` on first use and reuses afterwards.
enum E2E {
    /// `PULLCHECK_SKIP_E2E=1` skips these tests (shown as skipped, with this reason).
    static let skipped = ProcessInfo.processInfo.environment["PULLCHECK_SKIP_E2E"] == "1"
    /// `PULLCHECK_REQUIRE_E2E=1` (set by `.ci/run`) makes a missing program or tool a failure;
    /// without it, the tests that need one are skipped and say why.
    static let required = ProcessInfo.processInfo.environment["PULLCHECK_REQUIRE_E2E"] == "1"
    static let skipReason: Comment =
        "PULLCHECK_SKIP_E2E=1 is set: end-to-end tests with real programs (editors, pre-commit, PyPI validators) are skipped"

    /// Whether the tests that need the Python tools run: unless skipped, when the virtualenv can
    /// be made, or always when required (then a failure to make it fails them).
    static var venvAvailable: Bool {
        if skipped { return false }
        if required { return true }
        if case .success = provisioned { return true }
        return false
    }

    /// Why the tests that need the Python tools are skipped: the variable, or what provisioning said.
    static var venvSkipReason: Comment {
        if skipped { return skipReason }
        guard case .failure(let error) = provisioned else { return "" }
        return Comment(
            rawValue:
                "skipped: the Python tools (pre-commit, SARIF validators) could not be provisioned in .build/e2e-venv from PyPI (\(error.summary)); PULLCHECK_REQUIRE_E2E=1 makes that a failure"
        )
    }

    /// The program's path when it is on PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a test where `program` is on PATH; where it is not, skips it and says so, unless
    /// PULLCHECK_REQUIRE_E2E=1 (then the test runs and fails on the missing program).
    static func needs(_ program: String, package: String) -> ConditionTrait {
        let reason = "skipped: \(program) is not installed (Debian package \(package)); PULLCHECK_REQUIRE_E2E=1 makes this a failure"
        return .enabled(if: !skipped && (required || onPath(program) != nil), Comment(rawValue: skipped ? skipReason.rawValue : reason))
    }

    static let venv = packageRoot + "/.build/e2e-venv"
    static let python = venv + "/bin/python"

    /// Provisions the virtualenv once per test process; the script itself takes a lock, so test
    /// processes that run at the same time do not collide.
    static let provisioned: Result<Void, E2EError> = {
        do {
            let result = try run("/bin/bash", [packageRoot + "/testdata/e2e/provision-venv.sh", venv])
            if result.status == 0 { return .success(()) }
            return .failure(E2EError(provisioningFailure: result.error + result.output))
        } catch {
            return .failure(E2EError(provisioningFailure: "\(error)"))
        }
    }()

    /// Throws, with how to provision it, when the virtualenv cannot be made.
    static func requireVenv() throws {
        try provisioned.get()
    }

    /// Runs one of the scripts in `testdata/e2e/` with the virtualenv's Python; its output is the
    /// issue's text when it fails.
    static func script(_ name: String, _ arguments: [String]) throws -> ProcessResult {
        try run(python, [packageRoot + "/testdata/e2e/" + name] + arguments)
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    /// The last line of what failed, for a skip's reason.
    var summary = ""

    init(_ description: String) { self.description = description }

    init(provisioningFailure detail: String) {
        let lines = detail.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        summary = String((lines.last ?? "no output").prefix(200))
        description = """
            Could not provision the Python tools of the end-to-end tests in .build/e2e-venv \
            (python3 -m venv, then pip install -r testdata/e2e/requirements.txt from PyPI):
            \(detail.trimmingCharacters(in: .whitespacesAndNewlines))
            To provision it, run `bash testdata/e2e/provision-venv.sh` on a machine that reaches PyPI \
            (on Debian, `apt-get install python3-venv` first if the venv module is missing). \
            To skip these tests instead, set PULLCHECK_SKIP_E2E=1.
            """
    }
}
