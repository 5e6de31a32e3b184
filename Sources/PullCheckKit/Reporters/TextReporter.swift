import TextSupport

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
            // The file name and the message come from input: shown by the display policy, so that
            // neither can start a new line (a forged finding or workflow command) or reach the
            // terminal as a control sequence.
            out += style.bold("\(displayText(diagnostic.file)):\(position.line):\(position.column):") + " "
            out += style.severity(diagnostic.severity) + ": "
            out += displayText(diagnostic.message) + " " + style.dim("[\(diagnostic.ruleID)]") + "\n"
            if let line = excerpts[diagnostic.file]?[position.line],
                !line.mayHoldSecret(
                    line: position.line, sensitive: report.sensitiveLines[diagnostic.file] ?? [],
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
                out +=
                    "Project context: \(plural(report.contextFileCount, "other file")) of the project, \(report.contextFilesRead) read for Secrets, ServiceAccounts and pull secrets\n"
            }
            if !report.notes.isEmpty {
                if !out.isEmpty { out += "\n" }
                out += "Skipped \(plural(report.notes.count, "path")):\n"
                for note in report.notes { out += "  " + displayText(note.file) + ": " + displayText(note.reason) + "\n" }
            }
            if let online = report.online {
                if !out.isEmpty { out += "\n" }
                out += "Online: \(plural(online.images, "image")) looked up, \(plural(online.lookups, "distinct lookup")) "
                out += "(\(online.cacheHits) from the cache), \(plural(online.requests, "request")), \(Self.seconds(online.seconds)) s\n"
                if !online.notChecked.isEmpty {
                    out += "Not checked (\(online.notChecked.count)):\n"
                    for line in online.notChecked { out += "  " + displayText(line) + "\n" }
                }
            }
        }
        if !context.quiet {
            if !report.diagnostics.isEmpty || context.statistics { out += "\n" }
            out += summaryLine(report) + "\n"
        }
        return out
    }

    /// `0.42`: seconds with two decimals.
    static func seconds(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Whether a line looks like it holds a credential (judged once per line; see
    /// `ExcerptLine.mayHoldSecret`).
    static func looksLikeSecret(_ text: String) -> Bool {
        let lower = text.lowercased()
        for word in ["auth", "password", "passwd", "token", "secret", "dockerconfig", "dockercfg", "credential", "apikey", "api_key"]
        where lower.contains(word) {
            return true
        }
        // A long run of base64 characters (but not an image digest).
        if lower.contains("sha256:") || lower.contains("sha384:") || lower.contains("sha512:") { return false }
        var run = 0
        for scalar in text.unicodeScalars {
            let base64 =
                ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "+" || scalar == "/" || scalar == "=" || scalar == "-" || scalar == "_"
            run = base64 ? run + 1 : 0
            if run >= 24 { return true }
        }
        return false
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

    /// The source lines the findings point at, read again from each input, each line once.
    private func sourceExcerpts(_ report: LintReport, context: ReportContext) -> [String: [Int: ExcerptLine]] {
        var wanted: [String: Set<Int>] = [:]
        for diagnostic in report.diagnostics { wanted[diagnostic.file, default: []].insert(diagnostic.span.start.line) }
        var result: [String: [Int: ExcerptLine]] = [:]
        for input in context.inputs {
            guard let lines = wanted[input.displayName], result[input.displayName] == nil else { continue }
            result[input.displayName] = SourceLines(input).lines(lines).mapValues { ExcerptLine($0, unit: report.columnUnit) }
        }
        return result
    }

    /// The widest excerpt, in terminal cells: a window of the line around the span.
    static let excerptWidth = 120
    /// How much of the line before the span the window shows, at most.
    static let excerptLead = 40

    /// The source line (a window of it around the span, with `…` where it is cut) and a marker
    /// under the span. Unsafe characters are shown escaped and tabs as four spaces, in the line and
    /// in the padding under it, so the marker stays under the right characters. The work is
    /// proportional to the window, not to the line.
    func excerpt(_ line: ExcerptLine, diagnostic: Diagnostic, style: TextStyle) -> String {
        let number = String(diagnostic.span.start.line)
        let gutter = String(repeating: " ", count: number.count)
        // Columns may count UTF-16 units or bytes (`--column-unit`): the window counts characters.
        let start = line.characterIndex(ofColumn: diagnostic.span.start.column)
        let window = line.window(
            start: start,
            length: diagnostic.span.end.line == diagnostic.span.start.line
                ? max(1, line.characterIndex(ofColumn: diagnostic.span.end.column) - start) : Int.max,
            width: Self.excerptWidth, lead: Self.excerptLead)
        var out = " \(style.dim(number + " |")) \(window.text)\n"
        out += " \(style.dim(gutter + " |")) \(window.pad)\(style.marker(window.marker, diagnostic.severity))\n"
        return out
    }
}

/// One source line for excerpts: its characters, and whether it looks like a credential.
struct ExcerptLine {
    let scalars: [Unicode.Scalar]
    let looksLikeSecret: Bool
    /// For columns in UTF-16 units or bytes: the units before each character (and after the
    /// last), to find a column's character by binary search.
    private let unitOffsets: [Int]?

    init(_ text: String, unit: ColumnUnit = .character) {
        scalars = Array(text.unicodeScalars)
        looksLikeSecret = TextReporter.looksLikeSecret(text)
        if unit == .character {
            unitOffsets = nil
        } else {
            var offsets = [0]
            offsets.reserveCapacity(scalars.count + 1)
            for scalar in scalars { offsets.append((offsets.last ?? 0) + unit.width(scalar)) }
            unitOffsets = offsets
        }
    }

    /// The 0-based character index of a 1-based column in the line's unit (past the end of the
    /// line, one unit per character, as `ColumnUnit.column` counts).
    func characterIndex(ofColumn column: Int) -> Int {
        let units = max(0, column - 1)
        guard let offsets = unitOffsets, let total = offsets.last else { return units }
        if units >= total { return scalars.count + (units - total) }
        // The last character that starts at or before `units`.
        var low = 0
        var high = scalars.count
        while low < high {
            let middle = (low + high + 1) / 2
            if offsets[middle] <= units { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Source excerpts never show secret data: lines inside a Secret's data, and, where the parser
    /// could not tell (a syntax error), lines that look like credentials.
    func mayHoldSecret(line: Int, sensitive: [ClosedRange<Int>], unparsed: Bool) -> Bool {
        if sensitive.contains(where: { $0.contains(line) }) { return true }
        // Around a syntax error the parser knows nothing: judge the line itself.
        return unparsed && looksLikeSecret
    }

    /// How a character is shown: tabs as four spaces, unsafe characters escaped.
    static func shown(_ scalar: Unicode.Scalar) -> String {
        if scalar == "\t" { return "    " }
        if DisplayPolicy.isUnsafe(scalar) { return DisplayPolicy.escaped(scalar) }
        return String(scalar)
    }

    /// The terminal cells a character takes as shown.
    static func cells(_ scalar: Unicode.Scalar) -> Int {
        if scalar == "\t" { return 4 }
        if DisplayPolicy.isUnsafe(scalar) { return DisplayPolicy.escaped(scalar).unicodeScalars.count }
        return terminalWidth(scalar)
    }

    /// The part of the line around `start..<start+length` (character indices) that fits in
    /// `width` cells, with at most `lead` cells before the start; the padding and marker to write
    /// under it.
    func window(start: Int, length: Int, width: Int, lead: Int) -> (text: String, pad: String, marker: String) {
        let count = scalars.count
        let first = min(start, count)
        // Back from the start while the lead allows.
        var low = first
        var leadCells = 0
        while low > 0 {
            let cells = Self.cells(scalars[low - 1])
            if leadCells + cells > lead { break }
            leadCells += cells
            low -= 1
        }
        // Forward: the span's first character always, then whatever fits.
        var high = low
        var used = 0
        while high < count {
            let cells = Self.cells(scalars[high])
            if high > first && used + cells > width { break }
            used += cells
            high += 1
        }
        var text = low > 0 ? "…" : ""
        var pad = low > 0 ? " " : ""
        var marked = 0
        let markEnd = length == Int.max ? count : min(count, start + max(1, length))
        for index in low..<high {
            text += Self.shown(scalars[index])
            let cells = Self.cells(scalars[index])
            if index < start {
                pad += String(repeating: " ", count: cells)
            } else if index < markEnd {
                marked += cells
            }
        }
        if high < count { text += "…" }
        // A span at or past the end of the line (a missing value, the end of the file) is marked
        // just after the last character.
        if start > count { pad += String(repeating: " ", count: start - count) }
        return (text, pad, String(repeating: "^", count: max(1, marked)))
    }

    /// Columns a terminal gives a character: 0 for combining marks, 2 for East Asian wide and
    /// full-width characters and emoji, else 1 (an approximation of wcwidth that keeps the
    /// marker aligned for the common cases).
    static func terminalWidth(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x300 { return 1 }
        if (0x300...0x36F).contains(value) || (0x200B...0x200F).contains(value) || value == 0xFE0F { return 0 }
        if (0x1100...0x115F).contains(value) || (0x2E80...0x303E).contains(value) || (0x3041...0x33FF).contains(value)
            || (0x3400...0x4DBF).contains(value) || (0x4E00...0x9FFF).contains(value) || (0xA000...0xA4CF).contains(value)
            || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value)
            || (0xFF00...0xFF60).contains(value) || (0xFFE0...0xFFE6).contains(value) || (0x1F300...0x1F64F).contains(value)
            || (0x1F900...0x1F9FF).contains(value) || (0x20000...0x3FFFD).contains(value)
        {
            return 2
        }
        return 1
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
