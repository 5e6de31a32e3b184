import Testing

@testable import KubeletCredentials

private let password = "s3cr3t-P4ss"

/// Every representation of the credential that must never show up.
private let secrets: [String] = [
    password,
    base64(password),
    base64(password, padded: false),
    base64("user:" + password),
    base64("user:" + password, padded: false),
    base64("u:" + password),
]

/// Inputs that run every problem path with the known password inside.
private func securityInputs() -> [(String, DockerSecretFormat)] {
    let auth = base64("user:" + password)
    let authRaw = base64("user:" + password, padded: false)
    let bare = base64(password)
    let middle = auth.index(auth.startIndex, offsetBy: 8)
    let withBang = String(auth[..<middle]) + "!" + String(auth[middle...])
    let withSpace = String(auth[..<middle]) + " " + String(auth[middle...])
    var inputs: [(String, DockerSecretFormat)] = [
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)", "username": "user", "password": "\#(password)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)"},}}"#, .dockerConfigJSON),
        ("{\"auths\": {\"r.example.com\": {\"password\": \"s3cr3t\u{01}-P4ss\"}}}", .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"password": "s3cr3t\q-P4ss"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"password": s3cr3t-P4ss}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)""#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": \#(auth)}}}"#, .dockerConfigJSON),
        (#""\#(password)""#, .dockerConfigJSON),
        (#"["\#(auth)", "\#(password)"]"#, .dockerCfg),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)"}}, "x": 1e999, "p": "\#(password)"}"#, .dockerConfigJSON),
        (#"{"r.example.com": {"auth": "\#(auth)", "password": "\#(password)"}}"#, .dockerConfigJSON),
        (#"{"credsStore": "\#(password)"}"#, .dockerConfigJSON),
        (#"{"auths": ["\#(auth)"]}"#, .dockerConfigJSON),
        (#"{"auths": "\#(auth)"}"#, .dockerConfigJSON),
        (#"{"auths": {}, "p": "\#(password)"}"#, .dockerConfigJSON),
        (#"{"auths": null, "p": "\#(password)"}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)"}}, "HttpHeaders": {"Authorization": ["Basic \#(auth)"]}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)"}}, "HttpHeaders": "Basic \#(auth)"}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)"}}}"#, .dockerCfg),
        (
            #"{"auths": {"r.example.com": {"auth": "\#(auth)"}, "r.example.com": {"password": "\#(password)", "username": "u"}}}"#,
            .dockerConfigJSON
        ),
        (#"{"auths": {"r.example.com": "\#(auth)"}}"#, .dockerConfigJSON),
        (#"{"r.example.com": ["\#(password)"]}"#, .dockerCfg),
        (#"{"auths": {"r.example.com": {"username": "user", "password": ["\#(password)"]}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"username": {"p": "\#(password)"}, "password": "\#(password)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": ["\#(auth)"]}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(withBang)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(withSpace)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth.dropLast())"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)AAAA"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(authRaw)=x"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(authRaw)="}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(auth)\n"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(bare)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "\#(base64(password, padded: false))"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "Og==", "password": "\#(password)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"identitytoken": "\#(password)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"r.example.com": {"auth": "", "password": "\#(password)", "email": 1}}}"#, .dockerConfigJSON),
        (#"{"auths": {"registry example.com": {"auth": "\#(auth)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"https://user:\#(password)@registry example.com": {"auth": "\#(auth)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"https://user:\#(password)@r.example.com/v1/": {"auth": "\#(auth)"}}}"#, .dockerConfigJSON),
        (#"{"auths": {"user:\#(password)@r.example.com:abc": {"password": "\#(password)"}}}"#, .dockerConfigJSON),
        (#"{"user:\#(password)@r.example.com": {"password": "\#(password)"}}"#, .dockerCfg),
        (#"{"auths": {"r.example.com": null}}"#, .dockerConfigJSON),
        ("", .dockerConfigJSON),
        ("null", .dockerConfigJSON),
    ]
    // Both formats for every input.
    inputs += inputs.map { ($0.0, $0.1 == .dockerCfg ? DockerSecretFormat.dockerConfigJSON : .dockerCfg) }
    return inputs
}

private func assertNoSecret(_ text: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for secret in secrets {
        let chars = Array(secret)
        // Not the secret, and not even a 6-character piece of it.
        let window = min(6, chars.count)
        for start in 0...(chars.count - window) {
            let piece = String(chars[start..<(start + window)])
            if text.contains(piece) {
                Issue.record("credential material \(piece.debugDescription) leaked in \(context)", sourceLocation: sourceLocation)
                return
            }
        }
    }
}

@Test func noCredentialMaterialInAnyOutput() {
    var kindsSeen = Set<DockerConfigProblem.Kind>()
    for (json, format) in securityInputs() {
        let analysis = analyzeDockerConfig(Array(json.utf8), format: format)
        var texts: [String] = [
            String(describing: analysis), String(reflecting: analysis),
            String(describing: analysis.problems), String(reflecting: analysis.problems),
            String(describing: analysis.keys), String(reflecting: analysis.keys),
        ]
        var dumped = ""
        dump(analysis, to: &dumped)
        texts.append(dumped)
        for problem in analysis.problems {
            kindsSeen.insert(problem.kind)
            texts += [
                problem.message, problem.description, problem.debugDescription,
                String(describing: problem), String(reflecting: problem), problem.registryKey ?? "",
            ]
        }
        for key in analysis.keys {
            texts += [key.rawKey, key.keyringKey ?? "", key.description, String(reflecting: key)]
        }
        let rawKeys = analysis.keys.map(\.rawKey)
        for image in ["r.example.com/team/app", "docker.io/library/nginx", "registry.example.com:5000/a"] {
            texts.append(nearestKeyExplanation(keys: rawKeys, image: image) ?? "")
            texts.append(String(reflecting: analysis.lookup(image: image)))
            texts.append(String(reflecting: kubeletLookup(keys: rawKeys, image: image)))
        }
        switch JSONParser.parse(Array(json.utf8)) {
        case .failure(let error):
            texts += [error.message, error.description, String(reflecting: error)]
        case .success(let root):
            texts += [String(describing: root), String(reflecting: root), String(reflecting: root.members)]
        }
        for (i, text) in texts.enumerated() {
            assertNoSecret(text, "output \(i) for \(json.prefix(40).debugDescription)")
        }
    }
    // The inputs exercise every problem kind.
    for kind in DockerConfigProblem.Kind.allCases {
        #expect(kindsSeen.contains(kind), "\(kind) not exercised by the security test")
    }
}

@Test func userinfoIsRedactedEverywhere() {
    let key = "https://user:\(password)@r.example.com"
    #expect(redactUserinfo(key) == "https://<redacted>@r.example.com")
    #expect(redactUserinfo("user:\(password)@r.example.com/x@y") == "<redacted>@r.example.com/x@y")
    #expect(redactUserinfo("r.example.com/a@b") == "r.example.com/a@b")
    assertNoSecret(nearestKeyExplanation(keys: [key], image: "ghcr.io/a/b") ?? "", "explanation")
    assertNoSecret(String(reflecting: kubeletLookup(keys: [key], image: "r.example.com/a")), "lookup")
    #expect(keyringKey(forRegistryKey: key) == "r.example.com")
}

@Test func base64ErrorsCarryNoData() {
    let auth = base64("user:" + password)
    var failures = 0
    for input in [auth + "!", "!" + auth, auth + "=", auth + " " + auth, String(auth.dropLast())] {
        for result in [
            Base64.decodeStd(Array(input.utf8)), Base64.decodeRawStd(Array(input.utf8)), Base64.decodeKubeletAuth(Array(input.utf8)),
        ] {
            if case .failure(let error) = result {
                failures += 1
                assertNoSecret(error.description, "base64 error")
                assertNoSecret(String(reflecting: error), "base64 error")
            }
        }
    }
    // Every input is invalid for the strict decoders at least: the checks above ran.
    #expect(failures >= 10)
}
