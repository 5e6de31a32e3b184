/// `file:line:col: severity: message [rule-id]`, the GNU form editors and CI logs parse. On a
/// terminal each finding also shows its source line with a marker under the span.
struct TextReporter: Reporter {
    static let identifier = "text"

    func report(_ report: LintReport, context: ReportContext) -> String {
        let style = TextStyle(enabled: context.colors)
        let excerpts = context.showSource ? sourceExcerpts(report, context: context) : [:]
        var out = ""
        for diagnostic in report.diagnostics {
            let position = diagnostic.span.start
            out += style.bold("\(diagnostic.file):\(position.line):\(position.column):") + " "
            out += style.severity(diagnostic.severity) + ": "
            out += Self.oneLine(diagnostic.message) + " " + style.dim("[\(diagnostic.ruleID)]") + "\n"
            if let line = excerpts[diagnostic.file]?[position.line],
                !Self.mayHoldSecret(
                    line, line: position.line, sensitive: report.sensitiveLines[diagnostic.file] ?? [],
                    unparsed: RuleRegistry.description(of: diagnostic.ruleID)?.isInputError ?? true)
            {
                out += excerpt(line, diagnostic: diagnostic, style: style)
            }
        }
        if context.statistics {
            let rows = ruleStatistics(report.diagnostics)
            if !rows.isEmpty {
                if !out.isEmpty { out += "\n" }
                let width = rows.map(\.rule.count).max() ?? 0
                for row in rows {
                    let count = String(row.count)
                    out += String(repeating: " ", count: max(0, 6 - count.count)) + count + "  "
                    out += row.rule + String(repeating: " ", count: width - row.rule.count) + "  "
                    out += style.severity(row.severity) + "\n"
                }
            }
            if !report.unknownImageKinds.isEmpty {
                if !out.isEmpty { out += "\n" }
                let kinds = report.unknownImageKinds.sorted { $0.key < $1.key }.map { "\(displayText($0.key)) (\($0.value))" }
                let count = report.unknownImageKinds.values.reduce(0, +)
                out += "\(plural(count, "object")) of kinds pullcheck does not know hold an image: field, not checked: "
                out += kinds.joined(separator: ", ") + "; describe them under custom-resources: in .pullcheck.yaml\n"
            }
            if report.contextFileCount > 0 {
                if !out.isEmpty { out += "\n" }
                out += "Project context: \(plural(report.contextFileCount, "other file")) of the project, \(report.contextFilesRead) read for Secrets, ServiceAccounts and pull secrets\n"
            }
            if !report.notes.isEmpty {
                if !out.isEmpty { out += "\n" }
                out += "Skipped \(plural(report.notes.count, "path")):\n"
                for note in report.notes { out += "  " + displayText(note.file) + ": " + displayText(note.reason) + "\n" }
            }
        }
        if !context.quiet {
            if !report.diagnostics.isEmpty || context.statistics { out += "\n" }
            out += summaryLine(report) + "\n"
        }
        return out
    }

    /// Source excerpts never show secret data: lines inside a Secret's data, and, where the parser
    /// could not tell (a syntax error), lines that look like credentials.
    static func mayHoldSecret(_ text: String, line: Int, sensitive: [ClosedRange<Int>], unparsed: Bool) -> Bool {
        if sensitive.contains(where: { $0.contains(line) }) { return true }
        // Around a syntax error the parser knows nothing: judge the line itself.
        guard unparsed else { return false }
        let lower = text.lowercased()
        for word in ["auth", "password", "passwd", "token", "secret", "dockerconfig", "dockercfg", "credential", "apikey", "api_key"]
        where lower.contains(word) {
            return true
        }
        // A long run of base64 characters (but not an image digest).
        if lower.contains("sha256:") || lower.contains("sha384:") || lower.contains("sha512:") { return false }
        var run = 0
        for scalar in text.unicodeScalars {
            let base64 = ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "+" || scalar == "/" || scalar == "=" || scalar == "-" || scalar == "_"
            run = base64 ? run + 1 : 0
            if run >= 24 { return true }
        }
        return false
    }

    /// A finding is one line: line breaks and other control characters in a message (they come
    /// from names in the manifest) are shown escaped.
    static func oneLine(_ message: String) -> String {
        guard message.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) else { return message }
        return displayText(message)
    }

    func summaryLine(_ report: LintReport) -> String {
        let files = plural(report.fileCount, "file")
        guard !report.diagnostics.isEmpty else {
            return report.hasInputErrors ? "No findings in \(files), but some input could not be read." : "No problems found in \(files)."
        }
        var parts: [String] = []
        for (severity, noun) in [(Severity.error, "error"), (.warning, "warning"), (.info, "info")] {
            let count = report.count(severity)
            if count > 0 { parts.append(plural(count, noun)) }
        }
        return "Found \(plural(report.diagnostics.count, "problem")) (\(parts.joined(separator: ", "))) in \(files)."
    }

    /// The source lines the findings point at, read again from each input.
    private func sourceExcerpts(_ report: LintReport, context: ReportContext) -> [String: [Int: String]] {
        var wanted: [String: Set<Int>] = [:]
        for diagnostic in report.diagnostics { wanted[diagnostic.file, default: []].insert(diagnostic.span.start.line) }
        var result: [String: [Int: String]] = [:]
        for input in context.inputs {
            guard let lines = wanted[input.displayName], result[input.displayName] == nil else { continue }
            result[input.displayName] = SourceLines(input).lines(lines)
        }
        return result
    }

    private func excerpt(_ line: String, diagnostic: Diagnostic, style: TextStyle) -> String {
        let number = String(diagnostic.span.start.line)
        let gutter = String(repeating: " ", count: number.count)
        let characters = Array(line.unicodeScalars)
        let start = max(0, diagnostic.span.start.column - 1)
        var length = 1
        if diagnostic.span.end.line == diagnostic.span.start.line {
            length = max(1, diagnostic.span.end.column - diagnostic.span.start.column)
        } else {
            length = max(1, characters.count - start)
        }
        // Tabs are shown as four spaces, in the line and under it, so the marker lines up.
        var shown = ""
        var pad = ""
        for (index, character) in characters.enumerated() {
            let text = character == "\t" ? "    " : String(character)
            shown += text
            if index < start { pad += character == "\t" ? "    " : " " }
        }
        if start > characters.count { pad += String(repeating: " ", count: start - characters.count) }
        let marker = String(repeating: "^", count: min(length, max(1, characters.count - start)))
        var out = " \(style.dim(number + " |")) \(shown)\n"
        out += " \(style.dim(gutter + " |")) \(pad)\(style.marker(marker, diagnostic.severity))\n"
        return out
    }
}

/// ANSI styling, or nothing.
struct TextStyle {
    let enabled: Bool

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func bold(_ text: String) -> String { wrap(text, "1") }
    func dim(_ text: String) -> String { wrap(text, "2") }

    private func code(_ severity: Severity) -> String {
        switch severity {
        case .error: return "1;31"
        case .warning: return "1;33"
        case .info: return "1;36"
        }
    }

    func severity(_ severity: Severity) -> String { wrap(severity.rawValue, code(severity)) }
    func marker(_ text: String, _ severity: Severity) -> String { wrap(text, code(severity)) }
}
