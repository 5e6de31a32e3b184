import Testing

@testable import KubeletCredentials

struct JSONCase: Sendable, CustomTestStringConvertible {
    let input: [UInt8]
    let errorOffset: Int?
    let reason: JSONSyntaxError.Reason?

    static func ok(_ s: String) -> JSONCase { JSONCase(input: Array(s.utf8), errorOffset: nil, reason: nil) }
    static func okBytes(_ b: [UInt8]) -> JSONCase { JSONCase(input: b, errorOffset: nil, reason: nil) }
    static func bad(_ s: String, _ offset: Int, _ reason: JSONSyntaxError.Reason) -> JSONCase {
        JSONCase(input: Array(s.utf8), errorOffset: offset, reason: reason)
    }
    static func badBytes(_ b: [UInt8], _ offset: Int, _ reason: JSONSyntaxError.Reason) -> JSONCase {
        JSONCase(input: b, errorOffset: offset, reason: reason)
    }

    var testDescription: String { String(decoding: input.prefix(60), as: UTF8.self).debugDescription }
}

// Acceptance and error positions follow Go's encoding/json scanner (Go's
// SyntaxError.Offset is our offset + 1, or the input length at the end).
let jsonCases: [JSONCase] = [
    .ok("{}"), .ok("[]"), .ok("null"), .ok("true"), .ok("false"), .ok("0"), .ok("-0"), .ok("-0.5e+10"),
    .ok("1E5"), .ok("1e-5"), .ok("123.456"), .ok("\"\""), .ok(" \t\r\n{ \"a\" : [ 1 , 2 ] } \r\n"),
    .ok("{\"a\":{\"b\":{\"c\":[[[{}]]]}}}"), .ok("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\""),
    .ok("{\"a\":1,\"a\":2}"),
    .okBytes(Array("\"".utf8) + [0xFF, 0xFE] + Array("\"".utf8)),  // invalid UTF-8 is replaced, not rejected
    .okBytes(Array("\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"".utf8)),
    .bad("", 0, .unexpectedEndOfInput),
    .bad("   ", 3, .unexpectedEndOfInput),
    .bad("{", 1, .unexpectedEndOfInput),
    .bad("{\"a\":1,}", 7, .trailingComma),
    .bad("[1,]", 3, .trailingComma),
    .bad("[1,,2]", 3, .expectedValue),
    .bad("{'a':1}", 1, .singleQuotedString),
    .bad("'a'", 0, .singleQuotedString),
    .bad("{a:1}", 1, .expectedObjectKey),
    .bad("// c\n{}", 0, .commentNotAllowed),
    .bad("{} // c", 3, .commentNotAllowed),
    .bad("{\"a\":1 /* c */}", 7, .commentNotAllowed),
    .bad("{\"a\" 1}", 5, .expectedColon),
    .bad("{\"a\":1 \"b\":2}", 7, .expectedCommaOrObjectEnd),
    .bad("[1 2]", 3, .expectedCommaOrArrayEnd),
    .bad("{\"a\":1]", 6, .expectedCommaOrObjectEnd),
    .bad("tru", 3, .unexpectedEndOfInput),
    .bad("trux", 3, .invalidLiteral),
    .bad("nul", 3, .unexpectedEndOfInput),
    .bad("True", 0, .expectedValue),
    .bad("01", 1, .leadingZero),
    .bad("-01", 2, .leadingZero),
    .bad("[00]", 2, .leadingZero),
    .bad("-", 1, .unexpectedEndOfInput),
    .bad("-a", 1, .invalidNumber),
    .bad("1.", 2, .unexpectedEndOfInput),
    .bad("1.e5", 2, .invalidNumber),
    .bad("1e", 2, .unexpectedEndOfInput),
    .bad("1e+", 3, .unexpectedEndOfInput),
    .bad("1e+x", 3, .invalidNumber),
    .bad(".5", 0, .expectedValue),
    .bad("+1", 0, .expectedValue),
    .bad("\"abc", 4, .unexpectedEndOfInput),
    .bad("\"a\u{01}b\"", 2, .controlCharacterInString),
    .bad("\"a\tb\"", 2, .controlCharacterInString),
    .bad("\"\\x\"", 2, .invalidEscape),
    .bad("\"\\'\"", 2, .invalidEscape),
    .bad("\"\\u12\"", 5, .invalidUnicodeEscape),
    .bad("\"\\u12g4\"", 5, .invalidUnicodeEscape),
    .bad("\"\\", 2, .unexpectedEndOfInput),
    .bad("{} {}", 3, .dataAfterTopLevelValue),
    .bad("1 2", 2, .dataAfterTopLevelValue),
    .bad("{}x", 2, .dataAfterTopLevelValue),
    .badBytes([0xEF, 0xBB, 0xBF] + Array("{}".utf8), 0, .expectedValue),  // a BOM is not whitespace
    .badBytes(Array("{}".utf8) + [0x0C], 2, .dataAfterTopLevelValue),  // form feed is not whitespace
    .badBytes(Array("[1,".utf8) + [0xA0] + Array("2]".utf8), 3, .expectedValue),  // nor is NBSP
    .bad("NaN", 0, .expectedValue),
    .bad("[Infinity]", 1, .expectedValue),
    .bad("{\"a\":undefined}", 5, .expectedValue),
    .bad("# c\n{}", 0, .commentNotAllowed),
]

@Test("Go encoding/json acceptance", arguments: jsonCases)
func jsonAcceptance(_ c: JSONCase) {
    switch JSONParser.parse(c.input) {
    case .success:
        #expect(c.errorOffset == nil, "expected an error")
    case .failure(let error):
        #expect(error.byteOffset == c.errorOffset, "\(error)")
        #expect(error.reason == c.reason, "\(error)")
        #expect(!error.message.hasSuffix("."))
    }
    #expect((JSONParser.validate(c.input) == nil) == (c.errorOffset == nil))
}

@Test func treeKeepsOffsetsOrderAndDuplicates() throws {
    let text = #"{"b": 1, "a": [true, null, "x\u00e9"], "b": {"k": -2.5e3}}"#
    let root = try JSONParser.parse(Array(text.utf8)).get()
    #expect(root.kind == .object)
    #expect(root.byteOffset == 0)
    #expect(root.byteRange == 0..<text.utf8.count)
    let members = root.members
    #expect(members.map(\.key) == ["b", "a", "b"])
    #expect(members.map(\.keyByteOffset) == [1, 9, 39])
    #expect(members[0].value.numberText == "1")
    #expect(members[0].value.byteOffset == 6)
    let array = members[1].value
    #expect(array.kind == .array)
    #expect(array.count == 3)
    #expect(array.elements.map(\.kind) == [.bool, .null, .string])
    #expect(array.elements[0].boolValue == true)
    #expect(array.elements[2].stringValue == "xé")
    #expect(array.elements[2].byteOffset == 27)
    #expect(members[2].value.members.first?.value.numberText == "-2.5e3")
    #expect(members[2].value.members.first?.keyByteOffset == 45)
}

@Test func stringDecodingFollowsGoUnquote() throws {
    func decode(_ bytes: [UInt8]) throws -> [UInt8] {
        let node = try JSONParser.parse(bytes).get()
        return node.stringBytes ?? []
    }
    let q: [UInt8] = [0x22]
    // Each invalid byte becomes one U+FFFD (Go's utf8.DecodeRune steps one byte).
    #expect(try decode(q + [0xE2, 0x82] + q) == [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD])
    #expect(try decode(q + [0xED, 0xA0, 0x80] + q) == Array(repeating: [0xEF, 0xBF, 0xBD], count: 3).flatMap { $0 })
    #expect(try decode(q + [0xC0, 0xAF] + q) == Array(repeating: [0xEF, 0xBF, 0xBD], count: 2).flatMap { $0 })
    #expect(try decode(q + [0xF0, 0x9F, 0x98, 0x80] + q) == [0xF0, 0x9F, 0x98, 0x80])
    // Surrogate escapes.
    #expect(try decode(Array(#""\ud83d\ude00""#.utf8)) == [0xF0, 0x9F, 0x98, 0x80])
    #expect(try decode(Array(#""\ud800""#.utf8)) == [0xEF, 0xBF, 0xBD])
    #expect(try decode(Array(#""\udc00\ud800x""#.utf8)) == [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0x78])
    #expect(try decode(Array(#""\ud83d\ud83d\ude00""#.utf8)) == [0xEF, 0xBF, 0xBD, 0xF0, 0x9F, 0x98, 0x80])
    #expect(try decode(Array(#""\u0000""#.utf8)) == [0x00])
    #expect(try decode(Array(#""\/""#.utf8)) == [0x2F])
}

@Test func nestingLimitMatchesGo() {
    let ok = Array(String(repeating: "[", count: 10_000).utf8) + Array(String(repeating: "]", count: 10_000).utf8)
    #expect((try? JSONParser.parse(ok).get()) != nil)
    let tooDeep = Array(String(repeating: "[", count: 10_001).utf8) + Array(String(repeating: "]", count: 10_001).utf8)
    guard case .failure(let error) = JSONParser.parse(tooDeep) else {
        Issue.record("expected a depth error")
        return
    }
    #expect(error.byteOffset == 10_000)
    #expect(error.reason == .nestingTooDeep(limit: 10_000))
    // A custom limit.
    let deep = Array(String(repeating: "{\"a\":", count: 513).utf8) + [0x31] + Array(String(repeating: "}", count: 513).utf8)
    guard case .failure(let custom) = JSONParser.parse(deep, maxDepth: 512) else {
        Issue.record("expected a depth error")
        return
    }
    #expect(custom.reason == .nestingTooDeep(limit: 512))
    #expect(custom.message == "nesting is deeper than the maximum of 512")
    #expect((try? JSONParser.parse(deep, maxDepth: 513).get()) != nil)
    // Very deep unclosed input never overflows the stack.
    let unclosed = [UInt8](repeating: 0x5B, count: 1_000_000)
    #expect((try? JSONParser.parse(unclosed).get()) == nil)
}

@Test func errorMessagesNeverQuoteInput() {
    let inputs = ["{\"password\": s3cr3t}", "{\"a\": \"s3cr3t\u{01}\"}", "s3cr3t", "[\"s3cr3t\" \"x\"]", "{\"s3cr3t\" 1}", "\"\\qs3cr3t\""]
    for input in inputs {
        guard case .failure(let error) = JSONParser.parse(Array(input.utf8)) else {
            Issue.record("expected failure for \(input)")
            continue
        }
        for text in [error.message, error.description, String(reflecting: error), "\(error)"] {
            #expect(!text.contains("s3c"))
            #expect(!text.hasSuffix("."))
        }
    }
}

@Test func nodeDescriptionsHideContent() throws {
    let root = try JSONParser.parse(Array(#"{"password": "s3cr3t"}"#.utf8)).get()
    #expect(!String(describing: root).contains("s3cr3t"))
    #expect(!String(reflecting: root).contains("s3cr3t"))
    #expect(!String(describing: root.members).contains("s3cr3t"))
    #expect(!String(reflecting: root.members).contains("s3cr3t"))
}

/// A 2.2 MB secret parses and analyses completely (the time it takes is bench/scale's business, not
/// a test's).
@Test func largeInputParses() throws {
    var s = "{\"auths\": {"
    for i in 0..<20_000 {
        if i > 0 { s += "," }
        s +=
            "\"registry-\(i).example.com:5000/team/\(i)\": {\"auth\": \"dXNlcjpwYXNzd29yZA==\", \"email\": \"x\\u00e9@example.com\", \"n\": [1.5e3, true, null]}"
    }
    s += "}}"
    let large = Array(s.utf8)
    #expect(large.count > 2_000_000)
    let root = try JSONParser.parse(large).get()
    #expect(root.members.first?.value.count == 20_000)
    let analysis = analyzeDockerConfig(large, format: .dockerConfigJSON)
    #expect(analysis.keys.count == 20_000)
    #expect(analysis.isUsable)
}
