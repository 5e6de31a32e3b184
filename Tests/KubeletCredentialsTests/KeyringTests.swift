import Testing

@testable import KubeletCredentials

struct MatchCase: Sendable, CustomTestStringConvertible {
    let key: String
    let image: String
    let expected: Bool
    let why: String

    init(_ key: String, _ image: String, _ expected: Bool, _ why: String = "") {
        self.key = key
        self.image = image
        self.expected = expected
        self.why = why
    }

    var testDescription: String { "\(key) vs \(image) -> \(expected)" }
}

// Expectations follow kubelet's BasicDockerKeyring (pkg/credentialprovider/keyring.go)
// with current Go's url.Parse; every row was also checked against the same
// logic compiled with Go where the Go versions agree.
let matchCases: [MatchCase] = [
    // Schemes
    MatchCase("registry.example.com", "registry.example.com/team/app", true, "plain host"),
    MatchCase("https://registry.example.com", "registry.example.com/team/app", true, "https scheme stripped"),
    MatchCase("http://registry.example.com", "registry.example.com/team/app", true, "http scheme kept but only host is used"),
    MatchCase("https://registry.example.com/", "registry.example.com/team/app", true, "path / means host only"),
    MatchCase(
        "HTTPS://registry.example.com", "registry.example.com/team/app", false, "upper-case scheme is not recognized, https:// is prefixed"),
    MatchCase("ftp://registry.example.com", "registry.example.com/team/app", false, "other schemes become part of the host"),
    MatchCase("https://user:pass@registry.example.com", "registry.example.com/team/app", true, "user information is dropped"),
    MatchCase("", "registry.example.com/team/app", false, "empty key"),
    // Ports
    MatchCase("registry.example.com:5000", "registry.example.com:5000/team/app", true),
    MatchCase("registry.example.com", "registry.example.com:5000/team/app", false, "image has a port, key has none"),
    MatchCase("registry.example.com:5000", "registry.example.com/team/app", false, "key has a port, image has none"),
    MatchCase("registry.example.com:5001", "registry.example.com:5000/team/app", false, "different ports"),
    MatchCase("registry.example.com:443", "registry.example.com/team/app", false, "443 is not the same as no port"),
    MatchCase("registry.example.com:", "registry.example.com/team/app", true, "empty port equals no port"),
    MatchCase("registry.example.com:abc", "registry.example.com/team/app", false, "non-numeric port: url.Parse fails"),
    MatchCase("localhost:5000", "localhost:5000/app", true),
    MatchCase("127.0.0.1:5000", "127.0.0.1:5000/app", true),
    MatchCase("127.0.0.1", "127.0.0.1:5000/app", false),
    MatchCase("https://registry.example.com:5000/v2/", "registry.example.com:5000/team/app", true),
    // Globs
    MatchCase("*.example.com", "a.example.com/x", true, "* matches one label"),
    MatchCase("*.example.com", "a.b.example.com/x", false, "* never spans a dot"),
    MatchCase("*.example.com", "example.com/x", false, "label count differs"),
    MatchCase("*.*.example.com", "a.b.example.com/x", true),
    MatchCase("*.*.example.com", "a.example.com/x", false),
    MatchCase("*.example.com:5000", "a.example.com:5000/x", true),
    MatchCase("*.example.com", "a.example.com:5000/x", false, "ports are never globbed"),
    MatchCase("registry-*.example.com", "registry-7.example.com/x", true),
    MatchCase("a*.example.com", "ab.example.com/x", true),
    MatchCase("*b.example.com", "ab.example.com/x", true),
    MatchCase("*.EXAMPLE.com", "a.example.com/x", false, "case-sensitive"),
    MatchCase("*", "localhost/x", true, "single label"),
    MatchCase("*", "docker.io/library/nginx", false, "two labels"),
    MatchCase("*.io", "docker.io/library/nginx", true, "*.io covers docker.io"),
    MatchCase("*.docker.io", "docker.io/library/nginx", false),
    MatchCase("registry-[0-9].example.com", "registry-1.example.com/x", false, "current Go rejects '[' inside a host"),
    MatchCase("[a-c].example.com", "b.example.com/x", false, "current Go rejects a bracket that is not an IPv6 literal"),
    MatchCase("regis?ry.example.com", "registry.example.com/x", false, "? starts the query: the key becomes regis"),
    MatchCase("regis?ry.example.com", "regis/x", true, "...which then matches the host regis"),
    MatchCase("exa\\mple.com", "example.com/x", false, "backslash is not allowed in a host"),
    // Paths
    MatchCase("registry.example.com/team", "registry.example.com/team/app", true),
    MatchCase("registry.example.com/team", "registry.example.com/team-b/app", true, "string prefix, not path-segment prefix"),
    MatchCase("registry.example.com/team/", "registry.example.com/team-b/app", false),
    MatchCase("registry.example.com/team-a", "registry.example.com/team-b/app", false),
    MatchCase("registry.example.com/team/app", "registry.example.com/team/app", true),
    MatchCase("registry.example.com/team/app/extra", "registry.example.com/team/app", false),
    MatchCase("registry.example.com/Team", "registry.example.com/team/app", false, "paths are case-sensitive"),
    MatchCase("registry.example.com/v2/team", "registry.example.com/team/app", true, "/v2/ prefix stripped"),
    MatchCase("registry.example.com/v1/team", "registry.example.com/team/app", true, "/v1/ prefix stripped"),
    MatchCase("registry.example.com/v2/", "registry.example.com/team/app", true, "/v2/ alone means host only"),
    MatchCase("registry.example.com/v2", "registry.example.com/team/app", false, "/v2 without slash stays a path"),
    MatchCase("registry.example.com/v3/", "registry.example.com/team/app", false, "only v1 and v2 are stripped"),
    MatchCase("registry.example.com/v2/v2/team", "registry.example.com/v2/team/app", true, "only one prefix is stripped"),
    MatchCase("registry.example.com/team%2Fapp", "registry.example.com/team/app", true, "path is percent-decoded"),
    MatchCase("registry.example.com?x=1", "registry.example.com/team/app", true, "query dropped"),
    MatchCase("registry.example.com#frag", "registry.example.com/team/app", true, "fragment dropped"),
    MatchCase("registry.example.com:5000/team", "registry.example.com:5000/team/app", true),
    MatchCase("registry.example.com/%zz", "registry.example.com/team/app", false, "bad escape: url.Parse fails"),
    // Docker Hub
    MatchCase("docker.io", "docker.io/library/nginx", true),
    MatchCase("docker.io", "docker.io/user/app", true),
    MatchCase("https://docker.io", "docker.io/library/nginx", true),
    MatchCase("index.docker.io", "docker.io/library/nginx", true, "Docker Hub fallback"),
    MatchCase("index.docker.io", "docker.io/user/app", true, "Docker Hub fallback"),
    MatchCase("https://index.docker.io/v1/", "docker.io/library/nginx", true, "stored as index.docker.io"),
    MatchCase("https://index.docker.io/v1/", "docker.io/user/app", true),
    MatchCase("https://index.docker.io/v1", "docker.io/library/nginx", false, "stored as index.docker.io/v1"),
    MatchCase("https://index.docker.io/v1", "docker.io/user/app", false),
    MatchCase("index.docker.io/v1/", "docker.io/library/nginx", true),
    MatchCase("https://index.docker.io/v2/", "docker.io/library/nginx", true),
    MatchCase("https://index.docker.io", "docker.io/user/app", true),
    MatchCase("http://index.docker.io/v1/", "docker.io/library/nginx", true),
    MatchCase("registry-1.docker.io", "docker.io/library/nginx", false),
    MatchCase("https://registry-1.docker.io/v2/", "docker.io/user/app", false),
    MatchCase("registry.hub.docker.com", "docker.io/library/nginx", false),
    MatchCase("https://index.docker.io/v1/library/", "docker.io/library/nginx", false, "fallback needs exactly index.docker.io"),
    MatchCase("index.docker.io:443", "docker.io/library/nginx", false),
    MatchCase("Docker.io", "docker.io/library/nginx", false, "case-sensitive"),
    MatchCase("docker.io/library", "docker.io/library/nginx", true),
    MatchCase("docker.io/library", "docker.io/user/app", false),
    MatchCase("docker.io/user", "docker.io/user/app", true),
    MatchCase("index.docker.io", "registry.example.com/team/app", false, "fallback only for Docker Hub images"),
    MatchCase("index.docker.io", "localhost:5000/x", false),
    MatchCase("index.docker.io", "nginx", true, "a bare name counts as Docker Hub"),
    // IPv6
    MatchCase("[::1]:5000", "[::1]:5000/app", true),
    MatchCase("[::1]", "[::1]/app", false, "without a port the bracketed host is a glob character class"),
    MatchCase("[::1]:5000", "[::1]:5001/app", false),
    MatchCase("[2001:db8::1]:443", "[2001:db8::1]:443/app", true),
    MatchCase("[::ffff:10.0.0.1]:5000", "[::ffff:10.0.0.1]:5000/app", true),
    MatchCase("https://[::1]:5000/v2/", "[::1]:5000/app", true),
    MatchCase("[10.0.0.1]:5000", "10.0.0.1:5000/app", false, "current Go rejects IPv4 in brackets"),
    MatchCase("[fe80::1%25en0]:5000", "[fe80::1%25en0]:5000/app", false, "zone is unescaped once and cannot be parsed again"),
    // Case
    MatchCase("Registry.example.com", "registry.example.com/team/app", false),
    MatchCase("registry.example.com", "Registry.example.com/team/app", false),
    // Invalid keys
    MatchCase("registry example.com", "registry.example.com/team/app", false),
    MatchCase("registry.example.com\u{7F}", "registry.example.com/team/app", false),
    MatchCase("host:1:2", "host/x", false),
]

@Test("kubelet keyring matching", arguments: matchCases)
func keyringMatching(_ c: MatchCase) {
    #expect(kubeletMatches(registryKey: c.key, image: c.image) == c.expected, "\(c.why)")
}

struct KeyCase: Sendable, CustomTestStringConvertible {
    let raw: String
    let expected: String?
    var testDescription: String { "\(raw) -> \(expected ?? "nil")" }
}

let keyCases: [KeyCase] = [
    KeyCase(raw: "registry.example.com", expected: "registry.example.com"),
    KeyCase(raw: "https://registry.example.com/", expected: "registry.example.com"),
    KeyCase(raw: "https://index.docker.io/v1/", expected: "index.docker.io"),
    KeyCase(raw: "https://index.docker.io/v1", expected: "index.docker.io/v1"),
    KeyCase(raw: "index.docker.io/v2/", expected: "index.docker.io"),
    KeyCase(raw: "registry.example.com/v2/team", expected: "registry.example.com/team"),
    KeyCase(raw: "registry.example.com/v1/team/", expected: "registry.example.com/team/"),
    KeyCase(raw: "registry.example.com/v3/", expected: "registry.example.com/v3/"),
    KeyCase(raw: "http://registry.example.com:5000", expected: "registry.example.com:5000"),
    KeyCase(raw: "user:pw@registry.example.com", expected: "registry.example.com"),
    KeyCase(raw: "registry.example.com?x", expected: "registry.example.com"),
    KeyCase(raw: "registry.example.com/a%20b", expected: "registry.example.com/a b"),
    KeyCase(raw: "HTTPS://r.example.com", expected: "HTTPS://r.example.com"),
    KeyCase(raw: "[::1]:5000", expected: "[::1]:5000"),
    KeyCase(raw: "registry.example.com:", expected: "registry.example.com:"),
    KeyCase(raw: "", expected: ""),
    KeyCase(raw: "registry example.com", expected: nil),
    KeyCase(raw: "host:abc", expected: nil),
    KeyCase(raw: "registry.example.com/%zz", expected: nil),
    KeyCase(raw: "a[b]", expected: nil),
    KeyCase(raw: "[1.2.3.4]:5000", expected: nil),
    KeyCase(raw: "[::1", expected: nil),
    KeyCase(raw: "exa\\mple.com", expected: nil),
    KeyCase(raw: "a|b.com", expected: nil),
    KeyCase(raw: "registry-[0-9].example.com", expected: nil),
    KeyCase(raw: "host:1:2", expected: nil),
    KeyCase(raw: "x\u{01}", expected: nil),
    KeyCase(raw: "r%41.example.com", expected: nil),
    KeyCase(raw: "r%c3%a9.example.com", expected: "ré.example.com"),
]

@Test("BasicDockerKeyring.Add normalization", arguments: keyCases)
func keyringKeys(_ c: KeyCase) {
    #expect(keyringKey(forRegistryKey: c.raw) == c.expected)
}

@Test func lookupPrefersMostSpecificKeyAndFallsBackToDockerHub() {
    let keys = ["registry.example.com", "registry.example.com/team", "https://index.docker.io/v1/", "ghcr.io"]
    let team = kubeletLookup(keys: keys, image: "registry.example.com/team/app")
    #expect(team.matched)
    #expect(team.matchedKey == "registry.example.com/team")
    #expect(team.offeredKeyringKeys == ["registry.example.com/team", "registry.example.com"])
    #expect(!team.viaDockerHubFallback)

    let hub = kubeletLookup(keys: keys, image: "docker.io/library/nginx")
    #expect(hub.matched)
    #expect(hub.viaDockerHubFallback)
    #expect(hub.matchedKey == "https://index.docker.io/v1/")

    // A key that matches Docker Hub directly disables the fallback.
    let both = kubeletLookup(keys: ["docker.io/library", "index.docker.io"], image: "docker.io/library/nginx")
    #expect(both.offeredKeyringKeys == ["docker.io/library"])
    #expect(!both.viaDockerHubFallback)

    let none = kubeletLookup(keys: keys, image: "quay.io/org/app")
    #expect(!none.matched)
    #expect(none.matchedKey == nil)
    #expect(none.offeredKeyringKeys.isEmpty)
}

@Test func lookupRedactsUserinfo() {
    let match = kubeletLookup(keys: ["https://bob:hunter2@registry.example.com"], image: "registry.example.com/a")
    #expect(match.matched)
    #expect(match.matchedKey == "https://<redacted>@registry.example.com")
}

struct ExplanationCase: Sendable, CustomTestStringConvertible {
    let keys: [String]
    let image: String
    let expected: String
    var testDescription: String { "\(keys) vs \(image)" }
}

let explanationCases: [ExplanationCase] = [
    ExplanationCase(
        keys: ["https://index.docker.io/v1"], image: "docker.io/library/nginx",
        expected: "\"https://index.docker.io/v1\" lacks the trailing slash"),
    ExplanationCase(
        keys: ["registry.example.com"], image: "registry.example.com:5000/team/app",
        expected: "\"registry.example.com\" has no port, the image uses port 5000"),
    ExplanationCase(
        keys: ["registry.example.com:5000"], image: "registry.example.com/team/app",
        expected: "\"registry.example.com:5000\" has port 5000, the image has no port"),
    ExplanationCase(
        keys: ["*.example.com"], image: "a.b.example.com/app",
        expected: "\"*.example.com\" matches one label per *, \"a.b.example.com\" has one label more"),
    ExplanationCase(
        keys: ["*.example.com"], image: "example.com/app",
        expected: "\"example.com\" has one label fewer"),
    ExplanationCase(
        keys: ["registry.example.com/team-a"], image: "registry.example.com/team-b/app",
        expected: "\"registry.example.com/team-a\" is not a prefix of the image path team-b/app"),
    ExplanationCase(
        keys: ["Registry.example.com"], image: "registry.example.com/team/app",
        expected: "\"Registry.example.com\" differs in case (kubelet compares case-sensitively)"),
    ExplanationCase(
        keys: ["ghcr.io"], image: "registry.example.com/team/app",
        expected: "\"ghcr.io\" is a different registry than \"registry.example.com\""),
    ExplanationCase(
        keys: ["registry-1.docker.io"], image: "docker.io/library/nginx",
        expected: "is not a name kubelet recognizes for Docker Hub"),
    ExplanationCase(
        keys: ["example.com"], image: "registry.example.com/app",
        expected: "\"example.com\" does not cover subdomains"),
    ExplanationCase(
        keys: ["registry.example.com/v2"], image: "registry.example.com/team/app",
        expected: "\"registry.example.com/v2\" lacks the trailing slash"),
    ExplanationCase(
        keys: ["registry example.com"], image: "registry.example.com/team/app",
        expected: "is not a valid registry URL"),
    ExplanationCase(
        keys: ["registry.example.com/Team"], image: "registry.example.com/team/app",
        expected: "differs in case from the image path team/app"),
    // The nearest key is chosen: the port mismatch beats a different registry.
    ExplanationCase(
        keys: ["ghcr.io", "quay.io", "registry.example.com"], image: "registry.example.com:5000/team/app",
        expected: "\"registry.example.com\" has no port, the image uses port 5000"),
    ExplanationCase(
        keys: ["quay.io", "https://index.docker.io/v1"], image: "docker.io/user/app",
        expected: "\"https://index.docker.io/v1\" lacks the trailing slash"),
    ExplanationCase(
        keys: ["https://bob:s3cret@registry.example.com"], image: "ghcr.io/a/b",
        expected: "\"https://<redacted>@registry.example.com\" is a different registry than \"ghcr.io\""),
]

@Test("nearest key explanations", arguments: explanationCases)
func explanations(_ c: ExplanationCase) {
    let message = nearestKeyExplanation(keys: c.keys, image: c.image)
    #expect(message?.contains(c.expected) == true, "\(message ?? "nil")")
    if let message {
        #expect(message == message.trimmingSuffixPeriodCheck)
    }
}

@Test func explanationIsNilWhenSomethingMatches() {
    #expect(nearestKeyExplanation(keys: ["registry.example.com"], image: "registry.example.com/a") == nil)
    #expect(nearestKeyExplanation(keys: ["index.docker.io"], image: "docker.io/library/nginx") == nil)
    #expect(nearestKeyExplanation(keys: [], image: "docker.io/library/nginx") == nil)
}

extension String {
    /// The message unchanged if it does not end with a period, else something different.
    var trimmingSuffixPeriodCheck: String { hasSuffix(".") ? String(dropLast()) : self }
}
