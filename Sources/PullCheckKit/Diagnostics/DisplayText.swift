/// Text from a manifest, made safe to show inside a one-line message: control characters (C0,
/// DEL, C1) become `\n`, `\t`, `\r` or `\u{…}`, and a value longer than `limit` characters is cut
/// with `…`. With `keepLineBreaks` (documentation pages), line breaks and tabs stay as they are;
/// with `escapeQuotes`, `"` and `\` are escaped, for a value shown between quotes.
func displayText(_ text: String, limit: Int = Int.max, keepLineBreaks: Bool = false, escapeQuotes: Bool = false) -> String {
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
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\"" where escapeQuotes: out += "\\\""
        case "\\" where escapeQuotes: out += "\\\\"
        default:
            if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

/// `0A`, `FF`: a byte as two upper-case hexadecimal digits.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
}
