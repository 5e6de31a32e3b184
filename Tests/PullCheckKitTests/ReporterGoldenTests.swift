import Testing

@testable import PullCheckKit

/// Every output format, compared byte for byte with the golden files in
/// `testdata/reporters/golden/` (see `testdata/reporters/README.md`). The CLI runs in-process,
/// given the package root as its working directory, with `--no-config`. `PULLCHECK_UPDATE=1 swift test --filter
/// ReporterGoldenTests` rewrites the golden files; review the diff by hand before accepting it.
@Suite("Golden files of every output format")
struct ReporterGoldenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// The arguments after `--no-config --format <format>`.
        let arguments: [String]
        /// A file (from the package root) to pass as standard input.
        let stdin: String?
        let status: Int32
        /// Standard error of the text format; the other formats carry input errors themselves.
        let textError: String

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Escaping, multi-byte columns, a two-line span, every severity, a file name with a space
        // and a comma, pull secrets resolved across documents.
        Case(name: "inputs", arguments: ["testdata/reporters/inputs"], stdin: nil, status: 1, textError: ""),
        // A YAML syntax error and an input that cannot be read (exit 2).
        Case(
            name: "broken",
            arguments: [
                "testdata/reporters/inputs/clean.yaml", "testdata/reporters/broken/syntax.yaml", "testdata/reporters/does-not-exist.yaml",
            ],
            stdin: nil, status: 2,
            textError: "pullcheck: error: testdata/reporters/does-not-exist.yaml: cannot read: No such file or directory\n"),
        // Standard input under a name with a space, `:`, `,` and a literal `%2C`.
        Case(
            name: "stdin", arguments: ["--stdin-filename", "deploy/a b:c,100%2C.yaml", "-"], stdin: "testdata/reporters/stdin.yaml",
            status: 1, textError: ""),
        // Values and a file name crafted to forge findings, workflow commands and XML, with every
        // kind of character the display policy escapes (C0, DEL, C1, U+2028/9, bidi overrides).
        Case(
            name: "hostile", arguments: ["--stdin-filename", hostileName, "-"], stdin: "testdata/reporters/hostile.yaml", status: 1,
            textError: ""),
        // No findings.
        Case(name: "clean", arguments: ["testdata/reporters/inputs/clean.yaml"], stdin: nil, status: 0, textError: ""),
    ]

    /// A file name that would forge a finding and a workflow command if written raw.
    static let hostileName = "deploy/\u{1B}[31mred\u{7}\r\n::error title=x::forged\u{2028}\u{202E}.yaml"

    static func fileExtension(_ format: OutputFormat) -> String {
        switch format {
        case .text: return "txt"
        case .json: return "json"
        case .sarif: return "sarif.json"
        case .github: return "github.txt"
        case .junit: return "junit.xml"
        }
    }

    @Test("output matches the golden file", arguments: cases, OutputFormat.allCases)
    func golden(_ testCase: Case, _ format: OutputFormat) throws {
        var input = ""
        if let stdin = testCase.stdin { input = try Self.read(packageRoot + "/" + stdin) }
        let run = runCLI(["--no-config", "--no-project-context", "--format", format.rawValue] + testCase.arguments, stdin: input)
        #expect(run.status == testCase.status)
        #expect(run.error == (format == .text ? testCase.textError : ""))

        let actual = Self.normalized(run.output, format: format)
        let relative = "testdata/reporters/golden/\(testCase.name).\(Self.fileExtension(format))"
        let path = packageRoot + "/" + relative
        if ProcessEnvironment.variable("PULLCHECK_UPDATE") == "1" {
            if let error = FileSystem.writeFile(path, contents: actual) {
                Issue.record("cannot write \(relative): \(error)")
            }
            return
        }
        guard case .success(let bytes) = FileSystem.readFile(path) else {
            Issue.record("\(relative) is missing; run PULLCHECK_UPDATE=1 swift test --filter ReporterGoldenTests")
            return
        }
        let expected = String(decoding: bytes, as: UTF8.self)
        if let difference = Self.firstDifference(expected, actual) {
            Issue.record(
                """
                \(relative) differs at line \(difference.line):
                  expected: \(difference.expected)
                  actual:   \(difference.actual)
                If the change is intended, run PULLCHECK_UPDATE=1 swift test --filter ReporterGoldenTests and review the diff.
                """)
        }
    }

    @Test("the golden inputs hold what they are for")
    func inputsCoverTheCases() throws {
        let run = runCLI(["--no-config", "--format", "json", "testdata/reporters/inputs"])
        // A two-line span, a finding after multi-byte characters, every severity.
        #expect(run.output.contains("\"line\": 11,\n      \"column\": 9,\n      \"endLine\": 12,"))
        #expect(run.output.contains("\"line\": 8,\n      \"column\": 35,"))
        for severity in ["error", "warning", "info"] { #expect(run.output.contains("\"severity\": \"\(severity)\"")) }
        // A message that needs escaping in every format.
        #expect(run.output.contains(#"100% <web> & \"api\", a:b 'q' %0A\nnext\tline"#))
    }

    /// Makes the SARIF output independent of the checkout's location and of the version number.
    static func normalized(_ output: String, format: OutputFormat) -> String {
        guard format == .sarif else { return output }
        var text = output.replacingAll(Self.directoryURI(packageRoot), with: "file:///PACKAGE_ROOT/")
        text = text.replacingAll("\"version\": \"\(PullCheckVersion.current)\"", with: "\"version\": \"VERSION\"")
        text = text.replacingAll("\"semanticVersion\": \"\(PullCheckVersion.current)\"", with: "\"semanticVersion\": \"VERSION\"")
        return text
    }

    /// `file://` URI of a directory, written here independently of the reporter: RFC 3986
    /// unreserved characters and `/` stay, every other UTF-8 byte is `%XX`.
    static func directoryURI(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = "file://"
        for byte in (path.hasSuffix("/") ? path : path + "/").utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || "-._~/".unicodeScalars.contains(scalar)
            {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    static func read(_ path: String) throws -> String {
        switch FileSystem.readFile(path) {
        case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .failure(let error): throw GoldenError(message: "cannot read \(path): \(error)")
        }
    }

    static func firstDifference(_ expected: String, _ actual: String) -> (line: Int, expected: String, actual: String)? {
        guard expected != actual else { return nil }
        let left = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let right = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(left.count, right.count) {
            let l = index < left.count ? String(left[index]) : "<end of file>"
            let r = index < right.count ? String(right[index]) : "<end of file>"
            if l != r { return (index + 1, l, r) }
        }
        return (max(left.count, right.count), "<same lines>", "<different line endings>")
    }

    struct GoldenError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}
