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

extension ColumnUnit {
    /// Many 1-based character columns on one line, converted in one pass over the line: the
    /// result maps each of `columns` to this unit. Linear in the line plus the columns (sorted
    /// once), however many findings share the line.
    func columns(_ columns: Set<Int>, on line: String) -> [Int: Int] {
        var result: [Int: Int] = [:]
        result.reserveCapacity(columns.count)
        let sorted = columns.sorted()
        var next = 0
        var character = 1  // the 1-based column of the next scalar
        var units = 0  // units before it
        if self != .character {
            for scalar in line.unicodeScalars {
                while next < sorted.count && sorted[next] <= character {
                    result[sorted[next]] = sorted[next] < 1 ? sorted[next] : units + 1
                    next += 1
                }
                guard next < sorted.count else { break }
                units += width(scalar)
                character += 1
            }
        }
        // Past the end of the line (a line break, or the end of the file): one unit each.
        while next < sorted.count {
            let column = sorted[next]
            result[column] = self == .character || column <= 1 ? column : units + (column - character) + 1
            next += 1
        }
        return result
    }
}
