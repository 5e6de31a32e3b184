extension LintReport {
    /// The same report with columns in `unit`, read from the inputs' source lines (each file once,
    /// each line converted once in one pass, however many findings it has).
    public func convertingColumns(to unit: ColumnUnit, inputs: [LintInput]) -> LintReport {
        guard unit != .character, !diagnostics.isEmpty else { return self }
        // The columns wanted on each line of each file.
        var wanted: [String: [Int: Set<Int>]] = [:]
        for diagnostic in diagnostics {
            let span = diagnostic.span
            wanted[diagnostic.file, default: [:]][span.start.line, default: []].insert(span.start.column)
            wanted[diagnostic.file, default: [:]][span.end.line, default: []].insert(span.end.column)
        }
        var converted: [String: [Int: [Int: Int]]] = [:]
        for input in inputs {
            guard let lines = wanted[input.displayName], converted[input.displayName] == nil else { continue }
            let text = SourceLines(input).lines(Set(lines.keys))
            var table: [Int: [Int: Int]] = [:]
            for (number, columns) in lines { table[number] = unit.columns(columns, on: text[number] ?? "") }
            converted[input.displayName] = table
        }
        var report = self
        report.diagnostics = diagnostics.map { diagnostic in
            guard let table = converted[diagnostic.file] else { return diagnostic }
            var span = diagnostic.span
            span.start.column = table[span.start.line]?[span.start.column] ?? span.start.column
            span.end.column = table[span.end.line]?[span.end.column] ?? span.end.column
            return diagnostic.moved(to: span)
        }
        report.columnUnit = unit
        return report
    }
}
