import TextSupport

/// The report formats (`--format`).
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, sarif, github, junit

    public var reporter: any Reporter {
        switch self {
        case .text: return TextReporter()
        case .json: return JSONReporter()
        case .sarif: return SARIFReporter()
        case .github: return GitHubReporter()
        case .junit: return JUnitReporter()
        }
    }
}

/// What a reporter may use besides the findings.
public struct ReportContext: Sendable {
    /// ANSI colours (text format on a terminal, unless NO_COLOR is set).
    public var colors = false
    /// Show each finding's source line with a marker under it (text format on a terminal).
    public var showSource = false
    /// Print only the findings: no summary.
    public var quiet = false
    /// Add counts per rule.
    public var statistics = false
    /// The working directory, for relative URIs (SARIF).
    public var workingDirectory: String?
    /// The inputs, to read source lines again for excerpts.
    public var inputs: [LintInput] = []
    /// The configuration the run used (rule severities for SARIF metadata).
    public var configuration = Configuration()
    /// Where the rule pages are (SARIF `helpUri`); nil: `RuleDocumentation.defaultBaseURL`.
    public var rulesBaseURL: String?

    public init() {}
}

/// Turns a report into the text of one output format.
public protocol Reporter {
    static var identifier: String { get }
    /// The text for standard output.
    func report(_ report: LintReport, context: ReportContext) -> String
    /// Whether the format carries input failures itself; if not, they go to standard error.
    var reportsInputFailures: Bool { get }
}

extension Reporter {
    var reportsInputFailures: Bool { false }
}

/// Counts per rule, most frequent first (`--statistics`).
func ruleStatistics(_ diagnostics: [Diagnostic]) -> [(rule: String, severity: Severity, count: Int)] {
    var counts: [String: (Severity, Int)] = [:]
    for diagnostic in diagnostics {
        let current = counts[diagnostic.ruleID] ?? (diagnostic.severity, 0)
        counts[diagnostic.ruleID] = (max(current.0, diagnostic.severity), current.1 + 1)
    }
    return counts.map { (rule: $0.key, severity: $0.value.0, count: $0.value.1) }
        .sorted { $0.count != $1.count ? $0.count > $1.count : $0.rule < $1.rule }
}

/// What standard error says about an input that could not be read, shown by the display policy.
public func inputFailureLine(_ failure: InputFailure) -> String {
    errorLine("\(failure.file): \(failure.message)")
}

/// "1 error", "2 warnings".
func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
