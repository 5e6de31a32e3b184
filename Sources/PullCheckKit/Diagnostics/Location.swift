/// A position in a source file: 1-based line and 1-based column, where columns count Unicode
/// scalars (characters), as libyaml does. A tab counts as one column.
public struct SourcePosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        lhs.line != rhs.line ? lhs.line < rhs.line : lhs.column < rhs.column
    }

    public var description: String { "\(line):\(column)" }

    /// The start of a file.
    public static let start = SourcePosition(line: 1, column: 1)
}

/// A range in a source file. `end` is exclusive: it is the position just after the last
/// character (SARIF's and LSP's convention).
public struct SourceSpan: Hashable, Sendable, CustomStringConvertible {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end < start ? start : end
    }

    /// A span of `length` characters on one line.
    public init(line: Int, column: Int, length: Int) {
        start = SourcePosition(line: line, column: column)
        end = SourcePosition(line: line, column: column + max(0, length))
    }

    public init(at position: SourcePosition) {
        start = position
        end = position
    }

    public var description: String { "\(start)-\(end)" }

    public func contains(_ position: SourcePosition) -> Bool {
        start <= position && position < end
    }
}
