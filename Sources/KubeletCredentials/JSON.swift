// A strict JSON parser with the acceptance rules of Go's encoding/json
// (RFC 8259; whitespace is space, tab, CR, LF; no comments, trailing commas,
// single quotes, leading zeros or raw control characters in strings; only
// the escapes \" \\ \/ \b \f \n \r \t \uXXXX; nothing but whitespace after
// the top-level value; nesting deeper than 10000 is rejected like Go's
// scanner does).
//
// String contents are decoded like Go's unquote: invalid UTF-8 bytes become
// U+FFFD (one per byte, as utf8.DecodeRune reports them), a valid
// \uD8xx\uDCxx pair becomes one scalar, and a lone surrogate escape becomes
// U+FFFD.
//
// The parser is iterative (no recursion, so no stack overflow on deep input)
// and linear in the input size. The tree is stored in flat arrays; JSONNode
// is a cheap view into them. Every value and every object key keeps its
// 0-based byte offset. Object members stay in source order, duplicates
// included.
//
// Error messages never quote input bytes: the input may hold passwords.

struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    enum Reason: Sendable, Hashable {
        case unexpectedEndOfInput
        case expectedValue
        case singleQuotedString
        case commentNotAllowed
        case trailingComma
        case expectedObjectKey
        case expectedColon
        case expectedCommaOrObjectEnd
        case expectedCommaOrArrayEnd
        case invalidLiteral
        case invalidNumber
        case leadingZero
        case controlCharacterInString
        case invalidEscape
        case invalidUnicodeEscape
        case dataAfterTopLevelValue
        case nestingTooDeep(limit: Int)
    }

    /// 0-based byte offset of the offending byte (the input length for an unexpected end).
    let byteOffset: Int
    let reason: Reason

    init(byteOffset: Int, reason: Reason) {
        self.byteOffset = byteOffset
        self.reason = reason
    }

    /// Lower-case, no trailing period, never quotes the input.
    var message: String {
        switch reason {
        case .unexpectedEndOfInput: return "unexpected end of input"
        case .expectedValue: return "expected a JSON value"
        case .singleQuotedString: return "single-quoted strings are not JSON (use double quotes)"
        case .commentNotAllowed: return "comments are not allowed in JSON"
        case .trailingComma: return "trailing comma is not allowed"
        case .expectedObjectKey: return "expected a double-quoted object key"
        case .expectedColon: return "expected ':' after object key"
        case .expectedCommaOrObjectEnd: return "expected ',' or '}' after object member"
        case .expectedCommaOrArrayEnd: return "expected ',' or ']' after array element"
        case .invalidLiteral: return "invalid literal (expected true, false or null)"
        case .invalidNumber: return "invalid number (expected a digit)"
        case .leadingZero: return "numbers must not have leading zeros"
        case .controlCharacterInString: return "control character in string (it must be escaped)"
        case .invalidEscape: return "invalid escape sequence"
        case .invalidUnicodeEscape: return "invalid \\u escape (expected four hex digits)"
        case .dataAfterTopLevelValue: return "unexpected data after the top-level value"
        case .nestingTooDeep(let limit): return "nesting is deeper than the maximum of \(limit)"
        }
    }

    var description: String { "\(message) at byte \(byteOffset)" }
    var debugDescription: String { "JSONSyntaxError(byteOffset: \(byteOffset), message: \"\(message)\")" }
}

/// Immutable flat storage of a parsed document.
final class JSONStorage: Sendable {
    let kinds: [UInt8]
    let starts: [Int]
    let ends: [Int]
    /// string/number: pool start; bool: 0/1; array/object: first child slot.
    let payloadA: [Int]
    /// string/number: pool length; array/object: child count.
    let payloadB: [Int]
    let childNodes: [Int]
    let childKeyStart: [Int]
    let childKeyLength: [Int]
    let childKeyOffset: [Int]
    let pool: [UInt8]

    init(_ b: JSONBuilder) {
        kinds = b.kinds
        starts = b.starts
        ends = b.ends
        payloadA = b.payloadA
        payloadB = b.payloadB
        childNodes = b.childNodes
        childKeyStart = b.childKeyStart
        childKeyLength = b.childKeyLength
        childKeyOffset = b.childKeyOffset
        pool = b.pool
    }

    func poolBytes(start: Int, length: Int) -> [UInt8] {
        guard start >= 0, length >= 0, start <= pool.count, length <= pool.count - start else { return [] }
        return Array(pool[start..<(start + length)])
    }
}

/// A value in a parsed JSON document. The description never shows content.
struct JSONNode: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    enum Kind: UInt8, Sendable, Hashable {
        case null = 0
        case bool, number, string, array, object
    }

    let storage: JSONStorage
    let index: Int

    init(storage: JSONStorage, index: Int) {
        self.storage = storage
        self.index = index
    }

    var kind: Kind { Kind(rawValue: storage.kinds[index]) ?? .null }
    /// Offset of the first byte of the value.
    var byteOffset: Int { storage.starts[index] }
    /// Bytes of the value in the input (for strings including the quotes).
    var byteRange: Range<Int> { storage.starts[index]..<max(storage.starts[index], storage.ends[index]) }

    var isNull: Bool { kind == .null }
    var boolValue: Bool? { kind == .bool ? storage.payloadA[index] != 0 : nil }

    /// Decoded string bytes (Go unquote semantics; always valid UTF-8).
    var stringBytes: [UInt8]? {
        guard kind == .string else { return nil }
        return storage.poolBytes(start: storage.payloadA[index], length: storage.payloadB[index])
    }

    var stringValue: String? { stringBytes.map { GoText.string($0) } }

    /// The literal text of a number, e.g. "-1.5e3".
    var numberText: String? {
        guard kind == .number else { return nil }
        return GoText.string(storage.poolBytes(start: storage.payloadA[index], length: storage.payloadB[index]))
    }

    /// Number of array elements or object members (0 for scalars).
    var count: Int { (kind == .array || kind == .object) ? storage.payloadB[index] : 0 }

    var elements: [JSONNode] {
        guard kind == .array else { return [] }
        let first = storage.payloadA[index]
        return (0..<count).map { JSONNode(storage: storage, index: storage.childNodes[first + $0]) }
    }

    var members: [JSONObjectMember] {
        guard kind == .object else { return [] }
        let first = storage.payloadA[index]
        return (0..<count).map { i in
            let slot = first + i
            return JSONObjectMember(
                keyBytes: storage.poolBytes(start: storage.childKeyStart[slot], length: storage.childKeyLength[slot]),
                keyByteOffset: storage.childKeyOffset[slot],
                value: JSONNode(storage: storage, index: storage.childNodes[slot]))
        }
    }

    /// Offset of the first number in the whole document that Go's
    /// strconv.ParseFloat rejects as out of range (it rounds to infinity).
    func firstOverflowingNumberOffset() -> Int? {
        for i in storage.kinds.indices where storage.kinds[i] == Kind.number.rawValue {
            let text = GoText.string(storage.poolBytes(start: storage.payloadA[i], length: storage.payloadB[i]))
            if let value = Double(text), !value.isFinite {
                return storage.starts[i]
            }
        }
        return nil
    }

    var description: String { "JSONNode(\(kind), byteOffset: \(byteOffset))" }
    var debugDescription: String { description }
}

struct JSONObjectMember: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Decoded key bytes (Go unquote semantics).
    let keyBytes: [UInt8]
    /// Offset of the opening quote of the key.
    let keyByteOffset: Int
    let value: JSONNode

    var key: String { GoText.string(keyBytes) }

    var description: String { "JSONObjectMember(keyByteOffset: \(keyByteOffset), value: \(value))" }
    var debugDescription: String { description }
}

struct JSONBuilder {
    var kinds: [UInt8] = []
    var starts: [Int] = []
    var ends: [Int] = []
    var payloadA: [Int] = []
    var payloadB: [Int] = []
    var childNodes: [Int] = []
    var childKeyStart: [Int] = []
    var childKeyLength: [Int] = []
    var childKeyOffset: [Int] = []
    var pool: [UInt8] = []

    mutating func addNode(kind: JSONNode.Kind, start: Int, end: Int, a: Int, b: Int) -> Int {
        kinds.append(kind.rawValue)
        starts.append(start)
        ends.append(end)
        payloadA.append(a)
        payloadB.append(b)
        return kinds.count - 1
    }
}

struct JSONParser: Sendable {
    /// Go's encoding/json scanner rejects nesting deeper than this.
    static let goMaxNestingDepth = 10_000

    static func parse(_ bytes: [UInt8]) -> Result<JSONNode, JSONSyntaxError> {
        parse(bytes, maxDepth: goMaxNestingDepth)
    }

    /// Only checks syntax, like Go's json.Valid, without building a tree.
    static func validate(_ bytes: [UInt8], maxDepth: Int = goMaxNestingDepth) -> JSONSyntaxError? {
        var parser = Parser(input: bytes, maxDepth: maxDepth)
        switch parser.run() {
        case .success: return nil
        case .failure(let error): return error
        }
    }

    static func parse(_ bytes: [UInt8], maxDepth: Int) -> Result<JSONNode, JSONSyntaxError> {
        var parser = Parser(input: bytes, maxDepth: maxDepth)
        switch parser.run() {
        case .success(let root):
            let storage = JSONStorage(parser.builder)
            return .success(JSONNode(storage: storage, index: root))
        case .failure(let error):
            return .failure(error)
        }
    }
}

private struct Frame {
    var node: Int
    var isObject: Bool
    var pendingBase: Int
}

private struct Parser {
    let input: [UInt8]
    let maxDepth: Int
    var builder = JSONBuilder()
    var pos = 0
    var frames: [Frame] = []
    // Children collected for open containers (a stack of regions).
    var pendingNode: [Int] = []
    var pendingKeyStart: [Int] = []
    var pendingKeyLength: [Int] = []
    var pendingKeyOffset: [Int] = []
    // Key of the member whose value is parsed next (object context only).
    var keyStart = -1
    var keyLength = 0
    var keyOffset = -1

    init(input: [UInt8], maxDepth: Int) {
        self.input = input
        self.maxDepth = max(1, maxDepth)
    }

    private func fail(_ offset: Int, _ reason: JSONSyntaxError.Reason) -> Result<Int, JSONSyntaxError> {
        .failure(JSONSyntaxError(byteOffset: offset, reason: reason))
    }

    private static func isWS(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        default: return nil
        }
    }

    private mutating func skipWS() {
        while pos < input.count && Parser.isWS(input[pos]) {
            pos += 1
        }
    }

    /// Reason for an unexpected byte where a value should start.
    private func valueStartReason(_ c: UInt8) -> JSONSyntaxError.Reason {
        switch c {
        case UInt8(ascii: "'"): return .singleQuotedString
        case UInt8(ascii: "/"), UInt8(ascii: "#"): return .commentNotAllowed
        default: return .expectedValue
        }
    }

    private mutating func attach(_ node: Int) {
        guard !frames.isEmpty else { return }
        pendingNode.append(node)
        pendingKeyStart.append(keyStart)
        pendingKeyLength.append(keyLength)
        pendingKeyOffset.append(keyOffset)
        keyStart = -1
        keyLength = 0
        keyOffset = -1
    }

    private mutating func closeTop(end: Int) {
        guard let frame = frames.popLast() else { return }
        let base = frame.pendingBase
        let count = pendingNode.count - base
        builder.payloadA[frame.node] = builder.childNodes.count
        builder.payloadB[frame.node] = count
        builder.ends[frame.node] = end
        if count > 0 {
            builder.childNodes.append(contentsOf: pendingNode[base...])
            builder.childKeyStart.append(contentsOf: pendingKeyStart[base...])
            builder.childKeyLength.append(contentsOf: pendingKeyLength[base...])
            builder.childKeyOffset.append(contentsOf: pendingKeyOffset[base...])
            pendingNode.removeSubrange(base...)
            pendingKeyStart.removeSubrange(base...)
            pendingKeyLength.removeSubrange(base...)
            pendingKeyOffset.removeSubrange(base...)
        }
    }

    /// Parses a string literal starting at `pos` (which holds '"'), appending the
    /// decoded bytes to the pool. Returns the pool start; advances `pos` past the
    /// closing quote.
    private mutating func parseString() -> Result<Int, JSONSyntaxError> {
        let n = input.count
        let poolStart = builder.pool.count
        var i = pos + 1
        while true {
            guard i < n else { return fail(n, .unexpectedEndOfInput) }
            let c = input[i]
            if c == 0x22 {
                pos = i + 1
                return .success(poolStart)
            }
            if c == 0x5C {
                guard i + 1 < n else { return fail(n, .unexpectedEndOfInput) }
                let e = input[i + 1]
                switch e {
                case 0x22, 0x5C, 0x2F:
                    builder.pool.append(e)
                    i += 2
                case UInt8(ascii: "b"):
                    builder.pool.append(0x08)
                    i += 2
                case UInt8(ascii: "f"):
                    builder.pool.append(0x0C)
                    i += 2
                case UInt8(ascii: "n"):
                    builder.pool.append(0x0A)
                    i += 2
                case UInt8(ascii: "r"):
                    builder.pool.append(0x0D)
                    i += 2
                case UInt8(ascii: "t"):
                    builder.pool.append(0x09)
                    i += 2
                case UInt8(ascii: "u"):
                    var value: UInt32 = 0
                    for k in 0..<4 {
                        let at = i + 2 + k
                        guard at < n else { return fail(n, .unexpectedEndOfInput) }
                        guard let h = Parser.hexValue(input[at]) else { return fail(at, .invalidUnicodeEscape) }
                        value = value << 4 | h
                    }
                    i += 6
                    if value >= 0xD800 && value <= 0xDFFF {
                        // Go: a valid high+low pair is combined; anything else is U+FFFD
                        // and the following escape is handled on its own.
                        if value < 0xDC00, let low = peekU4(at: i), low >= 0xDC00, low <= 0xDFFF {
                            let combined = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                            GoText.appendRune(combined, to: &builder.pool)
                            i += 6
                        } else {
                            GoText.appendRune(GoText.runeError, to: &builder.pool)
                        }
                    } else {
                        GoText.appendRune(value, to: &builder.pool)
                    }
                default:
                    return fail(i + 1, .invalidEscape)
                }
                continue
            }
            if c < 0x20 {
                return fail(i, .controlCharacterInString)
            }
            if c < 0x80 {
                builder.pool.append(c)
                i += 1
                continue
            }
            let (rune, size) = GoText.decodeRune(input, at: i)
            if rune == GoText.runeError && size <= 1 {
                builder.pool.append(contentsOf: GoText.runeErrorUTF8)
                i += 1
            } else {
                builder.pool.append(contentsOf: input[i..<(i + size)])
                i += size
            }
        }
    }

    /// Go's getu4: a complete, valid "\uXXXX" at `at`, else nil.
    private func peekU4(at: Int) -> UInt32? {
        guard at + 6 <= input.count, input[at] == 0x5C, input[at + 1] == UInt8(ascii: "u") else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            guard let h = Parser.hexValue(input[at + 2 + k]) else { return nil }
            value = value << 4 | h
        }
        return value
    }

    /// Parses an object key and the following ':' (pos at the first byte of the key).
    private mutating func parseKey(afterComma: Bool) -> Result<Void, JSONSyntaxError> {
        let n = input.count
        guard pos < n else { return .failure(JSONSyntaxError(byteOffset: n, reason: .unexpectedEndOfInput)) }
        let c = input[pos]
        if c != 0x22 {
            let reason: JSONSyntaxError.Reason
            switch c {
            case UInt8(ascii: "}") where afterComma: reason = .trailingComma
            case UInt8(ascii: "'"): reason = .singleQuotedString
            case UInt8(ascii: "/"), UInt8(ascii: "#"): reason = .commentNotAllowed
            default: reason = .expectedObjectKey
            }
            return .failure(JSONSyntaxError(byteOffset: pos, reason: reason))
        }
        let offset = pos
        switch parseString() {
        case .failure(let error): return .failure(error)
        case .success(let start):
            keyStart = start
            keyLength = builder.pool.count - start
            keyOffset = offset
        }
        skipWS()
        guard pos < n else { return .failure(JSONSyntaxError(byteOffset: n, reason: .unexpectedEndOfInput)) }
        guard input[pos] == UInt8(ascii: ":") else {
            return .failure(JSONSyntaxError(byteOffset: pos, reason: .expectedColon))
        }
        pos += 1
        return .success(())
    }

    /// Runs the parse; on success returns the root node index.
    mutating func run() -> Result<Int, JSONSyntaxError> {
        let n = input.count
        var expectingValue = true
        var afterArrayComma = false
        var lastNumberEnd = -1
        var root = -1

        while true {
            if expectingValue {
                skipWS()
                guard pos < n else { return fail(n, .unexpectedEndOfInput) }
                let start = pos
                let c = input[pos]
                switch c {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    if frames.count >= maxDepth {
                        return fail(pos, .nestingTooDeep(limit: maxDepth))
                    }
                    let isObject = c == UInt8(ascii: "{")
                    let node = builder.addNode(kind: isObject ? .object : .array, start: start, end: start + 1, a: 0, b: 0)
                    if root < 0 { root = node }
                    attach(node)
                    frames.append(Frame(node: node, isObject: isObject, pendingBase: pendingNode.count))
                    pos += 1
                    skipWS()
                    guard pos < n else { return fail(n, .unexpectedEndOfInput) }
                    let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if input[pos] == close {
                        pos += 1
                        closeTop(end: pos)
                        expectingValue = false
                        continue
                    }
                    if isObject {
                        if case .failure(let error) = parseKey(afterComma: false) { return .failure(error) }
                    }
                    afterArrayComma = false
                    continue
                case 0x22:
                    switch parseString() {
                    case .failure(let error): return .failure(error)
                    case .success(let poolStart):
                        let node = builder.addNode(kind: .string, start: start, end: pos, a: poolStart, b: builder.pool.count - poolStart)
                        if root < 0 { root = node }
                        attach(node)
                    }
                case UInt8(ascii: "-"), 0x30...0x39:
                    var i = pos
                    if input[i] == UInt8(ascii: "-") {
                        i += 1
                        guard i < n else { return fail(n, .unexpectedEndOfInput) }
                    }
                    guard Parser.isDigit(input[i]) else { return fail(i, .invalidNumber) }
                    if input[i] == 0x30 {
                        i += 1
                    } else {
                        while i < n && Parser.isDigit(input[i]) { i += 1 }
                    }
                    if i < n && input[i] == UInt8(ascii: ".") {
                        i += 1
                        guard i < n else { return fail(n, .unexpectedEndOfInput) }
                        guard Parser.isDigit(input[i]) else { return fail(i, .invalidNumber) }
                        while i < n && Parser.isDigit(input[i]) { i += 1 }
                    }
                    if i < n && (input[i] == UInt8(ascii: "e") || input[i] == UInt8(ascii: "E")) {
                        i += 1
                        guard i < n else { return fail(n, .unexpectedEndOfInput) }
                        if input[i] == UInt8(ascii: "+") || input[i] == UInt8(ascii: "-") {
                            i += 1
                            guard i < n else { return fail(n, .unexpectedEndOfInput) }
                        }
                        guard Parser.isDigit(input[i]) else { return fail(i, .invalidNumber) }
                        while i < n && Parser.isDigit(input[i]) { i += 1 }
                    }
                    let poolStart = builder.pool.count
                    builder.pool.append(contentsOf: input[start..<i])
                    let node = builder.addNode(kind: .number, start: start, end: i, a: poolStart, b: i - start)
                    if root < 0 { root = node }
                    attach(node)
                    pos = i
                    lastNumberEnd = i
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    let word: [UInt8]
                    let kind: JSONNode.Kind
                    var truth = 0
                    switch c {
                    case UInt8(ascii: "t"):
                        word = Array("true".utf8)
                        kind = .bool
                        truth = 1
                    case UInt8(ascii: "f"):
                        word = Array("false".utf8)
                        kind = .bool
                    default:
                        word = Array("null".utf8)
                        kind = .null
                    }
                    for k in 1..<word.count {
                        let at = pos + k
                        guard at < n else { return fail(n, .unexpectedEndOfInput) }
                        guard input[at] == word[k] else { return fail(at, .invalidLiteral) }
                    }
                    pos += word.count
                    let node = builder.addNode(kind: kind, start: start, end: pos, a: truth, b: 0)
                    if root < 0 { root = node }
                    attach(node)
                default:
                    if c == UInt8(ascii: "]") && afterArrayComma {
                        return fail(pos, .trailingComma)
                    }
                    return fail(pos, valueStartReason(c))
                }
                expectingValue = false
                afterArrayComma = false
                continue
            }

            // After a complete value.
            if pos == lastNumberEnd && pos < n && Parser.isDigit(input[pos]) {
                return fail(pos, .leadingZero)
            }
            guard let top = frames.last else {
                skipWS()
                if pos < n {
                    let c = input[pos]
                    let reason: JSONSyntaxError.Reason =
                        (c == UInt8(ascii: "/") || c == UInt8(ascii: "#")) ? .commentNotAllowed : .dataAfterTopLevelValue
                    return fail(pos, reason)
                }
                return .success(root)
            }
            skipWS()
            guard pos < n else { return fail(n, .unexpectedEndOfInput) }
            let c = input[pos]
            if c == UInt8(ascii: ",") {
                pos += 1
                skipWS()
                if top.isObject {
                    if case .failure(let error) = parseKey(afterComma: true) { return .failure(error) }
                } else {
                    afterArrayComma = true
                }
                expectingValue = true
                continue
            }
            if (top.isObject && c == UInt8(ascii: "}")) || (!top.isObject && c == UInt8(ascii: "]")) {
                pos += 1
                closeTop(end: pos)
                continue
            }
            if c == UInt8(ascii: "/") || c == UInt8(ascii: "#") {
                return fail(pos, .commentNotAllowed)
            }
            return fail(pos, top.isObject ? .expectedCommaOrObjectEnd : .expectedCommaOrArrayEnd)
        }
    }
}
