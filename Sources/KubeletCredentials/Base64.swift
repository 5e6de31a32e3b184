// Base64 decoding with the exact acceptance rules of Go's encoding/base64
// StdEncoding (padded) and RawStdEncoding (unpadded), both non-strict:
//
// - the standard alphabet A-Z a-z 0-9 + /
// - CR and LF are skipped anywhere (also between and after the padding)
// - any other byte outside the alphabet is an error
// - StdEncoding requires padding to a multiple of four characters;
//   RawStdEncoding rejects '=' entirely
// - non-zero trailing bits in the last quantum are accepted
//
// The error offsets are the ones Go's CorruptInputError reports.

/// Why a base64 value was rejected. Never carries the data itself.
public struct Base64Error: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    enum Reason: Sendable, Hashable {
        /// A byte outside the base64 alphabet (and not CR, LF or, where allowed, '=').
        case invalidCharacter
        /// '=' in an unpadded (RawStdEncoding) value.
        case unexpectedPadding
        /// '=' where padding cannot be (too early, or a single '=' where "==" is required).
        case incorrectPadding
        /// The padded value ends before its final quantum is complete or padded.
        case missingPadding
        /// A single base64 character is left over at the end; it cannot encode a byte.
        case danglingCharacter
        /// Something other than CR/LF follows the padding.
        case dataAfterPadding
    }

    /// 0-based byte offset into the base64 input, as Go's CorruptInputError reports it.
    public let byteOffset: Int
    let reason: Reason

    init(byteOffset: Int, reason: Reason) {
        self.byteOffset = byteOffset
        self.reason = reason
    }

    /// Lower-case explanation of the reason, without the offset.
    public var reasonText: String {
        switch reason {
        case .invalidCharacter: return "a character outside the base64 alphabet"
        case .unexpectedPadding: return "a padding '=' in unpadded base64"
        case .incorrectPadding: return "misplaced padding '='"
        case .missingPadding: return "the padding is missing or incomplete (padded base64 needs a multiple of 4 characters)"
        case .danglingCharacter: return "a single leftover character at the end (it cannot encode a byte)"
        case .dataAfterPadding: return "data after the padding '='"
        }
    }

    public var description: String { "invalid base64: \(reasonText) at byte \(byteOffset)" }
    public var debugDescription: String { "Base64Error(byteOffset: \(byteOffset), reason: \(reason))" }
}

public enum Base64: Sendable {
    /// Go `base64.StdEncoding.DecodeString` semantics (padding required).
    public static func decodeStd(_ bytes: some Collection<UInt8>) -> Result<[UInt8], Base64Error> {
        decode(Array(bytes), padded: true)
    }

    /// Go `base64.RawStdEncoding.DecodeString` semantics (no padding allowed).
    static func decodeRawStd(_ bytes: some Collection<UInt8>) -> Result<[UInt8], Base64Error> {
        decode(Array(bytes), padded: false)
    }

    /// The choice kubelet makes for the `auth` field of a docker config entry:
    /// `strings.HasSuffix(strings.TrimSpace(field), "=")` selects StdEncoding,
    /// anything else RawStdEncoding. The whole (untrimmed) field is decoded.
    static func kubeletAuthUsesPaddedDecoding(_ bytes: some Collection<UInt8>) -> Bool {
        let trimmed = GoText.trimSpace(Array(bytes))
        return trimmed.last == UInt8(ascii: "=")
    }

    /// Decodes an `auth` field exactly as kubelet's decodeDockerConfigFieldAuth does
    /// before splitting on ':'.
    static func decodeKubeletAuth(_ bytes: some Collection<UInt8>) -> Result<[UInt8], Base64Error> {
        let array = Array(bytes)
        return decode(array, padded: kubeletAuthUsesPaddedDecoding(array))
    }

    // 0xFF marks bytes outside the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, byte) in alphabet.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        return table
    }()

    static func decode(_ src: [UInt8], padded: Bool) -> Result<[UInt8], Base64Error> {
        let table = decodeTable
        let n = src.count
        let pad = UInt8(ascii: "=")
        var out: [UInt8] = []
        out.reserveCapacity(n / 4 * 3 + 3)
        var si = 0

        func isNewline(_ c: UInt8) -> Bool { c == 0x0A || c == 0x0D }

        while si < n {
            // One Go decodeQuantum call.
            var dbuf: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
            var dlen = 4
            var j = 0
            var pendingError: Base64Error? = nil
            quantum: while j < 4 {
                if si == n {
                    if j == 0 {
                        return .success(out)
                    }
                    if j == 1 {
                        return .failure(Base64Error(byteOffset: si - j, reason: .danglingCharacter))
                    }
                    if padded {
                        return .failure(Base64Error(byteOffset: si - j, reason: .missingPadding))
                    }
                    dlen = j
                    break quantum
                }
                let c = src[si]
                si += 1
                let v = table[Int(c)]
                if v != 0xFF {
                    switch j {
                    case 0: dbuf.0 = UInt32(v)
                    case 1: dbuf.1 = UInt32(v)
                    case 2: dbuf.2 = UInt32(v)
                    default: dbuf.3 = UInt32(v)
                    }
                    j += 1
                    continue
                }
                if isNewline(c) {
                    continue
                }
                if !padded || c != pad {
                    let reason: Base64Error.Reason = (c == pad) ? .unexpectedPadding : .invalidCharacter
                    return .failure(Base64Error(byteOffset: si - 1, reason: reason))
                }
                // Padding reached.
                switch j {
                case 0, 1:
                    return .failure(Base64Error(byteOffset: si - 1, reason: .incorrectPadding))
                case 2:
                    // "==" is expected; the first '=' is already consumed.
                    while si < n && isNewline(src[si]) {
                        si += 1
                    }
                    if si == n {
                        return .failure(Base64Error(byteOffset: n, reason: .missingPadding))
                    }
                    if src[si] != pad {
                        return .failure(Base64Error(byteOffset: si - 1, reason: .incorrectPadding))
                    }
                    si += 1
                default:
                    break
                }
                while si < n && isNewline(src[si]) {
                    si += 1
                }
                if si < n {
                    pendingError = Base64Error(byteOffset: si, reason: .dataAfterPadding)
                }
                dlen = j
                break quantum
            }
            let val = dbuf.0 << 18 | dbuf.1 << 12 | dbuf.2 << 6 | dbuf.3
            let b0 = UInt8(truncatingIfNeeded: val >> 16)
            let b1 = UInt8(truncatingIfNeeded: val >> 8)
            let b2 = UInt8(truncatingIfNeeded: val)
            switch dlen {
            case 4:
                out.append(b0)
                out.append(b1)
                out.append(b2)
            case 3:
                out.append(b0)
                out.append(b1)
            case 2:
                out.append(b0)
            default:
                break
            }
            if let pendingError {
                return .failure(pendingError)
            }
        }
        return .success(out)
    }
}
