/// What a column counts. pullcheck's own unit is the character (Unicode scalar), as libyaml
/// counts; editors that count otherwise can ask for their unit (`--column-unit`).
public enum ColumnUnit: String, Sendable, CaseIterable {
    /// Unicode scalars: SARIF's `unicodeCodePoints`, flycheck, Emacs.
    case character
    /// UTF-16 code units: VS Code, SARIF's `utf16CodeUnits`, the LSP default.
    case utf16 = "utf-16"
    /// Bytes of UTF-8: Vim's `%c`, ALE, Neovim's LSP client.
    case utf8 = "utf-8"

    /// The width of a scalar in this unit.
    func width(_ scalar: Unicode.Scalar) -> Int {
        switch self {
        case .character: return 1
        case .utf16: return scalar.value > 0xFFFF ? 2 : 1
        case .utf8: return UTF8.width(scalar)
        }
    }

    /// A 1-based character column on `line`, in this unit.
    func column(_ column: Int, on line: String) -> Int {
        guard self != .character, column > 1 else { return column }
        var units = 0
        var remaining = column - 1
        for scalar in line.unicodeScalars {
            guard remaining > 0 else { break }
            units += width(scalar)
            remaining -= 1
        }
        // Past the end of the line (a line break, or the end of the file): one unit each.
        return units + remaining + 1
    }
}

extension LintReport {
    /// The same report with columns in `unit`, read from the inputs' source lines (each file once).
    public func convertingColumns(to unit: ColumnUnit, inputs: [LintInput]) -> LintReport {
        guard unit != .character, !diagnostics.isEmpty else { return self }
        var wanted: [String: Set<Int>] = [:]
        for diagnostic in diagnostics {
            wanted[diagnostic.file, default: []].formUnion([diagnostic.span.start.line, diagnostic.span.end.line])
        }
        var lines: [String: [Int: String]] = [:]
        for input in inputs {
            guard let numbers = wanted[input.displayName], lines[input.displayName] == nil else { continue }
            lines[input.displayName] = SourceLines(input).lines(numbers)
        }
        var report = self
        report.diagnostics = diagnostics.map { diagnostic in
            guard let text = lines[diagnostic.file] else { return diagnostic }
            var span = diagnostic.span
            span.start.column = unit.column(span.start.column, on: text[span.start.line] ?? "")
            span.end.column = unit.column(span.end.column, on: text[span.end.line] ?? "")
            return diagnostic.moved(to: span)
        }
        report.columnUnit = unit
        return report
    }
}
