/// JUnit XML for Jenkins and GitLab: one test suite per file, one test case per file and enabled
/// rule, so a fixed finding shows as a test that passes again. A finding at or above the fail
/// level is a `<failure>`; an unreadable input is an `<error>`.
struct JUnitReporter: Reporter {
    static let identifier = "junit"

    var reportsInputFailures: Bool { true }

    func report(_ report: LintReport, context: ReportContext) -> String {
        let configuration = context.configuration
        let rules = RuleRegistry.descriptions.filter { configuration.isEnabled($0) }.map(\.id)
        var files: [String] = context.inputs.map(\.displayName)
        for diagnostic in report.diagnostics where !files.contains(diagnostic.file) { files.append(diagnostic.file) }
        // Inputs that could not be read are not among the inputs: give each its own suite, with
        // an <error>, so the report does not look clean while the run exits 2.
        for failure in report.inputFailures where !files.contains(failure.file) { files.append(failure.file) }
        var byFile: [String: [String: [Diagnostic]]] = [:]
        for diagnostic in report.diagnostics { byFile[diagnostic.file, default: [:]][diagnostic.ruleID, default: []].append(diagnostic) }
        let failures = Dictionary(grouping: report.inputFailures, by: \.file)

        var suites = ""
        var totalTests = 0
        var totalFailures = 0
        var totalErrors = 0
        for file in files {
            var cases = ""
            var tests = 0
            var failed = 0
            var errors = 0
            if let fileFailures = failures[file] {
                tests += 1
                errors += 1
                let text = fileFailures.map(\.message).joined(separator: "\n")
                cases += "    <testcase classname=\"\(Self.escape(file))\" name=\"read\" file=\"\(Self.escape(file))\">\n"
                cases += "      <error type=\"input\" message=\"\(Self.escape(text))\">\(Self.escape(text))</error>\n"
                cases += "    </testcase>\n"
            }
            // An unreadable input has only its <error>: its rules did not run, so none passed.
            let checked = failures[file] == nil || byFile[file] != nil
            for rule in rules where checked {
                tests += 1
                let found = byFile[file]?[rule] ?? []
                let attributes = "classname=\"\(Self.escape(file))\" name=\"\(Self.escape(rule))\" file=\"\(Self.escape(file))\""
                guard !found.isEmpty else {
                    cases += "    <testcase \(attributes)/>\n"
                    continue
                }
                let lines = found.map {
                    "\($0.file):\($0.span.start.line):\($0.span.start.column): \($0.severity.rawValue): \($0.message) [\($0.ruleID)]"
                }.joined(separator: "\n")
                let failing = found.contains { configuration.failLevel.fails(on: $0.severity) }
                cases += "    <testcase \(attributes)>\n"
                if failing {
                    failed += 1
                    let worst = found.map(\.severity).max() ?? .error
                    cases += "      <failure type=\"\(worst.rawValue)\" message=\"\(Self.escape(plural(found.count, "finding")))\">"
                    cases += Self.escape(lines) + "</failure>\n"
                } else {
                    cases += "      <system-out>\(Self.escape(lines))</system-out>\n"
                }
                cases += "    </testcase>\n"
            }
            suites += "  <testsuite name=\"\(Self.escape(file))\" tests=\"\(tests)\" failures=\"\(failed)\" errors=\"\(errors)\">\n"
            suites += cases
            suites += "  </testsuite>\n"
            totalTests += tests
            totalFailures += failed
            totalErrors += errors
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"pullcheck\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"\(totalErrors)\">\n"
        out += suites
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
