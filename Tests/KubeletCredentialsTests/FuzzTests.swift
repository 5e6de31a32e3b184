import Testing

@testable import KubeletCredentials

/// SplitMix64: small, deterministic, good enough for fuzzing.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let seeds: [String] = [
    #"{"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwYXNz","email":"a@b"}}}"#,
    #"{"auths":{"registry.example.com:5000/team":{"username":"u","password":"p"},"*.example.com":null}}"#,
    #"{"Auths":{"r":{"auth":"YQ==YQ","identitytoken":"x"}},"HttpHeaders":{"A":"b","C":null}}"#,
    #"{"r.example.com":{"auth":"Og=="},"auths":{"x":{}}}"#,
    #"{"auths":{"[::1]:5000":{"auth":"dXNlcjpwYXNz\n"},"user:pw@h":{"auth":"\u0064XNl"}}}"#,
    #"[1,-0.5e+10,true,false,null,"\ud83d\ude00",{"a":[{}]}]"#,
    #"{"auths":{"a":{"username":1,"password":[],"email":{},"auth":true}}}"#,
    #"{"auths": {"r": {"auth": "dXNlcjpwYXNzMQ="}}, "auths": null}"#,
]

private let mutationBytes: [UInt8] =
    Array(#"{}[]":,0123456789-+.eEtrufalsn \#t\#r\#n\/u"abcAF=!@#%?*[]"#.utf8) + [
        0x00, 0x01, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0xED, 0xF0, 0xFF,
    ]

private func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    var s = input
    let edits = Int.random(in: 1...6, using: &rng)
    for _ in 0..<edits {
        let op = Int.random(in: 0..<10, using: &rng)
        switch op {
        case 0...2 where !s.isEmpty:
            s.remove(at: Int.random(in: 0..<s.count, using: &rng))
        case 3...5:
            let byte = mutationBytes[Int.random(in: 0..<mutationBytes.count, using: &rng)]
            s.insert(byte, at: Int.random(in: 0...s.count, using: &rng))
        case 6...7 where !s.isEmpty:
            s[Int.random(in: 0..<s.count, using: &rng)] = mutationBytes[Int.random(in: 0..<mutationBytes.count, using: &rng)]
        case 8 where s.count > 2:
            // Duplicate a slice.
            let a = Int.random(in: 0..<s.count, using: &rng)
            let b = Int.random(in: a..<min(s.count, a + 16), using: &rng)
            s.insert(contentsOf: s[a...b], at: Int.random(in: 0...s.count, using: &rng))
        default:
            if !s.isEmpty { s.removeSubrange(Int.random(in: 0..<s.count, using: &rng)...) }
        }
    }
    return s
}

private func randomBytes(_ rng: inout SplitMix64, maxLength: Int) -> [UInt8] {
    (0..<Int.random(in: 0...maxLength, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

private let keyPieces = [
    "https://", "http://", "", "registry", ".example.com", "*", "?", "[", "]", "::1", ":5000", ":", "/v1/", "/v2", "/team",
    "%2F", "%zz", "@", "user:pw@", "#f", "?q", " ", "\\", "index.docker.io", "docker.io", "é", "\u{7F}", "[::1]", "[1.2.3.4]", "%25en0",
]
private let imagePieces = [
    "docker.io/library/nginx", "registry.example.com/team/app", "registry.example.com:5000/team/app", "[::1]:5000/a",
    "a.b.example.com/x", "localhost/x", "nginx", "", "/", "é.com/x", "x:y:z/a",
]

private func randomKey(_ rng: inout SplitMix64) -> String {
    (0..<Int.random(in: 0...4, using: &rng)).map { _ in keyPieces[Int.random(in: 0..<keyPieces.count, using: &rng)] }.joined()
}

@Test func randomizedInputsNeverTrap() {
    var rng = SplitMix64(seed: 0x5EED_D0C4_E2C5)
    let seedBytes = seeds.map { Array($0.utf8) }

    // 1. Mutated docker configs through the parser and the analysis.
    for i in 0..<45_000 {
        let input = mutate(seedBytes[i % seedBytes.count], &rng)
        let parsed = JSONParser.parse(input)
        let valid = JSONParser.validate(input) == nil
        if case .success = parsed { #expect(valid) } else { #expect(!valid) }
        if case .failure(let error) = parsed {
            #expect(error.byteOffset >= 0 && error.byteOffset <= input.count)
        }
        let analysis = analyzeDockerConfig(input, format: i % 2 == 0 ? .dockerConfigJSON : .dockerCfg)
        for problem in analysis.problems {
            if let offset = problem.byteOffset {
                #expect(offset >= 0 && offset <= input.count)
            }
            #expect(!problem.message.hasSuffix("."))
        }
        if case .failure = parsed {
            #expect(analysis.problems.map(\.kind) == [.invalidJSON])
        }
        _ = analysis.isUsable
        if i % 10 == 0, let key = analysis.keys.first {
            _ = analysis.lookup(image: "docker.io/library/nginx")
            _ = nearestKeyExplanation(keys: [key.rawKey], image: "registry.example.com/team/app")
        }
    }

    // 2. Random bytes everywhere.
    for i in 0..<15_000 {
        let input = randomBytes(&rng, maxLength: 48)
        _ = JSONParser.parse(input)
        _ = analyzeDockerConfig(input, format: i % 2 == 0 ? .dockerConfigJSON : .dockerCfg)
        for result in [Base64.decodeStd(input), Base64.decodeRawStd(input), Base64.decodeKubeletAuth(input)] {
            if case .failure(let error) = result {
                #expect(error.byteOffset >= 0 && error.byteOffset <= input.count)
            }
        }
        let text = String(decoding: input, as: UTF8.self)
        _ = keyringKey(forRegistryKey: text)
        _ = kubeletMatches(registryKey: text, image: text)
    }

    // 3. Base64-like text with noise.
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n\r =-_!".utf8)
    for _ in 0..<25_000 {
        let input = (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
        let std = Base64.decodeStd(input)
        let raw = Base64.decodeRawStd(input)
        if case .success(let bytes) = std { #expect(bytes.count <= input.count / 4 * 3 + 3) }
        if case .success(let bytes) = raw { #expect(bytes.count <= input.count * 3 / 4 + 1) }
        if !input.contains(UInt8(ascii: "=")), case .success(let a) = std, case .success(let b) = raw {
            #expect(a == b)
        }
        _ = Base64.decodeKubeletAuth(input)
    }

    // 4. Registry keys against images.
    for _ in 0..<20_000 {
        let key = randomKey(&rng)
        let image = imagePieces[Int.random(in: 0..<imagePieces.count, using: &rng)]
        let single = kubeletMatches(registryKey: key, image: image)
        let lookup = kubeletLookup(keys: [key], image: image)
        #expect(single == lookup.matched, "\(key.debugDescription) vs \(image)")
        if !single {
            _ = nearestKeyExplanation(keys: [key, randomKey(&rng)], image: image)
        }
        _ = keyringKey(forRegistryKey: key)
    }
}
