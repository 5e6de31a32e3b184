// Byte-level text helpers that reproduce the Go standard library behaviour
// kubelet relies on (unicode/utf8.DecodeRune, strings.TrimSpace,
// encoding/json's case folding of field names).

enum GoText {
    static let runeError: UInt32 = 0xFFFD
    static let runeErrorUTF8: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Go's utf8.DecodeRune: invalid or truncated sequences yield (RuneError, 1).
    /// `index` must be < bytes.count.
    static func decodeRune(_ bytes: [UInt8], at index: Int) -> (rune: UInt32, size: Int) {
        let n = bytes.count
        guard index >= 0, index < n else { return (runeError, 0) }
        let b0 = bytes[index]
        if b0 < 0x80 {
            return (UInt32(b0), 1)
        }
        func cont(_ i: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> UInt8? {
            guard i < n else { return nil }
            let b = bytes[i]
            return (b >= lo && b <= hi) ? b : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let b1 = cont(index + 1) else { return (runeError, 1) }
            return (UInt32(b0 & 0x1F) << 6 | UInt32(b1 & 0x3F), 2)
        case 0xE0...0xEF:
            let lo: UInt8 = (b0 == 0xE0) ? 0xA0 : 0x80
            let hi: UInt8 = (b0 == 0xED) ? 0x9F : 0xBF
            guard let b1 = cont(index + 1, lo, hi), let b2 = cont(index + 2) else { return (runeError, 1) }
            return (UInt32(b0 & 0x0F) << 12 | UInt32(b1 & 0x3F) << 6 | UInt32(b2 & 0x3F), 3)
        case 0xF0...0xF4:
            let lo: UInt8 = (b0 == 0xF0) ? 0x90 : 0x80
            let hi: UInt8 = (b0 == 0xF4) ? 0x8F : 0xBF
            guard let b1 = cont(index + 1, lo, hi), let b2 = cont(index + 2), let b3 = cont(index + 3) else {
                return (runeError, 1)
            }
            return (UInt32(b0 & 0x07) << 18 | UInt32(b1 & 0x3F) << 12 | UInt32(b2 & 0x3F) << 6 | UInt32(b3 & 0x3F), 4)
        default:
            return (runeError, 1)
        }
    }

    /// Appends the UTF-8 encoding of a scalar (surrogates and out-of-range values become U+FFFD, like Go's utf8.EncodeRune).
    static func appendRune(_ rune: UInt32, to out: inout [UInt8]) {
        var r = rune
        if (r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF {
            r = runeError
        }
        switch r {
        case 0..<0x80:
            out.append(UInt8(r))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (r >> 6)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (r >> 12)))
            out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (r >> 18)))
            out.append(UInt8(0x80 | ((r >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        }
    }

    /// Go's unicode.IsSpace.
    static func isSpace(_ r: UInt32) -> Bool {
        switch r {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        case 0x2000...0x200A:
            return true
        default:
            return false
        }
    }

    /// Go's strings.TrimSpace on raw bytes.
    static func trimSpace(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var runes: [(start: Int, size: Int, space: Bool)] = []
        var i = 0
        while i < bytes.count {
            let (r, size) = decodeRune(bytes, at: i)
            let step = max(size, 1)
            runes.append((i, step, isSpace(r)))
            i += step
        }
        guard let first = runes.firstIndex(where: { !$0.space }),
            let last = runes.lastIndex(where: { !$0.space })
        else {
            return bytes[bytes.count..<bytes.count]
        }
        let start = runes[first].start
        let end = runes[last].start + runes[last].size
        return bytes[start..<end]
    }

    /// encoding/json (v1) field-name matching: `key` matches the field whose
    /// upper-cased ASCII name is `upperName` either exactly or after folding.
    /// Folding maps a-z to A-Z and every other rune to the smallest rune of
    /// its Unicode simple-fold orbit; the only non-ASCII runes that fold onto
    /// ASCII letters are U+017F (long s -> S) and U+212A (Kelvin sign -> K).
    static func jsonFieldNameMatches(_ key: [UInt8], upperName: [UInt8]) -> Bool {
        var folded: [UInt8] = []
        folded.reserveCapacity(key.count)
        var i = 0
        while i < key.count {
            let c = key[i]
            if c < 0x80 {
                folded.append((c >= 0x61 && c <= 0x7A) ? c - 0x20 : c)
                i += 1
                continue
            }
            let (r, size) = decodeRune(key, at: i)
            switch r {
            case 0x017F: folded.append(UInt8(ascii: "S"))
            case 0x212A: folded.append(UInt8(ascii: "K"))
            default:
                // Never folds onto ASCII; keep a non-ASCII marker so it cannot match.
                folded.append(0xFF)
            }
            i += max(size, 1)
            if folded.count > upperName.count { return false }
        }
        return folded == upperName
    }

    static func lowercasedASCII(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }
    }

    static func string(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: Array(bytes), as: UTF8.self)
    }
}
