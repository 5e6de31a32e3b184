/// The part of a position inside a literal block scalar that only the source can tell: the
/// block's indentation. The column of a finding's span counts from the block's content; the
/// linter adds the indentation at the end of the file, reading the needed lines once.
struct BlockIndentation: Sendable, Hashable {
    /// The line and column of the block's header (`|`, `|2`, `|-`).
    let headerLine: Int
    let headerColumn: Int
    /// The column of the key the block belongs to (for `|2`: relative to its mapping).
    let keyColumn: Int
    /// The line of the finding.
    let line: Int
    /// Where to point when the lines cannot be read.
    let fallback: SourceSpan

    var neededLines: ClosedRange<Int> { headerLine...max(headerLine, line) }

    /// The block's indentation, from its header's indicator or its first non-empty line.
    func indentation(_ lines: [Int: String]) -> Int? {
        if let header = lines[headerLine], let indicator = Self.indentationIndicator(header, from: headerColumn) {
            return keyColumn - 1 + indicator
        }
        guard headerLine < line,
            let text = ((headerLine + 1)...line).lazy.compactMap({ lines[$0] }).first(where: { !$0.allSatisfy { $0 == " " } })
        else { return nil }
        return text.unicodeScalars.prefix { $0 == " " }.count
    }

    /// The digit of a block scalar header (`|2`, `|-2`, `|2+`) starting at `column`, if any.
    static func indentationIndicator(_ line: String, from column: Int) -> Int? {
        let header = line.unicodeScalars.dropFirst(max(0, column - 1)).prefix { $0 != " " && $0 != "#" }
        for scalar in header where ("1"..."9").contains(scalar) { return Int(scalar.value - 48) }
        return nil
    }
}
