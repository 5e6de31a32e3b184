/// pullcheck's one policy for text that comes from input (values, names, namespaces, file names,
/// messages, source excerpts, tool errors) on its way to a human or a CI log.
///
/// A scalar is *unsafe* when a terminal, a log viewer or a line-oriented reader would act on it
/// instead of showing it: C0 controls (U+0000–U+001F, including tab, LF and CR), DEL, C1 controls
/// (U+0080–U+009F, including NEL), the line and paragraph separators U+2028 and U+2029, and the
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder
/// what is shown. `displayText` writes each unsafe scalar escaped — `\n`, `\t`, `\r`, else
/// `\u{…}` in lower-case hexadecimal — and every format uses it for every such field: text,
/// github and junit directly, JSON and SARIF for their message texts (their other string values
/// are escaped by `JSONValue`, as `\u001b`, `\u2028`, `\u202e`).
public enum DisplayPolicy {
    /// Whether `scalar` is never written raw.
    @inlinable @inline(__always)
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        guard value >= 0x2028 else { return false }
        return value == 0x2028 || value == 0x2029 || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    /// Whether `text` holds an unsafe scalar (a fast check, so that safe text is not copied).
    static func needsEscaping(_ text: String) -> Bool {
        enum Verdict { case safe, unsafe, look }
        var copy = text
        let verdict = copy.withUTF8 { bytes -> Verdict in
            for byte in bytes {
                if byte < 0x20 || byte == 0x7F { return .unsafe }
                // C1 controls are C2 80–C2 9F; U+2028–U+202E and U+2066–U+2069 start with E2 80 / E2 81.
                if byte == 0xC2 || byte == 0xE2 { return .look }
            }
            return .safe
        }
        switch verdict {
        case .safe: return false
        case .unsafe: return true
        case .look: return text.unicodeScalars.contains(where: isUnsafe)
        }
    }

    /// How an unsafe scalar is shown.
    public static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\t": return "\\t"
        case "\r": return "\\r"
        default: return "\\u{\(String(scalar.value, radix: 16))}"
        }
    }
}

/// Text from input, made safe to show on one line (see `DisplayPolicy`): unsafe scalars are
/// escaped, and a value longer than `limit` characters is cut with `…`. With `keepLineBreaks`
/// (documentation pages), LF and tab stay as they are; with `escapeQuotes`, `"` and `\` are
/// escaped, for a value shown between quotes.
public func displayText(_ text: String, limit: Int = Int.max, keepLineBreaks: Bool = false, escapeQuotes: Bool = false) -> String {
    if limit == Int.max, !escapeQuotes, !DisplayPolicy.needsEscaping(text) { return text }
    var out = ""
    var count = 0
    for scalar in text.unicodeScalars {
        if count >= limit {
            out += "…"
            break
        }
        count += 1
        switch scalar {
        case "\n" where keepLineBreaks, "\t" where keepLineBreaks: out.unicodeScalars.append(scalar)
        case "\"" where escapeQuotes: out += "\\\""
        case "\\" where escapeQuotes: out += "\\\\"
        default:
            if DisplayPolicy.isUnsafe(scalar) {
                out += DisplayPolicy.escaped(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

/// The line pullcheck writes to standard error for a problem: `pullcheck: error: <text>`, with the
/// text shown by the display policy, so a file name or a value can neither start a new line nor
/// reach the terminal as a control sequence.
public func errorLine(_ text: String) -> String {
    "pullcheck: error: " + displayText(text) + "\n"
}

/// `0A`, `FF`: a byte as two upper-case hexadecimal digits.
public func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
}
