import TextSupport

/// JUnit XML for GitLab's and Jenkins' test reports: one `<testsuite>` per file, and in it one
/// `<testcase>` per finding, so the report grows with the findings, not with files × rules.
///
/// - A finding at or above the fail level is a failing test case: `classname` is
///   `pullcheck.<rule>` (Jenkins shows package `pullcheck`, class `<rule>`; a file name would be
///   split at its dots), `name` is `<file>:<line>:<column>`, `file` and `line` locate it, and the
///   `<failure>` has the severity as `type`, the message as `message`, and the finding's text line
///   as its text. A finding below the fail level is a passing test case with the same text in
///   `<system-out>`.
/// - A file without findings is one passing test case (`classname="pullcheck"`, `name` the file),
///   so clean files stay visible and a fixed file shows as passing again.
/// - An unreadable input is one test case with an `<error>`.
///
/// Paths are relative to the working directory without `./` (`ReportPath`), and all text from
/// input is shown by the display policy (`displayText`) before it is escaped for XML.
struct JUnitReporter: Reporter {
    static let identifier = "junit"

    var reportsInputFailures: Bool { true }

    func report(_ report: LintReport, context: ReportContext) -> String {
        let failLevel = context.configuration.failLevel
        // The files in order: inputs first, then files only findings or failures name. Sets and
        // dictionaries keep every step linear in files + findings.
        var files: [String] = []
        var known: Set<String> = []
        func add(_ file: String) { if known.insert(file).inserted { files.append(file) } }
        for input in context.inputs { add(input.displayName) }
        var byFile: [String: [Int]] = [:]
        for (index, diagnostic) in report.diagnostics.enumerated() {
            add(diagnostic.file)
            byFile[diagnostic.file, default: []].append(index)
        }
        var failures: [String: [String]] = [:]
        for failure in report.inputFailures {
            add(failure.file)
            failures[failure.file, default: []].append(failure.message)
        }

        var body = ""
        body.reserveCapacity(256 * (report.diagnostics.count + files.count))
        var totalTests = 0
        var totalFailures = 0
        var totalErrors = 0
        for file in files {
            let shown = displayText(ReportPath.attached(file, workingDirectory: context.workingDirectory))
            let path = Self.escape(shown)
            var cases = ""
            var tests = 0
            var failed = 0
            var errors = 0
            if let messages = failures[file] {
                tests += 1
                errors += 1
                let text = Self.escape(messages.map { displayText($0) }.joined(separator: "\n"))
                cases += "    <testcase classname=\"pullcheck.input\" name=\"\(path)\" file=\"\(path)\">\n"
                cases += "      <error type=\"input\" message=\"\(text)\">\(text)</error>\n"
                cases += "    </testcase>\n"
            }
            var names: [String: Int] = [:]
            for index in byFile[file] ?? [] {
                let diagnostic = report.diagnostics[index]
                let start = diagnostic.span.start
                tests += 1
                // Test case names are unique within a class: a second finding of one rule at one
                // position gets ` (2)`.
                var name = "\(shown):\(start.line):\(start.column)"
                let key = diagnostic.ruleID + "\u{0}" + name
                let seen = names[key, default: 0] + 1
                names[key] = seen
                if seen > 1 { name += " (\(seen))" }
                let message = displayText(diagnostic.message)
                let line = Self.escape(
                    "\(shown):\(start.line):\(start.column): \(diagnostic.severity.rawValue): \(message) [\(diagnostic.ruleID)]")
                cases += "    <testcase classname=\"pullcheck.\(Self.escape(diagnostic.ruleID))\" name=\"\(Self.escape(name))\""
                cases += " file=\"\(path)\" line=\"\(start.line)\">\n"
                if failLevel.fails(on: diagnostic.severity) {
                    failed += 1
                    cases +=
                        "      <failure type=\"\(diagnostic.severity.rawValue)\" message=\"\(Self.escape(message))\">\(line)</failure>\n"
                } else {
                    cases += "      <system-out>\(line)</system-out>\n"
                }
                cases += "    </testcase>\n"
            }
            if tests == 0 {
                tests = 1
                cases += "    <testcase classname=\"pullcheck\" name=\"\(path)\" file=\"\(path)\"/>\n"
            }
            body += "  <testsuite name=\"\(path)\" tests=\"\(tests)\" failures=\"\(failed)\" errors=\"\(errors)\">\n"
            body += cases
            body += "  </testsuite>\n"
            totalTests += tests
            totalFailures += failed
            totalErrors += errors
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"pullcheck\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"\(totalErrors)\">\n"
        out += body
        out += "</testsuites>\n"
        return out
    }

    /// XML attribute and text escaping; characters XML 1.0 forbids are replaced. Tab, LF and CR
    /// are written as character references, so attribute-value normalization keeps them.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
