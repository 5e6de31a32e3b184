import TextSupport

/// GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
///
/// `::error file=F,line=L,endLine=L,col=C,endColumn=C,title=T::message`; in the message `%`, CR
/// and LF are escaped, in property values also `:` and `,` (the runner splits properties on `,`
/// and ends them at the first `::`). Columns are given only for a span on one line: the runner
/// drops them otherwise. `endColumn` is the column after the last character, as in SARIF.
///
/// Text from input (file names, messages) is first shown by the display policy (`displayText`):
/// the runner writes annotations and log lines to a page that renders ANSI sequences, so no
/// control character (ESC included), line separator or bidirectional override is written raw.
/// Paths are relative to the working directory without `./` (`ReportPath`): GitHub does not
/// attach an annotation whose path starts with `./`.
struct GitHubReporter: Reporter {
    static let identifier = "github"

    var reportsInputFailures: Bool { true }

    func report(_ report: LintReport, context: ReportContext) -> String {
        var out = ""
        for failure in report.inputFailures {
            out += "::error file=\(file(failure.file, context)),title=\(Self.property("pullcheck: unreadable input"))::"
            out += Self.message(displayText(failure.message)) + "\n"
        }
        for diagnostic in report.diagnostics {
            let command: String
            switch diagnostic.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .info: command = "notice"
            }
            let span = diagnostic.span
            out += "::\(command) file=\(file(diagnostic.file, context)),line=\(span.start.line),endLine=\(span.end.line)"
            // The runner drops col and endColumn when line and endLine differ
            // (IssueCommandExtension.ValidateLinesAndColumns): leave them out rather than send
            // columns that are thrown away.
            if span.start.line == span.end.line {
                out += ",col=\(span.start.column),endColumn=\(span.end.column)"
            }
            out += ",title=\(Self.property("pullcheck \(diagnostic.ruleID)"))::"
            out += Self.message(displayText(diagnostic.message) + " [\(diagnostic.ruleID)]") + "\n"
        }
        return out
    }

    /// The `file` property: the path GitHub attaches, shown by the display policy, escaped.
    private func file(_ path: String, _ context: ReportContext) -> String {
        Self.property(displayText(ReportPath.attached(path, workingDirectory: context.workingDirectory)))
    }

    static func message(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func property(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
