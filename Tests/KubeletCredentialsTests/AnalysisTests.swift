import Testing

@testable import KubeletCredentials

/// Standard base64 (padded) without Foundation.
func base64(_ text: String, padded: Bool = true) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    let bytes = Array(text.utf8)
    var out = ""
    var i = 0
    while i < bytes.count {
        let b0 = UInt32(bytes[i])
        let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
        let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
        let v = b0 << 16 | b1 << 8 | b2
        out.append(alphabet[Int(v >> 18 & 63)])
        out.append(alphabet[Int(v >> 12 & 63)])
        if i + 1 < bytes.count { out.append(alphabet[Int(v >> 6 & 63)]) } else if padded { out += "=" }
        if i + 2 < bytes.count { out.append(alphabet[Int(v & 63)]) } else if padded { out += "=" }
        i += 3
    }
    return out
}

func analyze(_ json: String, _ format: DockerSecretFormat = .dockerConfigJSON) -> DockerConfigAnalysis {
    analyzeDockerConfig(Array(json.utf8), format: format)
}

/// Byte offset of the first occurrence of `marker` in `text` (plus `plus`).
func offset(of marker: String, in text: String, plus: Int = 0) -> Int? {
    let t = Array(text.utf8)
    let m = Array(marker.utf8)
    guard !m.isEmpty, t.count >= m.count else { return nil }
    for i in 0...(t.count - m.count) where Array(t[i..<(i + m.count)]) == m {
        return i + plus
    }
    return nil
}

let okAuth = base64("user:pass")

struct ProblemCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: String
    let format: DockerSecretFormat
    let kind: DockerConfigProblem.Kind
    let effect: KubeletEffect
    let marker: String?
    let plus: Int
    let messageContains: String

    init(
        _ name: String, _ json: String, _ format: DockerSecretFormat = .dockerConfigJSON,
        kind: DockerConfigProblem.Kind, effect: KubeletEffect, at marker: String?, plus: Int = 0, says: String
    ) {
        self.name = name
        self.json = json
        self.format = format
        self.kind = kind
        self.effect = effect
        self.marker = marker
        self.plus = plus
        self.messageContains = says
    }

    var testDescription: String { name }
}

let problemCases: [ProblemCase] = [
    ProblemCase(
        "trailing comma", #"{"auths": {"r.example.com": {"auth": "\#(okAuth)"},}}"#,
        kind: .invalidJSON, effect: .rejectedByAPIServer, at: ",}", plus: 1, says: "not valid JSON: trailing comma is not allowed"),
    ProblemCase(
        "single quotes", "{'auths': {}}",
        kind: .invalidJSON, effect: .rejectedByAPIServer, at: "'", says: "single-quoted"),
    ProblemCase("empty", "", kind: .invalidJSON, effect: .rejectedByAPIServer, at: nil, says: "empty"),
    ProblemCase(
        "huge number", #"{"auths": {"r.example.com": {"auth": "\#(okAuth)"}}, "x": 1e999}"#,
        kind: .numberOutOfRange, effect: .rejectedByAPIServer, at: "1e999", says: "too large"),
    ProblemCase("top-level null", "null", kind: .topLevelNull, effect: .ignoredSilently, at: "null", says: "null"),
    ProblemCase(
        "top-level array", #"["auths"]"#, kind: .topLevelNotObject, effect: .rejectedByAPIServer, at: "[",
        says: "an array, not a JSON object"),
    ProblemCase("top-level string", #" "x""#, kind: .topLevelNotObject, effect: .rejectedByAPIServer, at: "\"", says: "a string"),
    ProblemCase(
        "legacy layout in .dockerconfigjson", #"{"r.example.com": {"auth": "\#(okAuth)"}}"#,
        kind: .missingAuths, effect: .ignoredSilently, at: "{", says: "wrap the registry entries in {\"auths\": ...}"),
    ProblemCase(
        "credsStore only", #"{"credsStore": "desktop"}"#,
        kind: .missingAuths, effect: .ignoredSilently, at: "{", says: "credsStore"),
    ProblemCase(
        "auths is an array", #"{"auths": ["r.example.com"]}"#,
        kind: .authsNotObject, effect: .pullFails, at: "[", says: "\"auths\" is an array, not an object"),
    ProblemCase(
        "auths is a string", #"{"auths": "x"}"#,
        kind: .authsNotObject, effect: .pullFails, at: "\"x\"", says: "a string"),
    ProblemCase("auths empty", #"{"auths": {}}"#, kind: .noEntries, effect: .ignoredSilently, at: "{}", says: "\"auths\" is empty"),
    ProblemCase("auths null", #"{"auths": null}"#, kind: .noEntries, effect: .ignoredSilently, at: "null", says: "\"auths\" is null"),
    ProblemCase(
        "auths nulled by a later duplicate", #"{"auths": {"r.example.com": {"auth": "\#(okAuth)"}}, "Auths": null}"#,
        kind: .noEntries, effect: .ignoredSilently, at: "null", says: "\"auths\" is null"),
    ProblemCase("empty .dockercfg", "{}", .dockerCfg, kind: .noEntries, effect: .ignoredSilently, at: "{", says: "no registry entries"),
    ProblemCase(
        "HttpHeaders value not a string", #"{"auths": {"r.example.com": {"auth": "\#(okAuth)"}}, "HttpHeaders": {"X-A": 5}}"#,
        kind: .httpHeadersInvalid, effect: .pullFails, at: "5}", says: "not a string"),
    ProblemCase(
        "HttpHeaders not an object", #"{"auths": {"r.example.com": {"auth": "\#(okAuth)"}}, "httpheaders": "x"}"#,
        kind: .httpHeadersInvalid, effect: .pullFails, at: "\"x\"", says: "not an object of strings"),
    ProblemCase(
        ".dockercfg with auths wrapper", #"{"auths": {"r.example.com": {"auth": "\#(okAuth)"}}}"#, .dockerCfg,
        kind: .dockerCfgUsesAuthsLayout, effect: .ignoredSilently, at: "\"auths\"", says: "kubernetes.io/dockerconfigjson"),
    ProblemCase(
        "duplicate registry key", #"{"auths": {"r.example.com": {"auth": "\#(okAuth)"}, "r.example.com": {"auth": "\#(okAuth)"}}}"#,
        kind: .duplicateRegistryKey, effect: .ignoredSilently, at: "\"r.example.com\"", says: "keeps only the last entry"),
    ProblemCase(
        "entry is a string", #"{"auths": {"r.example.com": "\#(okAuth)"}}"#,
        kind: .entryNotObject, effect: .pullFails, at: "\"\(okAuth)\"", says: "is a string, not an object"),
    ProblemCase(
        "entry is an array", #"{"r.example.com": []}"#, .dockerCfg,
        kind: .entryNotObject, effect: .pullFails, at: "[]", says: "an array"),
    ProblemCase(
        "password is a number", #"{"auths": {"r.example.com": {"username": "u", "password": 12345}}}"#,
        kind: .fieldNotString, effect: .pullFails, at: "12345", says: "\"password\" of \"r.example.com\" is a number, not a string"),
    ProblemCase(
        "username is an object", #"{"auths": {"r.example.com": {"Username": {}, "password": "p"}}}"#,
        kind: .fieldNotString, effect: .pullFails, at: "{}", says: "\"username\""),
    ProblemCase(
        "email is a boolean", #"{"auths": {"r.example.com": {"auth": "\#(okAuth)", "email": true}}}"#,
        kind: .fieldNotString, effect: .pullFails, at: "true", says: "\"email\""),
    ProblemCase(
        "auth is an array", #"{"auths": {"r.example.com": {"auth": ["x"]}}}"#,
        kind: .authNotString, effect: .pullFails, at: "[", says: "\"auth\" of \"r.example.com\" is an array"),
    ProblemCase(
        "auth with an invalid character (unpadded)", #"{"auths": {"r.example.com": {"auth": "dXNlcjpw!XNz"}}}"#,
        kind: .authInvalidBase64, effect: .pullFails, at: "!", says: "not valid unpadded base64"),
    ProblemCase(
        "auth with a space (padded)", #"{"auths": {"r.example.com": {"auth": "dXNl cjpwYXNzMQ=="}}}"#,
        kind: .authInvalidBase64, effect: .pullFails, at: " cjpw", says: "not valid padded base64"),
    ProblemCase(
        "auth offset through escapes", #"{"auths": {"r.example.com": {"auth": "\u0064XNl!cjpw"}}}"#,
        kind: .authInvalidBase64, effect: .pullFails, at: "!", says: "at character 5 of the value"),
    ProblemCase(
        "auth with padding in the middle", #"{"auths": {"r.example.com": {"auth": "YQ==YQ"}}}"#,
        kind: .authInvalidBase64, effect: .pullFails, at: "==YQ", says: "padding"),
    ProblemCase(
        "auth padded but too short", #"{"auths": {"r.example.com": {"auth": "dXNlcjpwYXNzMQ="}}}"#,
        kind: .authInvalidBase64, effect: .pullFails, at: "\"}}}", says: "padding is missing"),
    ProblemCase(
        "auth without colon", #"{"auths": {"r.example.com": {"auth": "\#(base64("nocolon"))"}}}"#,
        kind: .authMissingColon, effect: .pullFails, at: "\"\(base64("nocolon"))\"", says: "does not decode to user:password"),
    ProblemCase(
        "empty entry", #"{"auths": {"r.example.com": {}}}"#,
        kind: .noCredential, effect: .ignoredSilently, at: "\"r.example.com\"", says: "neither \"auth\" nor \"username\" and \"password\""),
    ProblemCase(
        "null entry", #"{"auths": {"r.example.com": null}}"#,
        kind: .noCredential, effect: .ignoredSilently, at: "\"r.example.com\"", says: "the entry is null"),
    ProblemCase(
        "identity token only", #"{"auths": {"r.example.com": {"identitytoken": "abc"}}}"#,
        kind: .noCredential, effect: .ignoredSilently, at: "\"r.example.com\"", says: "kubelet ignores identitytoken"),
    ProblemCase(
        "auth decodes to empty user and password", #"{"auths": {"r.example.com": {"auth": "Og==", "username": "u", "password": "p"}}}"#,
        kind: .noCredential, effect: .ignoredSilently, at: "\"r.example.com\"", says: "empty username and password"),
    ProblemCase(
        "email only", #"{"r.example.com": {"email": "a@b.c"}}"#, .dockerCfg,
        kind: .noCredential, effect: .ignoredSilently, at: "\"r.example.com\"", says: "no credential"),
    ProblemCase(
        "registry key with a space", #"{"auths": {"registry example.com": {"auth": "\#(okAuth)"}}}"#,
        kind: .invalidRegistryKey, effect: .ignoredSilently, at: "\"registry example.com\"", says: "not allowed in a host name"),
    ProblemCase(
        "registry key with a glob class", #"{"auths": {"registry-[0-9].example.com": {"auth": "\#(okAuth)"}}}"#,
        kind: .invalidRegistryKey, effect: .ignoredSilently, at: "\"registry-", says: "IPv6"),
    ProblemCase(
        "registry key with a bad port", #"{"auths": {"registry.example.com:http": {"auth": "\#(okAuth)"}}}"#,
        kind: .invalidRegistryKey, effect: .ignoredSilently, at: "\"registry.", says: "port is not numeric"),
    ProblemCase(
        "registry key with user information", #"{"auths": {"https://bob:pw@r.example.com": {"auth": "\#(okAuth)"}}}"#,
        kind: .credentialsInRegistryKey, effect: .ignoredSilently, at: "\"https://", says: "user information"),
]

@Test("problem kinds", arguments: problemCases)
func problemKinds(_ c: ProblemCase) throws {
    let analysis = analyze(c.json, c.format)
    let problem = try #require(analysis.problems.first { $0.kind == c.kind }, "\(analysis.problems)")
    #expect(problem.kubeletEffect == c.effect)
    if let marker = c.marker {
        #expect(problem.byteOffset == offset(of: marker, in: c.json, plus: c.plus), "\(problem)")
    } else {
        #expect(problem.byteOffset == 0)
    }
    #expect(problem.message.contains(c.messageContains), "\(problem.message)")
    #expect(!problem.message.hasSuffix("."))
    #expect(problem.message.first.map { !$0.isUppercase } ?? false)
    if c.effect != .ignoredSilently {
        #expect(!analysis.isUsable)
    }
    if c.effect == .pullFails {
        #expect(analysis.failsAllPulls)
    }
}

@Test func everyKindIsCovered() {
    let covered = Set(problemCases.map(\.kind))
    for kind in DockerConfigProblem.Kind.allCases {
        #expect(covered.contains(kind), "\(kind) has no test case")
    }
}

@Test func standardSecretIsUsable() throws {
    let json = #"{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p","auth":"\#(okAuth)","email":"e@x"}}}"#
    let analysis = analyze(json)
    #expect(analysis.problems.isEmpty)
    #expect(analysis.isUsable)
    #expect(!analysis.failsAllPulls)
    let key = try #require(analysis.keys.first)
    #expect(analysis.keys.count == 1)
    #expect(key.rawKey == "https://index.docker.io/v1/")
    #expect(key.keyringKey == "index.docker.io")
    #expect(key.hasCredential)
    #expect(key.byteOffset == 10)
    #expect(analysis.lookup(image: "docker.io/library/nginx").matched)
    #expect(!analysis.lookup(image: "ghcr.io/a/b").matched)
}

@Test func fieldNamesMatchCaseInsensitivelyLikeGo() {
    // "Auths", "AUTHS" and "auth" + U+017F (long s folds to S) all fill `auths`.
    for top in ["Auths", "AUTHS", "auth\u{17F}", "\\u0061uths"] {
        let analysis = analyze(#"{"\#(top)": {"r.example.com": {"USERNAME": "u", "Pa\#u{17F}\#u{17F}word": "p"}}}"#)
        #expect(analysis.problems.isEmpty, "\(top): \(analysis.problems)")
        #expect(analysis.keys.first?.hasCredential == true, "\(top)")
    }
    // U+212A (Kelvin) folds to K but no field has a K; "authz" is unknown.
    let unknown = analyze(#"{"authz": {"r.example.com": {"auth": "\#(okAuth)"}}}"#)
    #expect(unknown.problems.map(\.kind) == [.missingAuths])
}

@Test func unknownFieldsAndNullsAreIgnored() {
    let json =
        #"{"auths": {"r.example.com": {"auth": null, "username": "u", "username": null, "x": [1, {"y": null}], "identitytoken": 7}}, "credsStore": "desktop", "HttpHeaders": {"A": null, "B": "b"}}"#
    let analysis = analyze(json)
    #expect(analysis.problems.isEmpty, "\(analysis.problems)")
    #expect(analysis.keys.first?.hasCredential == true)
    #expect(analysis.isUsable)
}

@Test func authOverridesUsernameAndPassword() {
    let analysis = analyze(#"{"auths": {"r.example.com": {"auth": "\#(base64("bob:"))", "username": "", "password": ""}}}"#)
    #expect(analysis.problems.isEmpty)
    #expect(analysis.keys.first?.hasCredential == true)
}

@Test func authEncodings() {
    let variants = [
        base64("user:pass1"),  // padded
        base64("user:pass1", padded: false),  // unpadded: RawStdEncoding
        base64("u:pw") + "\\n",  // padded, newline (JSON escape) skipped
        "dXNl\\r\\ncjpwYXNz",  // CR/LF (JSON escapes) inside
        base64("user:pass") + "\\n",  // unpadded value with a newline
    ]
    for auth in variants {
        let analysis = analyze(#"{"auths": {"r.example.com": {"auth": "\#(auth)"}}}"#)
        #expect(analysis.problems.isEmpty, "\(auth.debugDescription): \(analysis.problems)")
        #expect(analysis.isUsable)
    }
}

@Test func duplicateAuthsObjectsMerge() {
    let json =
        #"{"auths": {"a.example.com": {"auth": "\#(okAuth)"}, "b.example.com": {}}, "auths": {"b.example.com": {"auth": "\#(okAuth)"}}}"#
    let analysis = analyze(json)
    #expect(analysis.keys.map(\.rawKey) == ["a.example.com", "b.example.com"])
    #expect(analysis.keys.allSatisfy { $0.hasCredential })
    #expect(analysis.problems.map(\.kind) == [.duplicateRegistryKey])
}

@Test func discardedEntriesStillFailDecoding() {
    // Go decodes the first entry (and fails) even though a later one replaces it.
    let json = #"{"auths": {"r.example.com": {"auth": "!!!"}, "r.example.com": {"auth": "\#(okAuth)"}}}"#
    let analysis = analyze(json)
    #expect(analysis.failsAllPulls)
    #expect(analysis.problems.contains { $0.kind == .authInvalidBase64 })
    #expect(analysis.keys.first?.hasCredential == true)
    #expect(!analysis.isUsable)
}

@Test func keysAreListedEvenWhenDecodingFails() {
    let json = #"{"auths": {"a.example.com": {"auth": "\#(okAuth)"}, "b.example.com": 5}}"#
    let analysis = analyze(json)
    #expect(analysis.failsAllPulls)
    #expect(analysis.keys.map(\.rawKey) == ["a.example.com", "b.example.com"])
    #expect(analysis.keys.map(\.hasCredential) == [true, false])
}

@Test func legacyDockercfgIsUsable() {
    let analysis = analyze(#"{"r.example.com:5000": {"auth": "\#(okAuth)", "email": "x@y"}}"#, .dockerCfg)
    #expect(analysis.problems.isEmpty)
    #expect(analysis.isUsable)
    #expect(analysis.keys.first?.keyringKey == "r.example.com:5000")
    #expect(analysis.lookup(image: "r.example.com:5000/team/app").matched)
}

@Test func escapedKeysAreDecoded() {
    let analysis = analyze(#"{"auths": {"r\u002eexample.com\/team": {"auth": "\#(okAuth)"}}}"#)
    #expect(analysis.keys.first?.rawKey == "r.example.com/team")
    #expect(analysis.keys.first?.keyringKey == "r.example.com/team")
}

@Test func userinfoIsRedactedInKeys() {
    let analysis = analyze(#"{"auths": {"https://bob:hunter2@r.example.com/": {"auth": "\#(okAuth)"}}}"#)
    #expect(analysis.keys.first?.rawKey == "https://<redacted>@r.example.com/")
    #expect(analysis.keys.first?.keyringKey == "r.example.com")
    #expect(!analysis.problems.contains { $0.message.contains("hunter2") || ($0.registryKey ?? "").contains("hunter2") })
}

@Test func problemsCarryTheRegistryKey() {
    let analysis = analyze(#"{"auths": {"r.example.com": {"auth": "x!"}}}"#)
    #expect(analysis.problems.first?.registryKey == "r.example.com")
    #expect(analysis.problems.first.map { String(describing: $0) }?.contains("(at byte") == true)
}
