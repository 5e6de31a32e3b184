import Testing

@testable import PullCheckCLI
@testable import PullCheckKit

/// Lints text as one input and returns the report.
func lint(
    _ text: String, name: String = "test.yaml", configuration: Configuration = Configuration(), limits: YAMLLimits = .standard
) -> LintReport {
    Linter(configuration: configuration, limits: limits).lint([LintInput(displayName: name, content: .bytes(Array(text.utf8)))], jobs: 1)
}

/// Lints raw bytes as one input.
func lint(bytes: [UInt8], name: String = "test.yaml", configuration: Configuration = Configuration(), limits: YAMLLimits = .standard)
    -> LintReport
{
    Linter(configuration: configuration, limits: limits).lint([LintInput(displayName: name, content: .bytes(bytes))], jobs: 1)
}

/// The findings of one rule, as "line:column" strings in report order.
func findingPositions(_ report: LintReport, rule: String) -> [String] {
    report.diagnostics.filter { $0.ruleID == rule }.map { "\($0.span.start.line):\($0.span.start.column)" }
}

/// Parses a whole stream into documents (copies, for inspection).
func parseDocuments(_ text: String, limits: YAMLLimits = .standard) -> (documents: [YAMLDocument], summary: YAMLStreamSummary) {
    var documents: [YAMLDocument] = []
    let summary = YAMLParser.parse(ByteSource(bytes: Array(text.utf8), limits: limits), limits: limits) { document in
        documents.append(document)
    }
    return (documents, summary)
}

/// The directory of the package, from this file's path.
let packageRoot: String = {
    var path = #filePath
    for _ in 0..<3 {
        if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
    }
    return path
}()

/// Runs the CLI in-process and captures its output.
struct CLIRun {
    var status: Int32 = 0
    var output = ""
    var error = ""
}

final class Capture {
    var text = ""
}

func runCLI(
    _ arguments: [String], stdin: String = "", terminal: Bool = false, environment: [String: String] = [:],
    workingDirectory: String? = packageRoot
) -> CLIRun {
    let output = Capture()
    let error = Capture()
    let input = Array(stdin.utf8)
    let cli = CLIEnvironment(
        arguments: arguments,
        writeOutput: { output.text += $0 },
        writeError: { error.text += $0 },
        readStandardInput: { .success(input) },
        outputIsTerminal: terminal,
        variable: { environment[$0] },
        workingDirectory: workingDirectory)
    let status = PullCheckCLI.run(cli)
    return CLIRun(status: status, output: output.text, error: error.text)
}
