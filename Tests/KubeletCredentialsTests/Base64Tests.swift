import Testing

@testable import KubeletCredentials

struct B64Case: Sendable, CustomTestStringConvertible {
    let input: String
    /// Expected decoded bytes, or nil for an error.
    let decoded: [UInt8]?
    let errorOffset: Int?
    let reason: Base64Error.Reason?

    static func ok(_ input: String, _ decoded: String) -> B64Case {
        B64Case(input: input, decoded: Array(decoded.utf8), errorOffset: nil, reason: nil)
    }

    static func ok(_ input: String, bytes: [UInt8]) -> B64Case {
        B64Case(input: input, decoded: bytes, errorOffset: nil, reason: nil)
    }

    static func bad(_ input: String, _ offset: Int, _ reason: Base64Error.Reason) -> B64Case {
        B64Case(input: input, decoded: nil, errorOffset: offset, reason: reason)
    }

    var testDescription: String { input.debugDescription }
}

// Go's base64.StdEncoding.DecodeString (verified against Go).
let stdCases: [B64Case] = [
    .ok("", ""),
    .ok("dXNlcjpwYXNz", "user:pass"),
    .ok("YQ==", "a"),
    .ok("YWI=", "ab"),
    .ok("YWJj", "abc"),
    .ok("YQ==\n", "a"),
    .ok("YW\r\nJj", "abc"),
    .ok("\n\n", ""),
    .ok("YQ=\n=", "a"),
    .ok("YR==", "a"),  // non-zero trailing bits are accepted
    .ok("YWJjZA==", "abcd"),
    .ok("+/+/", bytes: [0xFB, 0xFF, 0xBF]),
    .ok("////", bytes: [0xFF, 0xFF, 0xFF]),
    .bad("YQ", 0, .missingPadding),
    .bad("YWJ", 0, .missingPadding),
    .bad("Y", 0, .danglingCharacter),
    .bad("YWJjZ", 4, .danglingCharacter),
    .bad("YQ=", 3, .missingPadding),
    .bad("=", 0, .incorrectPadding),
    .bad("Y===", 1, .incorrectPadding),
    .bad("YQ=X", 2, .incorrectPadding),
    .bad("YQ==YQ==", 4, .dataAfterPadding),
    .bad("YQ== ", 4, .dataAfterPadding),
    .bad("YW!j", 2, .invalidCharacter),
    .bad("dXNl cjpw", 4, .invalidCharacter),
    .bad("YW-j", 2, .invalidCharacter),
    .bad("YW_j", 2, .invalidCharacter),
    .bad("\u{E9}", 0, .invalidCharacter),
]

// Go's base64.RawStdEncoding.DecodeString.
let rawCases: [B64Case] = [
    .ok("", ""),
    .ok("dXNlcjpwYXNz", "user:pass"),
    .ok("YQ", "a"),
    .ok("YWI", "ab"),
    .ok("YWJj", "abc"),
    .ok("YW\nI\r", "ab"),
    .ok("YR", "a"),
    .bad("YQ==", 2, .unexpectedPadding),
    .bad("Y", 0, .danglingCharacter),
    .bad("YWJjZ", 4, .danglingCharacter),
    .bad("YW!j", 2, .invalidCharacter),
    .bad("YQ YQ", 2, .invalidCharacter),
]

@Test("StdEncoding", arguments: stdCases)
func stdDecoding(_ c: B64Case) {
    check(Base64.decodeStd(Array(c.input.utf8)), c)
}

@Test("RawStdEncoding", arguments: rawCases)
func rawDecoding(_ c: B64Case) {
    check(Base64.decodeRawStd(Array(c.input.utf8)), c)
}

private func check(_ result: Result<[UInt8], Base64Error>, _ c: B64Case) {
    switch result {
    case .success(let bytes):
        #expect(c.decoded != nil, "unexpected success")
        #expect(bytes == c.decoded)
    case .failure(let error):
        #expect(c.decoded == nil, "unexpected failure \(error)")
        #expect(error.byteOffset == c.errorOffset)
        #expect(error.reason == c.reason)
    }
}

@Test func errorDescriptionCarriesNoData() {
    let secret = "c2VjcmV0!!"
    guard case .failure(let error) = Base64.decodeStd(Array(secret.utf8)) else {
        Issue.record("expected failure")
        return
    }
    #expect(error.byteOffset == 8)
    #expect(!error.description.contains("c2Vj"))
    #expect(!String(reflecting: error).contains("c2Vj"))
    #expect(error.description == "invalid base64: a character outside the base64 alphabet at byte 8")
}

@Test func kubeletAuthEncodingChoice() {
    // strings.HasSuffix(strings.TrimSpace(field), "=") picks the padded decoder.
    #expect(Base64.kubeletAuthUsesPaddedDecoding(Array("YQ==".utf8)))
    #expect(Base64.kubeletAuthUsesPaddedDecoding(Array("YQ==\n".utf8)))
    #expect(Base64.kubeletAuthUsesPaddedDecoding(Array("YQ== \u{A0}".utf8)))
    #expect(!Base64.kubeletAuthUsesPaddedDecoding(Array("YQ".utf8)))
    #expect(!Base64.kubeletAuthUsesPaddedDecoding(Array("YQ=x".utf8)))
    // The whole, untrimmed field is decoded.
    #expect((try? Base64.decodeKubeletAuth(Array("YQ==\n".utf8)).get()) == [0x61])
    #expect((try? Base64.decodeKubeletAuth(Array("YQ".utf8)).get()) == [0x61])
    if case .failure(let error) = Base64.decodeKubeletAuth(Array("YQ== ".utf8)) {
        #expect(error.reason == .dataAfterPadding)
    } else {
        Issue.record("a trailing space is not skipped by the decoder")
    }
    if case .failure(let error) = Base64.decodeKubeletAuth(Array("YQ=Y".utf8)) {
        #expect(error.reason == .unexpectedPadding)
        #expect(error.byteOffset == 2)
    } else {
        Issue.record("'=' inside an unpadded value must fail")
    }
}

@Test func acceptsAnyCollection() {
    let slice = Array("xxYQ==".utf8)[2...]
    #expect((try? Base64.decodeStd(slice).get()) == [0x61])
}
