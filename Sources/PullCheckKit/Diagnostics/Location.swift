/// A position in a source file: 1-based line and 1-based column, where columns count Unicode
/// scalars (characters), as libyaml does. A tab counts as one column.
struct SourcePosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    var line: Int
    var column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        lhs.line != rhs.line ? lhs.line < rhs.line : lhs.column < rhs.column
    }

    var description: String { "\(line):\(column)" }

    /// The start of a file.
    static let start = SourcePosition(line: 1, column: 1)
}

/// A range in a source file. `end` is exclusive: it is the position just after the last
/// character (SARIF's and LSP's convention).
struct SourceSpan: Hashable, Sendable, CustomStringConvertible {
    var start: SourcePosition
    var end: SourcePosition

    init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end < start ? start : end
    }

    /// A span of `length` characters on one line.
    init(line: Int, column: Int, length: Int) {
        start = SourcePosition(line: line, column: column)
        end = SourcePosition(line: line, column: column + max(0, length))
    }

    init(at position: SourcePosition) {
        start = position
        end = position
    }

    var description: String { "\(start)-\(end)" }

    func contains(_ position: SourcePosition) -> Bool {
        start <= position && position < end
    }
}
