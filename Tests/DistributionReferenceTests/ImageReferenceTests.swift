import Testing

@testable import DistributionReference

// Table-driven tests of ImageReference against kubelet's behaviour: distribution/reference
// `ParseNormalizedNamed` (regexp.go, normalize.go, reference.go), go-digest validation, and
// `SetDefaults_Container`'s pull policy. The accept/reject decisions and the normalized names
// below were cross-checked against the Go grammar.

// MARK: - Fixtures

/// `count` lowercase hex digits: 0123456789abcdef repeated.
private func hex(_ count: Int) -> String {
    let digits = Array("0123456789abcdef")
    return String((0..<count).map { digits[$0 % 16] })
}

private let hex64 = hex(64)
private let sha256 = "sha256:" + hex(64)
private let sha384 = "sha384:" + hex(96)
private let sha512 = "sha512:" + hex(128)

/// `count` characters of a valid path: "a/" repeated, ending in "a" (count must be odd).
private func slashPath(_ count: Int) -> String {
    String(repeating: "a/", count: count / 2) + "a"
}

private func describe(_ input: String) -> String {
    let scalars = input.unicodeScalars
    var text = String(String.UnicodeScalarView(scalars.prefix(48)))
    if scalars.count > 48 { text += "…(\(scalars.count))" }
    return String(reflecting: text)
}

/// A reference kubelet accepts, with what it normalizes to.
struct ValidReference: Sendable, CustomTestStringConvertible {
    let input: String
    let domain: String
    let path: String
    let tag: String?
    let digest: String?
    let policy: PullPolicy
    var testDescription: String { describe(input) }
}

/// A reference kubelet rejects, with where the parser says it goes wrong.
struct InvalidReference: Sendable, CustomTestStringConvertible {
    let input: String
    let category: ImageReferenceError.Category
    let offset: Int
    let length: Int?
    let message: String?
    var testDescription: String { describe(input) }
}

private func ok(
    _ input: String, _ domain: String, _ path: String, tag: String? = nil, digest: String? = nil, _ policy: PullPolicy
) -> ValidReference {
    ValidReference(input: input, domain: domain, path: path, tag: tag, digest: digest, policy: policy)
}

/// `message`, when given, must be a prefix of the error's message.
private func bad(
    _ input: String, _ category: ImageReferenceError.Category, at offset: Int, length: Int? = nil, message: String? = nil
) -> InvalidReference {
    InvalidReference(input: input, category: category, offset: offset, length: length, message: message)
}

private func check(_ c: ValidReference, sourceLocation: SourceLocation = #_sourceLocation) {
    switch ImageReference.parse(c.input) {
    case .failure(let error):
        Issue.record(
            "expected \(describe(c.input)) to parse, got \(error.category.rawValue) at \(error.offset): \(error.message)",
            sourceLocation: sourceLocation)
    case .success(let reference):
        #expect(reference.domain == c.domain, sourceLocation: sourceLocation)
        #expect(reference.path == c.path, sourceLocation: sourceLocation)
        #expect(reference.tag == c.tag, sourceLocation: sourceLocation)
        #expect(reference.digest?.description == c.digest, sourceLocation: sourceLocation)
        if let digest = reference.digest {
            #expect(digest.algorithm + ":" + digest.hex == c.digest, sourceLocation: sourceLocation)
        }
        let normalized = c.domain + "/" + c.path
        #expect(reference.normalizedName == normalized, sourceLocation: sourceLocation)
        var pull = normalized
        if let tag = c.tag { pull += ":" + tag } else if c.digest == nil { pull += ":latest" }
        if let digest = c.digest { pull += "@" + digest }
        #expect(reference.pullReference == pull, sourceLocation: sourceLocation)
        #expect(reference.defaultPullPolicy == c.policy, sourceLocation: sourceLocation)
        #expect(reference.isPinnedByDigest == (c.digest != nil), sourceLocation: sourceLocation)
        #expect(reference.isDockerHub == (c.domain == "docker.io"), sourceLocation: sourceLocation)
    }
}

private func check(_ c: InvalidReference, sourceLocation: SourceLocation = #_sourceLocation) {
    switch ImageReference.parse(c.input) {
    case .success(let reference):
        Issue.record("expected \(describe(c.input)) to be rejected, got \(reference.pullReference)", sourceLocation: sourceLocation)
    case .failure(let error):
        #expect(error.category == c.category, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.offset == c.offset, "\(error.message)", sourceLocation: sourceLocation)
        if let length = c.length { #expect(error.length == length, "\(error.message)", sourceLocation: sourceLocation) }
        if let message = c.message {
            #expect(error.message.hasPrefix(message), "\(error.message)", sourceLocation: sourceLocation)
        }
        let count = c.input.unicodeScalars.count
        #expect(error.offset >= 0 && error.offset + error.length <= count, sourceLocation: sourceLocation)
        #expect(count == 0 || error.length >= 1, sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    }
}

// MARK: - Tables

private let domainCases: [ValidReference] = [
    ok("example.com/app", "example.com", "app", .always),
    ok("registry.example.com/team/app:1.0", "registry.example.com", "team/app", tag: "1.0", .ifNotPresent),
    ok("a.b/c", "a.b", "c", .always),
    ok("sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", .always),
    ok("sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux", tag: "some-long-tag", .ifNotPresent),
    ok("b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app", tag: "test.example.com", .ifNotPresent),
    ok("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", tag: "xn--n3h.com", .ifNotPresent),
    ok("xn--7o8h.com/myimage:xn--7o8h.com@" + sha512, "xn--7o8h.com", "myimage", tag: "xn--7o8h.com", digest: sha512, .ifNotPresent),
    ok("192.168.1.1/repo", "192.168.1.1", "repo", .always),
    ok("192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", tag: "5050", .ifNotPresent),
    ok("127.0.0.1:5000/docker/docker", "127.0.0.1:5000", "docker/docker", .always),
    ok("1.2.3.4.5/x", "1.2.3.4.5", "x", .always),
    ok("0.0/x", "0.0", "x", .always),
    ok("registry.k8s.io/pause:3.9", "registry.k8s.io", "pause", tag: "3.9", .ifNotPresent),
    ok("quay.io/prometheus/node-exporter:v1.7.0", "quay.io", "prometheus/node-exporter", tag: "v1.7.0", .ifNotPresent),
    ok("ghcr.io/owner/repo/sub/image:sha-abc", "ghcr.io", "owner/repo/sub/image", tag: "sha-abc", .ifNotPresent),
    ok("public.ecr.aws/nginx/nginx:1.25", "public.ecr.aws", "nginx/nginx", tag: "1.25", .ifNotPresent),
    ok(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:prod", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "app", tag: "prod",
        .ifNotPresent),
    ok("mcr.microsoft.com/dotnet/aspnet:8.0", "mcr.microsoft.com", "dotnet/aspnet", tag: "8.0", .ifNotPresent),
    ok("europe-docker.pkg.dev/proj/repo/img@" + sha256, "europe-docker.pkg.dev", "proj/repo/img", digest: sha256, .ifNotPresent),
    ok("gcr.io/distroless/static:latest", "gcr.io", "distroless/static", tag: "latest", .always),
    ok("a-b.c/d", "a-b.c", "d", .always),
    ok("a--b.c/d", "a--b.c", "d", .always),
    ok("a.b.c.d.e.f/g", "a.b.c.d.e.f", "g", .always),
    ok("A.b/c", "A.b", "c", .always),
    ok("EXAMPLE.COM/app", "EXAMPLE.COM", "app", .always),
    ok("Ab.a-b/nginx/a_b:_Za", "Ab.a-b", "nginx/a_b", tag: "_Za", .ifNotPresent),
    // An uppercase first component is taken for a registry host, never a Docker Hub account.
    ok("Foo/bar", "Foo", "bar", .always),
    ok("FOO/bar", "FOO", "bar", .always),
    ok("Docker/docker", "Docker", "docker", .always),
    ok("DOCKER/docker", "DOCKER", "docker", .always),
    ok("Foo/bar:1", "Foo", "bar", tag: "1", .ifNotPresent),
    ok("fooBar/baz", "fooBar", "baz", .always),
    ok("A/b/c", "A", "b/c", .always),
    // Not domain-like: Docker Hub paths.
    ok("foo/bar", "docker.io", "foo/bar", .always),
    ok("test_com/foo", "docker.io", "test_com/foo", .always),
    ok("test-com/foo", "docker.io", "test-com/foo", .always),
    ok("a/b/c/d/e", "docker.io", "a/b/c/d/e", .always),
    // Without a "/", a host name is an official-image name.
    ok("example.com", "docker.io", "library/example.com", .always),
    ok("example.com:1.0", "docker.io", "library/example.com", tag: "1.0", .ifNotPresent),
]

/// The first component has a "." (so it is split off as a domain) but is no valid host, while it
/// is a valid path component: distribution/reference matches the whole name as a path and kubelet
/// accepts it. The domain is the component as written; the name is what kubelet pulls.
private let hostIsPathComponentCases: [ValidReference] = [
    ok("a_b.c/d", "a_b.c", "d", .always),
    ok("my_registry.local/app:1.0", "my_registry.local", "app", tag: "1.0", .ifNotPresent),
    ok("foo_bar.com/x", "foo_bar.com", "x", .always),
    ok("foo__bar.com/x/y@" + sha256, "foo__bar.com", "x/y", digest: sha256, .ifNotPresent),
    ok("io.a_b.index.x1/b0/a", "io.a_b.index.x1", "b0/a", .always),
    ok("a_b.c-a/a_b.c__0/x", "a_b.c-a", "a_b.c__0/x", .always),
    ok("a_b.docker.io/x", "a_b.docker.io", "x", .always),
    ok("a.b_c/d:latest", "a.b_c", "d", tag: "latest", .always),
    ok("a_b.c/" + String(repeating: "x", count: 249), "a_b.c", String(repeating: "x", count: 249), .always),
]

private let domainErrors: [InvalidReference] = [
    bad("-docker.io/docker/docker", .invalidFormat, at: 0, message: "invalid character \"-\" in registry host"),
    bad("docker-.io/x", .invalidFormat, at: 6, message: "registry host label \"docker-\" ends with \"-\""),
    bad("a-.b/c", .invalidFormat, at: 1),
    bad("a..b/c", .invalidFormat, at: 2, message: "registry host has an empty label"),
    bad(".a.b/c", .invalidFormat, at: 0, message: "registry host has an empty label"),
    bad("a.b./c", .invalidFormat, at: 4, message: "registry host has an empty label"),
    bad("a b.c/d", .invalidFormat, at: 1, message: "invalid character a space in registry host"),
    bad("a%b.c/d", .invalidFormat, at: 1),
    bad("a_b.c:5000/d", .invalidFormat, at: 1, message: "invalid character \"_\" in registry host"),
    bad("_a.b/c", .invalidFormat, at: 0),
    bad("a_.b/c", .invalidFormat, at: 1),
    bad("a.b_/c", .invalidFormat, at: 3),
    bad("a__.b/c", .invalidFormat, at: 1),
    bad("a___b.c/d", .invalidFormat, at: 1),
    bad("FOO_BAR/baz", .invalidFormat, at: 0),  // invalid either way; reported as an ALL_CAPS placeholder part
    bad("Foo_bar.com/baz", .invalidFormat, at: 3),
    bad("a_b.c/D", .uppercase, at: 6),
    bad("example.com/", .invalidFormat, at: 11, message: "repository name is missing after the registry host"),
    bad("example.com//app", .invalidFormat, at: 12, message: "repository name has an empty component"),
]

private let portCases: [ValidReference] = [
    ok("localhost:5000/app", "localhost:5000", "app", .always),
    ok("example.com:443/app:tag", "example.com:443", "app", tag: "tag", .ifNotPresent),
    ok("test:5000/repo", "test:5000", "repo", .always),
    ok("test:5000/repo:tag", "test:5000", "repo", tag: "tag", .ifNotPresent),
    ok("test:5000/repo@" + sha256, "test:5000", "repo", digest: sha256, .ifNotPresent),
    ok("test:5000/repo:tag@" + sha256, "test:5000", "repo", tag: "tag", digest: sha256, .ifNotPresent),
    ok("test-com:8080/foo", "test-com:8080", "foo", .always),
    ok("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", .always),
    ok("a:0/b", "a:0", "b", .always),
    ok("a:99999999/b", "a:99999999", "b", .always),
    ok("A:1/b", "A:1", "b", .always),
    ok("192.168.0.1:8/debian", "192.168.0.1:8", "debian", .always),
    ok("docker.io:443/nginx", "docker.io:443", "nginx", .always),
    // With a "/" after it, "name:tag" is a host and port.
    ok("nginx:1/b", "nginx:1", "b", .always),
    // Without a "/", host:port is a name and a tag.
    ok("test.com:5000", "docker.io", "library/test.com", tag: "5000", .ifNotPresent),
    ok("192.168.1.1:5000", "docker.io", "library/192.168.1.1", tag: "5000", .ifNotPresent),
    ok("192.168.0.1:80", "docker.io", "library/192.168.0.1", tag: "80", .ifNotPresent),
    ok("foo_bar.com:8080", "docker.io", "library/foo_bar.com", tag: "8080", .ifNotPresent),
    ok("foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", tag: "8080", .ifNotPresent),
]

private let portErrors: [InvalidReference] = [
    bad("example.com:/app", .invalidFormat, at: 11, message: "registry port after \":\" is empty"),
    bad("example.com:abc/app", .invalidFormat, at: 12, message: "registry port must be a number, not \"abc\""),
    bad("example.com:-1/app", .invalidFormat, at: 12),
    bad("example.com:50a/app", .invalidFormat, at: 14),
    bad("a.b:5000:1/c", .invalidFormat, at: 8, message: "registry port must be a number, not \"5000:1\""),
    bad("fc00::1:5000/debian", .invalidFormat, at: 5),
    bad("localhost:/x", .invalidFormat, at: 9),
    bad("localhost:5000x/x", .invalidFormat, at: 14),
    bad("http:/x", .invalidFormat, at: 4, message: "registry port after \":\" is empty"),
    bad(":5000/app", .invalidFormat, at: 0),
    bad("test:5000/", .invalidFormat, at: 9),
    bad("a:b:c/d", .invalidFormat, at: 2),
]

private let ipv6Cases: [ValidReference] = [
    ok("[2001:db8::1]/repo", "[2001:db8::1]", "repo", .always),
    ok("[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", tag: "tag", .ifNotPresent),
    ok("[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "repo", .always),
    ok("[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", tag: "tag", .ifNotPresent),
    ok("[2001:db8::1]:5000/repo@" + sha256, "[2001:db8::1]:5000", "repo", digest: sha256, .ifNotPresent),
    ok("[2001:db8::1]:5000/repo:tag@" + sha256, "[2001:db8::1]:5000", "repo", tag: "tag", digest: sha256, .ifNotPresent),
    ok("[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo", .always),
    ok("[::1]:5000/repo", "[::1]:5000", "repo", .always),
    ok("[fc00::1]:5000/docker/docker", "[fc00::1]:5000", "docker/docker", .always),
    ok("[fc00:1:2:3:4:5:6:7]:5000/library/debian", "[fc00:1:2:3:4:5:6:7]:5000", "library/debian", .always),
    ok("[ABCD::1]/x", "[ABCD::1]", "x", .always),
    ok("[::]/x/a:LATEST", "[::]", "x/a", tag: "LATEST", .ifNotPresent),
    // Uppercase makes "[AC]" a domain; the brackets match the IPv6 pattern.
    ok("[AC]/nginx", "[AC]", "nginx", .always),
    ok("[:]/x", "[:]", "x", .always),
]

private let ipv6Errors: [InvalidReference] = [
    bad("[fe80::1%eth0]:5000/repo", .invalidFormat, at: 8, message: "invalid IPv6 address in the registry host"),
    bad("[fe80::1%@invalidzone]:5000/repo", .invalidFormat, at: 8),
    bad("[2001:db8:3:4::192.0.2.33]:5000/debian", .invalidFormat, at: 18),
    bad("[g::1]/x", .invalidFormat, at: 1),
    bad("[]:5000/x", .invalidFormat, at: 1),
    bad("[::1/x", .invalidFormat, at: 0, message: "IPv6 address in the registry host has no closing \"]\""),
    bad("[::1]x/y", .invalidFormat, at: 5),
    bad("[::1]:/y", .invalidFormat, at: 5),
    bad("[::1]:ab/y", .invalidFormat, at: 6),
    bad("[2001:db8::1]", .invalidFormat, at: 0),
    bad("[2001:db8::1]:5000", .invalidFormat, at: 0),
    bad("[2001:db8::1]:tag", .invalidFormat, at: 0),
    bad("[fc00::1]", .invalidFormat, at: 0),
    // Neither ".", ":" nor uppercase: a Docker Hub path, where "[" is not allowed.
    bad("[ac]/nginx", .invalidFormat, at: 0),
    bad("[::1]:5000/", .invalidFormat, at: 10),
]

private let localhostCases: [ValidReference] = [
    ok("localhost/app", "localhost", "app", .always),
    ok("localhost/app:1", "localhost", "app", tag: "1", .ifNotPresent),
    ok("localhost/library/app", "localhost", "library/app", .always),
    ok("localhost/a--a", "localhost", "a--a", .always),
    ok("localhost:5000/app:1", "localhost:5000", "app", tag: "1", .ifNotPresent),
    ok("localhost/app@" + sha256, "localhost", "app", digest: sha256, .ifNotPresent),
    ok("localhost.localdomain/app", "localhost.localdomain", "app", .always),
    ok("LOCALHOST/app", "LOCALHOST", "app", .always),
    ok("Localhost/app", "Localhost", "app", .always),
    // Without a "/", "localhost" is an official-image name.
    ok("localhost", "docker.io", "library/localhost", .always),
    ok("localhost:5000", "docker.io", "library/localhost", tag: "5000", .ifNotPresent),
    ok("localhost:latest", "docker.io", "library/localhost", tag: "latest", .always),
    // Only exactly "localhost" is a host.
    ok("localhostx/app", "docker.io", "localhostx/app", .always),
    ok("xlocalhost/app", "docker.io", "xlocalhost/app", .always),
    ok("local-host/app", "docker.io", "local-host/app", .always),
]

private let localhostErrors: [InvalidReference] = [
    bad("localhost/", .invalidFormat, at: 9, message: "repository name is missing after the registry host"),
    bad("localhost//app", .invalidFormat, at: 10),
    bad("localhost/App", .uppercase, at: 10),
    bad("localhost:5000/App", .uppercase, at: 15),
    bad("localhost/-app", .invalidFormat, at: 10),
]

private let uppercaseErrors: [InvalidReference] = [
    bad("Nginx", .uppercase, at: 0, length: 1, message: "repository name must be lowercase: \"Nginx\""),
    bad("nginX", .uppercase, at: 4, message: "repository name must be lowercase: \"nginX\""),
    bad("NGINX", .uppercase, at: 0),
    bad("Nginx:latest", .uppercase, at: 0, message: "repository name must be lowercase: \"Nginx\""),
    bad("library/Nginx:latest", .uppercase, at: 8, message: "repository name must be lowercase: \"Nginx\""),
    bad("docker.io/Library/nginx", .uppercase, at: 10, message: "repository name must be lowercase: \"Library\""),
    bad("example.com/Team/app", .uppercase, at: 12),
    bad("Uppercase:tag", .uppercase, at: 0),
    bad("test:5000/Uppercase/lowercase:tag", .uppercase, at: 10),
    bad("foo/barBaz", .uppercase, at: 7, message: "repository name must be lowercase: \"barBaz\""),
    bad("docker/Docker", .uppercase, at: 7),
    bad("docker.io/docker/Docker", .uppercase, at: 17),
    bad("Foo/Bar", .uppercase, at: 4),
    bad("foo/Bar@" + sha256, .uppercase, at: 4, message: "repository name must be lowercase: \"Bar\""),
    bad("a/B_c", .uppercase, at: 2),
    bad("index.docker.io/Nginx", .uppercase, at: 16),
    bad("foo@SHA256:" + hex64, .uppercase, at: 4, message: "digest algorithm must be lowercase: \"SHA256\""),
    bad("foo@Sha512:" + hex(128), .uppercase, at: 4),
]

/// Tags may have uppercase letters; only the exact tag "latest" means Always.
private let uppercaseTagCases: [ValidReference] = [
    ok("nginx:LATEST", "docker.io", "library/nginx", tag: "LATEST", .ifNotPresent),
    ok("nginx:Latest", "docker.io", "library/nginx", tag: "Latest", .ifNotPresent),
    ok("lowercase:Uppercase", "docker.io", "library/lowercase", tag: "Uppercase", .ifNotPresent),
    ok("example.com:8000/foo:TAG5", "example.com:8000", "foo", tag: "TAG5", .ifNotPresent),
    ok("Foo.com/bar:X", "Foo.com", "bar", tag: "X", .ifNotPresent),
]

private let pathCases: [ValidReference] = [
    ok("a", "docker.io", "library/a", .always),
    ok("0", "docker.io", "library/0", .always),
    ok("a/b", "docker.io", "a/b", .always),
    ok("9/8", "docker.io", "9/8", .always),
    ok("d/docker", "docker.io", "d/docker", .always),
    ok("jess/t", "docker.io", "jess/t", .always),
    ok("a.b", "docker.io", "library/a.b", .always),
    ok("a_b", "docker.io", "library/a_b", .always),
    ok("a__b", "docker.io", "library/a__b", .always),
    ok("a-b", "docker.io", "library/a-b", .always),
    ok("a--b", "docker.io", "library/a--b", .always),
    ok("a---b", "docker.io", "library/a---b", .always),
    ok("a.b.c", "docker.io", "library/a.b.c", .always),
    ok("a_b_c", "docker.io", "library/a_b_c", .always),
    ok("a__b__c", "docker.io", "library/a__b__c", .always),
    ok("a-b.c_d__e", "docker.io", "library/a-b.c_d__e", .always),
    ok("a0.1b_2c__3d-4e--5f", "docker.io", "library/a0.1b_2c__3d-4e--5f", .always),
    ok("dock__er/docker", "docker.io", "dock__er/docker", .always),
    ok("docker-rules/docker", "docker.io", "docker-rules/docker", .always),
    ok("docker---rules/docker", "docker.io", "docker---rules/docker", .always),
    ok("ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", .always),
    ok("test_com", "docker.io", "library/test_com", .always),
    ok("192.168.1.1", "docker.io", "library/192.168.1.1", .always),
    ok("192.168.1.1:tag", "docker.io", "library/192.168.1.1", tag: "tag", .ifNotPresent),
    ok("test.com:tag", "docker.io", "library/test.com", tag: "tag", .ifNotPresent),
    ok(
        "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io",
        "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", .always),
    ok("foo/a.b/c_d/e__f/g-h/i--j", "docker.io", "foo/a.b/c_d/e__f/g-h/i--j", .always),
    ok("example.com/a.b/c_d/e__f/g---h", "example.com", "a.b/c_d/e__f/g---h", .always),
    ok("x/1.0", "docker.io", "x/1.0", .always),
    ok("sha256:" + hex64, "docker.io", "library/sha256", tag: hex64, .ifNotPresent),
]

private let pathErrors: [InvalidReference] = [
    bad("a..b", .invalidFormat, at: 1, length: 2, message: "\"..\" is not a valid separator"),
    bad("a._b", .invalidFormat, at: 1, length: 2, message: "\"._\" is not a valid separator"),
    bad("a_.b", .invalidFormat, at: 1, length: 2),
    bad("a___b", .invalidFormat, at: 1, length: 3, message: "\"___\" is not a valid separator"),
    bad("a____b", .invalidFormat, at: 1, length: 4),
    bad("a_-b", .invalidFormat, at: 1, length: 2),
    bad("a-.b", .invalidFormat, at: 1, length: 2),
    bad("a--_b", .invalidFormat, at: 1, length: 3),
    bad("a.-b", .invalidFormat, at: 1, length: 2),
    bad("a-", .invalidFormat, at: 1, length: 1, message: "repository name component ends with \"-\""),
    bad("a--", .invalidFormat, at: 1, length: 2),
    bad("a.", .invalidFormat, at: 1),
    bad("a_", .invalidFormat, at: 1),
    bad("a__", .invalidFormat, at: 1, length: 2),
    bad("a_/b", .invalidFormat, at: 1),
    bad("a-/b", .invalidFormat, at: 1),
    bad("a.:tag", .invalidFormat, at: 1),
    bad("a-@" + sha256, .invalidFormat, at: 1),
    bad("a.b/c_", .invalidFormat, at: 5),
    bad("_a", .invalidFormat, at: 0, message: "repository name component must start with a lowercase letter or digit"),
    bad("-docker", .invalidFormat, at: 0),
    bad(".a", .invalidFormat, at: 0),
    bad("-docker/docker", .invalidFormat, at: 0),
    bad("docker-/docker", .invalidFormat, at: 6),
    bad("-docker-/docker", .invalidFormat, at: 0),
    bad("____/____", .invalidFormat, at: 0),
    bad("_docker/_docker", .invalidFormat, at: 0),
    // A "." makes the first component a registry host, so these fail as hosts.
    bad("dock..er/docker", .invalidFormat, at: 5, message: "registry host has an empty label"),
    bad("dock_.er/docker", .invalidFormat, at: 4),
    bad("dock-.er/docker", .invalidFormat, at: 4),
    bad("docker/", .invalidFormat, at: 6, message: "repository name ends with \"/\""),
    bad("a/b/", .invalidFormat, at: 3),
    bad("/a", .invalidFormat, at: 0, message: "repository name starts with \"/\""),
    bad("a//b", .invalidFormat, at: 2, message: "repository name has an empty component"),
    bad("docker///docker", .invalidFormat, at: 7),
    bad("docker.io/docker///docker", .invalidFormat, at: 17),
    bad("/", .invalidFormat, at: 0),
    bad(":justtag", .invalidFormat, at: 0, message: "repository name is missing before \":\""),
    bad("@" + sha256, .invalidFormat, at: 0, message: "repository name is missing before \"@\""),
    bad("a+b", .invalidFormat, at: 1, message: "invalid character \"+\" in repository name"),
    bad("a/b+c", .invalidFormat, at: 3),
    bad("aa/asdf$$^/aa", .invalidFormat, at: 7),
    bad("a=b", .invalidFormat, at: 1),
    bad("a,b", .invalidFormat, at: 1),
    bad("a*", .invalidFormat, at: 1),
    bad("a#b", .invalidFormat, at: 1),
    bad("a\\b", .invalidFormat, at: 1),
    bad("a/-b", .invalidFormat, at: 2),
    bad("a/.b", .invalidFormat, at: 2),
    bad("a/_b", .invalidFormat, at: 2),
]

private let libraryCases: [ValidReference] = [
    ok("nginx", "docker.io", "library/nginx", .always),
    ok("nginx:1.25", "docker.io", "library/nginx", tag: "1.25", .ifNotPresent),
    ok("nginx:latest", "docker.io", "library/nginx", tag: "latest", .always),
    ok("library/nginx", "docker.io", "library/nginx", .always),
    ok("library/nginx:1", "docker.io", "library/nginx", tag: "1", .ifNotPresent),
    ok("docker.io/nginx", "docker.io", "library/nginx", .always),
    ok("docker.io/nginx:1", "docker.io", "library/nginx", tag: "1", .ifNotPresent),
    ok("docker.io/nginx@" + sha256, "docker.io", "library/nginx", digest: sha256, .ifNotPresent),
    ok("docker.io/library/nginx", "docker.io", "library/nginx", .always),
    ok("docker.io/library/foo/bar", "docker.io", "library/foo/bar", .always),
    ok("library/foo/bar", "docker.io", "library/foo/bar", .always),
    ok("docker.io/bitnami/redis:7", "docker.io", "bitnami/redis", tag: "7", .ifNotPresent),
    ok("bitnami/redis", "docker.io", "bitnami/redis", .always),
    ok("other/library", "docker.io", "other/library", .always),
    ok("store/foo/bar", "docker.io", "store/foo/bar", .always),
    ok("library", "docker.io", "library/library", .always),
    ok("library/library", "docker.io", "library/library", .always),
    ok("docker.io/library", "docker.io", "library/library", .always),
    ok(
        "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa", "docker.io", "library/busybox",
        tag: "latest", digest: "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa", .always),
    ok(
        "redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c", "docker.io", "library/redis",
        digest: "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c", .ifNotPresent),
    ok("dmcgowan/myapp", "docker.io", "dmcgowan/myapp", .always),
    ok("dbcc1", "docker.io", "library/dbcc1", .always),
    // Other hosts are not Docker Hub, so no "library/".
    ok("registry-1.docker.io/nginx", "registry-1.docker.io", "nginx", .always),
    ok("Docker.io/nginx", "Docker.io", "nginx", .always),
    ok("example.com/nginx", "example.com", "nginx", .always),
    ok("localhost/nginx", "localhost", "nginx", .always),
    ok("docker.io.example.com/nginx", "docker.io.example.com", "nginx", .always),
]

private let indexDockerIOCases: [ValidReference] = [
    ok("index.docker.io/nginx", "docker.io", "library/nginx", .always),
    ok("index.docker.io/nginx:1", "docker.io", "library/nginx", tag: "1", .ifNotPresent),
    ok("index.docker.io/library/nginx:1", "docker.io", "library/nginx", tag: "1", .ifNotPresent),
    ok("index.docker.io/library/debian", "docker.io", "library/debian", .always),
    ok("index.docker.io/docker/docker", "docker.io", "docker/docker", .always),
    ok("index.docker.io/bitnami/redis@" + sha256, "docker.io", "bitnami/redis", digest: sha256, .ifNotPresent),
    ok("index.docker.io/fooo/bar", "docker.io", "fooo/bar", .always),
    ok("index.docker.io/library/ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", .always),
    // Only the exact lowercase host, without a port, is the legacy Docker Hub name.
    ok("INDEX.DOCKER.IO/nginx", "INDEX.DOCKER.IO", "nginx", .always),
    ok("Index.docker.io/nginx", "Index.docker.io", "nginx", .always),
    ok("index.docker.io:443/nginx", "index.docker.io:443", "nginx", .always),
    ok("index.docker.io", "docker.io", "library/index.docker.io", .always),
    ok("index.docker.io:5000", "docker.io", "library/index.docker.io", tag: "5000", .ifNotPresent),
    ok("docker.io", "docker.io", "library/docker.io", .always),
]

private let tag128 = "a" + String(repeating: "b", count: 127)
private let tag129 = "a" + String(repeating: "b", count: 128)

private let tagCases: [ValidReference] = [
    ok("nginx:latest", "docker.io", "library/nginx", tag: "latest", .always),
    ok("nginx:latest1", "docker.io", "library/nginx", tag: "latest1", .ifNotPresent),
    ok("nginx:latest-alpine", "docker.io", "library/nginx", tag: "latest-alpine", .ifNotPresent),
    ok("nginx:_", "docker.io", "library/nginx", tag: "_", .ifNotPresent),
    ok("nginx:_x", "docker.io", "library/nginx", tag: "_x", .ifNotPresent),
    ok("nginx:0", "docker.io", "library/nginx", tag: "0", .ifNotPresent),
    ok("nginx:v1.2.3-rc.1", "docker.io", "library/nginx", tag: "v1.2.3-rc.1", .ifNotPresent),
    ok("nginx:1_0", "docker.io", "library/nginx", tag: "1_0", .ifNotPresent),
    ok("nginx:a.b-c_d", "docker.io", "library/nginx", tag: "a.b-c_d", .ifNotPresent),
    ok("nginx:x...", "docker.io", "library/nginx", tag: "x...", .ifNotPresent),
    ok("nginx:x--", "docker.io", "library/nginx", tag: "x--", .ifNotPresent),
    ok("nginx:_.-", "docker.io", "library/nginx", tag: "_.-", .ifNotPresent),
    ok("nginx:" + tag128, "docker.io", "library/nginx", tag: tag128, .ifNotPresent),
    ok(
        "nginx:_" + String(repeating: "-", count: 127), "docker.io", "library/nginx", tag: "_" + String(repeating: "-", count: 127),
        .ifNotPresent),
    ok("example.com/app:" + tag128, "example.com", "app", tag: tag128, .ifNotPresent),
    ok("nginx:" + tag128 + "@" + sha256, "docker.io", "library/nginx", tag: tag128, digest: sha256, .ifNotPresent),
    ok("localhost:5000/app:v1", "localhost:5000", "app", tag: "v1", .ifNotPresent),
    ok("nginx:latest@" + sha256, "docker.io", "library/nginx", tag: "latest", digest: sha256, .always),
    ok("nginx:Latest@" + sha256, "docker.io", "library/nginx", tag: "Latest", digest: sha256, .ifNotPresent),
    ok("nginx:1.0@" + sha256, "docker.io", "library/nginx", tag: "1.0", digest: sha256, .ifNotPresent),
    ok("nginx@" + sha256, "docker.io", "library/nginx", digest: sha256, .ifNotPresent),
    ok("a/b:" + hex64, "docker.io", "a/b", tag: hex64, .ifNotPresent),
]

private let tagErrors: [InvalidReference] = [
    bad("nginx:", .invalidFormat, at: 5, message: "tag after \":\" is empty"),
    bad("nginx:@" + sha256, .invalidFormat, at: 5, message: "tag after \":\" is empty"),
    bad("nginx:.x", .invalidFormat, at: 6, message: "tag must start with a letter, digit or underscore, not \".\""),
    bad("nginx:-x", .invalidFormat, at: 6, message: "tag must start with a letter, digit or underscore, not \"-\""),
    bad("nginx: 1", .invalidFormat, at: 6, message: "tag must start with a letter, digit or underscore, not a space"),
    bad("nginx:a:b", .invalidFormat, at: 7, message: "invalid character \":\" in tag"),
    bad("nginx:1.0:2.0", .invalidFormat, at: 9),
    // With a "/" after it, "nginx:a" is a host and port, not a name and tag.
    bad("nginx:a/b", .invalidFormat, at: 6, message: "registry port must be a number, not \"a\""),
    bad("nginx:a b", .invalidFormat, at: 7),
    bad("nginx:a+b", .invalidFormat, at: 7),
    bad("nginx:a~b", .invalidFormat, at: 7),
    bad("nginx:tag@", .invalidDigest, at: 9, message: "digest after \"@\" is empty"),
    bad("nginx:" + tag129, .tagTooLong, at: 6, length: 129, message: "tag is 129 characters long; the limit is 128"),
    bad("nginx:" + tag129 + "@" + sha256, .tagTooLong, at: 6, length: 129),
    bad("nginx:_" + String(repeating: "x", count: 200), .tagTooLong, at: 6, length: 201),
    bad("example.com:5000/app:" + tag129, .tagTooLong, at: 21, length: 129),
    bad("nginx:latest:latest", .invalidFormat, at: 12),
    bad("nginx::1", .invalidFormat, at: 6),
    bad("localhost:5000:1", .invalidFormat, at: 14),
]

private let digestCases: [ValidReference] = [
    ok("nginx@" + sha256, "docker.io", "library/nginx", digest: sha256, .ifNotPresent),
    ok("nginx@" + sha384, "docker.io", "library/nginx", digest: sha384, .ifNotPresent),
    ok("nginx@" + sha512, "docker.io", "library/nginx", digest: sha512, .ifNotPresent),
    ok("example.com/app@" + sha384, "example.com", "app", digest: sha384, .ifNotPresent),
    ok("example.com/app:v1@" + sha512, "example.com", "app", tag: "v1", digest: sha512, .ifNotPresent),
    ok("nginx:latest@" + sha384, "docker.io", "library/nginx", tag: "latest", digest: sha384, .always),
    ok("nginx:latest@" + sha512, "docker.io", "library/nginx", tag: "latest", digest: sha512, .always),
    ok(
        "nginx@sha256:" + String(repeating: "0", count: 64), "docker.io", "library/nginx",
        digest: "sha256:" + String(repeating: "0", count: 64), .ifNotPresent),
    ok(
        "nginx@sha256:" + String(repeating: "f", count: 64), "docker.io", "library/nginx",
        digest: "sha256:" + String(repeating: "f", count: 64), .ifNotPresent),
    ok(
        "other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112", "other.com", "named",
        digest: "sha256:1234567890098765432112345667890098765432112345667890098765432112", .ifNotPresent),
]

private let digestErrors: [InvalidReference] = [
    // Wrong lengths for a supported algorithm.
    bad("nginx@sha256:" + hex(12), .invalidDigest, at: 13, length: 12, message: "digest has 12 hex digits, sha256 needs 64"),
    bad("nginx@sha256:" + hex(31), .invalidDigest, at: 13, length: 31),
    bad("nginx@sha256:" + hex(32), .invalidDigest, at: 13, length: 32, message: "digest has 32 hex digits, sha256 needs 64"),
    bad("nginx@sha256:" + hex(63), .invalidDigest, at: 13, length: 63, message: "digest has 63 hex digits, sha256 needs 64"),
    bad("nginx@sha256:" + hex(65), .invalidDigest, at: 13, length: 65, message: "digest has 65 hex digits, sha256 needs 64"),
    bad("nginx@sha256:" + hex(96), .invalidDigest, at: 13, length: 96),
    bad("nginx@sha256:" + hex(128), .invalidDigest, at: 13, length: 128),
    bad("nginx@sha256:", .invalidDigest, at: 12, message: "digest has 0 hex digits, sha256 needs 64"),
    bad("nginx@sha384:" + hex(95), .invalidDigest, at: 13, length: 95, message: "digest has 95 hex digits, sha384 needs 96"),
    bad("nginx@sha384:" + hex(97), .invalidDigest, at: 13, length: 97),
    bad("nginx@sha384:" + hex(64), .invalidDigest, at: 13, length: 64),
    bad("nginx@sha384:" + hex(128), .invalidDigest, at: 13, length: 128),
    bad("nginx@sha512:" + hex(127), .invalidDigest, at: 13, length: 127, message: "digest has 127 hex digits, sha512 needs 128"),
    bad("nginx@sha512:" + hex(129), .invalidDigest, at: 13, length: 129),
    bad("nginx@sha512:" + hex(64), .invalidDigest, at: 13, length: 64),
    bad("nginx@sha512:" + hex(96), .invalidDigest, at: 13, length: 96),
    bad("nginx:1@sha256:" + hex(63), .invalidDigest, at: 15, length: 63),
    bad("repo@sha256:ffffffffffffffffffffffffffffffffff", .invalidDigest, at: 12, length: 34),
    // Uppercase hex: go-digest wants lowercase.
    bad("nginx@sha256:" + String(repeating: "A", count: 64), .invalidDigest, at: 13, message: "digest must be lowercase hex"),
    bad("nginx@sha256:" + hex(63) + "F", .invalidDigest, at: 76, length: 1),
    bad("nginx@sha384:" + hex(10) + "ABCDEF" + hex(80), .invalidDigest, at: 23),
    bad("nginx@sha512:" + String(repeating: "E", count: 128), .invalidDigest, at: 13),
    bad("nginx@sha256:" + String(repeating: "A", count: 12), .invalidDigest, at: 13, length: 12),
    // Not hex at all.
    bad("nginx@sha256:" + hex(63) + "g", .invalidDigest, at: 76, message: "invalid character \"g\" in digest"),
    bad("nginx@sha256:" + hex(32) + "-" + hex(31), .invalidDigest, at: 45),
    bad("nginx@sha256:" + hex64 + "@" + sha256, .invalidDigest, at: 77),
    bad("nginx@sha256:" + hex64 + ":tag", .invalidDigest, at: 77),
    bad("nginx@sha256:" + hex(10) + "=" + hex(53), .invalidDigest, at: 23),
    // Unsupported algorithms.
    bad(
        "validname@invaliddigest:" + String(repeating: "f", count: 64), .invalidDigest, at: 10, length: 13,
        message: "unsupported digest algorithm \"invaliddigest\""),
    bad("nginx@md5:" + hex(32), .invalidDigest, at: 6, length: 3, message: "unsupported digest algorithm \"md5\""),
    bad("nginx@sha1:" + hex(40), .invalidDigest, at: 6, length: 4),
    bad("nginx@sha256+b64:" + hex64, .invalidDigest, at: 6, length: 10),
    bad("nginx@blake3:" + hex64, .invalidDigest, at: 6, length: 6),
    // After a separator, an algorithm component must start with a letter.
    bad("nginx@sha-256:" + hex64, .invalidDigest, at: 10, message: "invalid digest algorithm \"sha-256\""),
    bad("nginx@sha.256:" + hex64, .invalidDigest, at: 10),
    bad("nginx@sha_256:" + hex64, .invalidDigest, at: 10),
    bad("nginx@sha-b:" + hex(32), .invalidDigest, at: 6, length: 5, message: "unsupported digest algorithm \"sha-b\""),
    bad("nginx@md5:", .invalidDigest, at: 9, length: 1, message: "digest has 0 hex digits; a digest needs at least 32"),
    bad("nginx@sha256+b64:", .invalidDigest, at: 16, length: 1),
    bad("nginx:1@SHA256:" + hex64, .invalidDigest, at: 8, length: 6),
    bad("nginx:1@Sha512:" + hex(128), .invalidDigest, at: 8),
    bad("nginx@md5:" + hex(12), .invalidDigest, at: 10, length: 12, message: "digest has 12 hex digits; a digest needs at least 32"),
    // Malformed algorithms and digests.
    bad("nginx@1sha:" + hex64, .invalidDigest, at: 6, message: "invalid digest algorithm \"1sha\""),
    bad("nginx@-sha:" + hex64, .invalidDigest, at: 6),
    bad("nginx@sha-:" + hex64, .invalidDigest, at: 9),
    bad("nginx@sha--256:" + hex64, .invalidDigest, at: 10),
    bad("nginx@sha/256:" + hex64, .invalidDigest, at: 9, message: "invalid character \"/\" in digest algorithm"),
    bad("nginx@:" + hex64, .invalidDigest, at: 6, message: "digest algorithm is missing before \":\""),
    bad("nginx@" + hex64, .invalidDigest, at: 6, length: 64, message: "digest \"" + hex64 + "\" has no algorithm"),
    bad("nginx@latest", .invalidDigest, at: 6, length: 6),
    bad("nginx@", .invalidDigest, at: 5, message: "digest after \"@\" is empty"),
    bad("nginx@@" + sha256, .invalidDigest, at: 6),
]

private let nameLengthCases: [ValidReference] = [
    // The limit is on the path, "library/" included, the domain excluded.
    ok(slashPath(255), "docker.io", slashPath(255), .always),
    ok(String(repeating: "x", count: 247), "docker.io", "library/" + String(repeating: "x", count: 247), .always),
    ok("docker.io/" + String(repeating: "x", count: 247), "docker.io", "library/" + String(repeating: "x", count: 247), .always),
    ok("index.docker.io/" + String(repeating: "x", count: 247), "docker.io", "library/" + String(repeating: "x", count: 247), .always),
    ok("library/" + String(repeating: "x", count: 247), "docker.io", "library/" + String(repeating: "x", count: 247), .always),
    ok("example.com/" + slashPath(255), "example.com", slashPath(255), .always),
    ok("localhost:5000/" + slashPath(255), "localhost:5000", slashPath(255), .always),
    ok("example.com/" + String(repeating: "y", count: 250), "example.com", String(repeating: "y", count: 250), .always),
    ok(slashPath(255) + ":" + tag128, "docker.io", slashPath(255), tag: tag128, .ifNotPresent),
    ok(slashPath(255) + "@" + sha512, "docker.io", slashPath(255), digest: sha512, .ifNotPresent),
    ok(
        String(repeating: "a/", count: 127) + "a:tag-puts-this-over-max", "docker.io", slashPath(255), tag: "tag-puts-this-over-max",
        .ifNotPresent),
    ok("a_b.c/" + String(repeating: "z", count: 249) + ":1", "a_b.c", String(repeating: "z", count: 249), tag: "1", .ifNotPresent),
]

private let nameLengthErrors: [InvalidReference] = [
    bad(slashPath(257), .nameTooLong, at: 0, length: 257, message: "repository name is 257 characters long; the limit is 255"),
    bad(String(repeating: "a/", count: 128) + "a:tag", .nameTooLong, at: 0, length: 257),
    bad(String(repeating: "x", count: 256), .nameTooLong, at: 0, length: 256, message: "repository name is 264 characters long"),
    bad(
        String(repeating: "x", count: 248), .nameTooLong, at: 0, length: 248,
        message: "repository name is 256 characters long; the limit is 255"),
    bad("docker.io/" + String(repeating: "x", count: 248), .nameTooLong, at: 10, length: 248),
    bad("index.docker.io/" + String(repeating: "x", count: 248) + ":1", .nameTooLong, at: 16, length: 248),
    bad("library/" + String(repeating: "x", count: 248), .nameTooLong, at: 0, length: 256),
    bad("example.com/" + String(repeating: "y", count: 256), .nameTooLong, at: 12, length: 256),
    bad("localhost/" + slashPath(257), .nameTooLong, at: 10, length: 257),
    bad("a_b.c/" + String(repeating: "z", count: 250), .nameTooLong, at: 0, length: 256, message: "repository name is 256 characters long"),
    bad(
        "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker",
        .nameTooLong, at: 0, length: 278, message: "repository name is 278 characters long"),
]

private let hexIdentifierCases: [ValidReference] = [
    ok(hex(63), "docker.io", "library/" + hex(63), .always),
    ok(hex(65), "docker.io", "library/" + hex(65), .always),
    ok("docker.io/" + hex64, "docker.io", "library/" + hex64, .always),
    ok(
        "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "docker.io",
        "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", .always),
    ok("library/" + hex64, "docker.io", "library/" + hex64, .always),
    ok(hex64 + ":tag", "docker.io", "library/" + hex64, tag: "tag", .ifNotPresent),
    ok(hex64 + "@" + sha256, "docker.io", "library/" + hex64, digest: sha256, .ifNotPresent),
    ok(hex(63) + "g", "docker.io", "library/" + hex(63) + "g", .always),
]

private let hexIdentifierErrors: [InvalidReference] = [
    bad(hex64, .hexIdentifier, at: 0, length: 64, message: "a bare 64-character hexadecimal string is an image ID"),
    bad("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", .hexIdentifier, at: 0, length: 64),
    bad(String(repeating: "0", count: 64), .hexIdentifier, at: 0, length: 64),
    bad(String(repeating: "0123456789ABCDEF", count: 4), .uppercase, at: 10),
]

private let schemeErrors: [InvalidReference] = [
    bad("http://example.com/app", .invalidFormat, at: 0, length: 7, message: "\"http://\" is not part of an image reference"),
    bad("https://github.com/docker/docker", .invalidFormat, at: 0, length: 8, message: "\"https://\" is not part of an image reference"),
    bad("docker://nginx", .invalidFormat, at: 0, length: 9, message: "\"docker://\" is not part of an image reference"),
    bad("oci://registry/app:1", .invalidFormat, at: 0, length: 6),
    bad("HTTP://example.com/app", .invalidFormat, at: 0, length: 7),
    bad("git+ssh://host/repo", .invalidFormat, at: 0, length: 10),
    bad("docker-archive://x", .invalidFormat, at: 0, length: 17),
    bad("http://", .invalidFormat, at: 0, length: 7),
    bad("ko://github.com/org/app/cmd/server", .invalidFormat, at: 0, length: 5, message: "\"ko://\" is ko's build-time placeholder"),
    bad("KO://github.com/org/app", .invalidFormat, at: 0, length: 5, message: "\"ko://\" is ko's build-time placeholder"),
    bad("ko://", .invalidFormat, at: 0, length: 5),
    bad("example.com://x", .invalidFormat, at: 0, length: 14),
]

private let placeholderErrors: [InvalidReference] = [
    bad("${IMAGE}", .invalidFormat, at: 0, length: 8, message: "\"${IMAGE}\" looks like an unexpanded placeholder"),
    bad("$IMAGE", .invalidFormat, at: 0, length: 6, message: "\"$IMAGE\" looks like an unexpanded placeholder"),
    bad("$(IMAGE)", .invalidFormat, at: 0, length: 8, message: "\"$(IMAGE)\" looks like an unexpanded placeholder"),
    bad("${X}", .invalidFormat, at: 0, length: 4),
    bad("$X", .invalidFormat, at: 0, length: 2, message: "\"$X\" looks like an unexpanded placeholder"),
    bad("registry.example.com/app:${TAG}", .invalidFormat, at: 25, length: 6, message: "\"${TAG}\" looks like"),
    bad("${REGISTRY}/app:1.0", .invalidFormat, at: 0, length: 11),
    bad("$REGISTRY/app", .invalidFormat, at: 0, length: 9),
    bad("example.com/$name:1", .invalidFormat, at: 12, length: 5),
    bad("app:${TAG", .invalidFormat, at: 4, length: 5),
    bad("{{ .Values.image }}", .invalidFormat, at: 0, length: 19, message: "\"{{ .Values.image }}\" looks like an unrendered template"),
    bad("repo/app:{{ .Chart.AppVersion }}", .invalidFormat, at: 9, length: 23),
    bad("{{ x }}", .invalidFormat, at: 0, length: 7, message: "\"{{ x }}\" looks like an unrendered template"),
    bad("{{x", .invalidFormat, at: 0, length: 3),
    bad("{{ .Values.registry }}/app:{{ .Values.tag }}", .invalidFormat, at: 0, length: 22),
    bad("<x>", .invalidFormat, at: 0, length: 3, message: "\"<x>\" looks like a placeholder"),
    bad("<your-image>", .invalidFormat, at: 0, length: 12),
    bad("registry/<image>:1", .invalidFormat, at: 9, length: 7),
    bad("__IMAGE__", .invalidFormat, at: 0, length: 9, message: "\"__IMAGE__\" looks like an unexpanded placeholder"),
    bad("IMAGE_NAME", .invalidFormat, at: 0, length: 10),
    bad("MY_IMAGE_2", .invalidFormat, at: 0, length: 10),
    // Not placeholders: the grammar's own error stands.
    bad("<>", .invalidFormat, at: 0, message: "invalid character \"<\" in repository name"),
    bad("$", .invalidFormat, at: 0, message: "invalid character \"$\" in repository name"),
    bad("a$", .invalidFormat, at: 1),
    bad("NGINX", .uppercase, at: 0),
    bad("_", .invalidFormat, at: 0),
    bad("__", .invalidFormat, at: 0),
]

private let whitespaceErrors: [InvalidReference] = [
    bad(" nginx", .invalidFormat, at: 0, length: 1, message: "image reference has leading white space (a space)"),
    bad("\tnginx", .invalidFormat, at: 0, message: "image reference has leading white space (a tab)"),
    bad("\nnginx", .invalidFormat, at: 0, message: "image reference has leading white space (a line break)"),
    bad("\r\nnginx", .invalidFormat, at: 0, message: "image reference has leading white space (a carriage return)"),
    bad(" ", .invalidFormat, at: 0, length: 1),
    bad("\n", .invalidFormat, at: 0, length: 1),
    bad("   nginx   ", .invalidFormat, at: 0),
    bad("nginx ", .invalidFormat, at: 5, length: 1, message: "image reference has trailing white space (a space)"),
    bad("nginx  \n", .invalidFormat, at: 5, length: 3),
    bad("nginx:1.0\n", .invalidFormat, at: 9, length: 1, message: "image reference has trailing white space (a line break)"),
    bad("nginx\r\n", .invalidFormat, at: 5, length: 2),
    bad("nginx\t", .invalidFormat, at: 5, length: 1),
    bad("nginx\u{0B}", .invalidFormat, at: 5),
    bad("nginx\u{0C}", .invalidFormat, at: 5),
    bad("ngi nx", .invalidFormat, at: 3, message: "invalid character a space in repository name"),
    bad("nginx :1", .invalidFormat, at: 5),
    bad("nginx\t:1", .invalidFormat, at: 5, message: "invalid character a tab in repository name"),
    bad("example.com/ app", .invalidFormat, at: 12),
    bad("nginx@ sha256:" + hex64, .invalidDigest, at: 6),
    bad("nginx\u{00A0}", .invalidFormat, at: 5, message: "invalid character \"\u{00A0}\" (U+00A0) in repository name"),
    bad("\u{00A0}nginx", .invalidFormat, at: 0),
    bad("\u{2003}nginx", .invalidFormat, at: 0),
    bad("nginx\u{200B}", .invalidFormat, at: 5),
    bad("\u{FEFF}nginx", .invalidFormat, at: 0),
]

private let nonASCIIErrors: [InvalidReference] = [
    bad("nginé", .invalidFormat, at: 4, length: 1, message: "invalid character \"é\" (U+00E9) in repository name"),
    // "e" and a combining acute accent: offsets count Unicode scalars, not characters.
    bad("nge\u{0301}x", .invalidFormat, at: 3, length: 1, message: "invalid character \"\u{0301}\" (U+0301)"),
    bad("ñ/app", .invalidFormat, at: 0),
    bad("例え/app", .invalidFormat, at: 0),
    bad("registry.例え.com/app", .invalidFormat, at: 9, message: "invalid character \"例\" (U+4F8B) in registry host"),
    bad("example.com/例", .invalidFormat, at: 12),
    bad("nginx:tagé", .invalidFormat, at: 9, message: "invalid character \"é\" (U+00E9) in tag"),
    bad("nginx:é", .invalidFormat, at: 6),
    bad("nginx@sha256:é" + hex(63), .invalidDigest, at: 13),
    bad("🐳", .invalidFormat, at: 0, length: 1),
    bad("a🐳b", .invalidFormat, at: 1, length: 1),
    bad("🐳🐳/🐳:🐳", .invalidFormat, at: 0),
    bad("ｎｇｉｎｘ", .invalidFormat, at: 0),
    bad("\u{212A}ube", .invalidFormat, at: 0),
    bad("\u{0130}stanbul/app", .invalidFormat, at: 0),
    bad("nginx\u{0000}", .invalidFormat, at: 5, message: "invalid character U+0000 in repository name"),
    bad("\u{0000}", .invalidFormat, at: 0, length: 1),
    bad("ngin\u{7F}x", .invalidFormat, at: 4, message: "invalid character U+007F"),
    bad("ngin\u{1B}[0mx", .invalidFormat, at: 4),
    bad("é/ü:ö@ä", .invalidFormat, at: 0),
    bad("ab\u{0301}\u{0301}\u{0301}", .invalidFormat, at: 2),
    bad("x/\u{1F433}\u{200D}\u{1F4BB}", .invalidFormat, at: 2),
]

private let emptyErrors: [InvalidReference] = [
    bad("", .empty, at: 0, length: 0, message: "image reference is empty")
]

/// Where the parts are in the input, in Unicode scalars.
struct ReferenceRanges: Sendable, CustomTestStringConvertible {
    let input: String
    let domain: Range<Int>?
    let path: Range<Int>
    let tag: Range<Int>?
    let digest: Range<Int>?
    var testDescription: String { describe(input) }
}

private let rangeCases: [ReferenceRanges] = [
    ReferenceRanges(input: "nginx", domain: nil, path: 0..<5, tag: nil, digest: nil),
    ReferenceRanges(input: "nginx:1.25", domain: nil, path: 0..<5, tag: 6..<10, digest: nil),
    ReferenceRanges(input: "library/nginx@" + sha256, domain: nil, path: 0..<13, tag: nil, digest: 14..<85),
    ReferenceRanges(input: "example.com:5000/team/app:1.0@" + sha256, domain: 0..<16, path: 17..<25, tag: 26..<29, digest: 30..<101),
    // Normalized parts point at what was written: "index.docker.io" and "nginx".
    ReferenceRanges(input: "index.docker.io/nginx", domain: 0..<15, path: 16..<21, tag: nil, digest: nil),
    ReferenceRanges(input: "docker.io/nginx:latest", domain: 0..<9, path: 10..<15, tag: 16..<22, digest: nil),
    ReferenceRanges(input: "a_b.c/d:1", domain: 0..<5, path: 6..<7, tag: 8..<9, digest: nil),
    ReferenceRanges(input: "[::1]:5000/x:y", domain: 0..<10, path: 11..<12, tag: 13..<14, digest: nil),
    ReferenceRanges(input: "Foo/bar", domain: 0..<3, path: 4..<7, tag: nil, digest: nil),
    ReferenceRanges(input: "localhost/app@" + sha512, domain: 0..<9, path: 10..<13, tag: nil, digest: 14..<149),
    ReferenceRanges(input: "foo/bar/baz:" + tag128, domain: nil, path: 0..<11, tag: 12..<140, digest: nil),
    ReferenceRanges(input: "localhost:5000", domain: nil, path: 0..<9, tag: 10..<14, digest: nil),
    ReferenceRanges(input: "nginx:latest@" + sha384, domain: nil, path: 0..<5, tag: 6..<12, digest: 13..<116),
    ReferenceRanges(input: "gcr.io/a/b/c/d", domain: 0..<6, path: 7..<14, tag: nil, digest: nil),
]

/// Literal pull references, independent of how the other tables build them.
private let pullReferenceCases: [(input: String, normalizedName: String, pullReference: String, policy: PullPolicy)] = [
    ("nginx", "docker.io/library/nginx", "docker.io/library/nginx:latest", .always),
    ("nginx:latest", "docker.io/library/nginx", "docker.io/library/nginx:latest", .always),
    ("nginx:1.25", "docker.io/library/nginx", "docker.io/library/nginx:1.25", .ifNotPresent),
    ("nginx:Latest", "docker.io/library/nginx", "docker.io/library/nginx:Latest", .ifNotPresent),
    ("nginx@" + sha256, "docker.io/library/nginx", "docker.io/library/nginx@" + sha256, .ifNotPresent),
    ("nginx:latest@" + sha256, "docker.io/library/nginx", "docker.io/library/nginx:latest@" + sha256, .always),
    ("bitnami/redis", "docker.io/bitnami/redis", "docker.io/bitnami/redis:latest", .always),
    ("index.docker.io/nginx:1", "docker.io/library/nginx", "docker.io/library/nginx:1", .ifNotPresent),
    ("docker.io/library/nginx", "docker.io/library/nginx", "docker.io/library/nginx:latest", .always),
    ("localhost:5000/app", "localhost:5000/app", "localhost:5000/app:latest", .always),
    ("[::1]:5000/app:v2", "[::1]:5000/app", "[::1]:5000/app:v2", .ifNotPresent),
    ("Foo/bar", "Foo/bar", "Foo/bar:latest", .always),
    ("a_b.c/d", "a_b.c/d", "a_b.c/d:latest", .always),
    ("quay.io/org/app@" + sha512, "quay.io/org/app", "quay.io/org/app@" + sha512, .ifNotPresent),
    ("registry.k8s.io/pause:3.9", "registry.k8s.io/pause", "registry.k8s.io/pause:3.9", .ifNotPresent),
    ("docker.io:443/nginx", "docker.io:443/nginx", "docker.io:443/nginx:latest", .always),
]

// MARK: - Tests

@Suite struct ImageReferenceTests {
    @Test("domains", arguments: domainCases) func domains(_ c: ValidReference) { check(c) }
    @Test("a domain-like first component that is a path component", arguments: hostIsPathComponentCases)
    func hostIsPathComponent(_ c: ValidReference) { check(c) }
    @Test("domain errors", arguments: domainErrors) func rejectsDomainErrors(_ c: InvalidReference) { check(c) }
    @Test("ports", arguments: portCases) func ports(_ c: ValidReference) { check(c) }
    @Test("port errors", arguments: portErrors) func rejectsPortErrors(_ c: InvalidReference) { check(c) }
    @Test("IPv6 hosts", arguments: ipv6Cases) func ipv6(_ c: ValidReference) { check(c) }
    @Test("IPv6 errors", arguments: ipv6Errors) func rejectsIpv6Errors(_ c: InvalidReference) { check(c) }
    @Test("localhost", arguments: localhostCases) func localhost(_ c: ValidReference) { check(c) }
    @Test("localhost errors", arguments: localhostErrors) func rejectsLocalhostErrors(_ c: InvalidReference) { check(c) }
    @Test("uppercase in the repository name", arguments: uppercaseErrors) func uppercase(_ c: InvalidReference) { check(c) }
    @Test("uppercase in tags", arguments: uppercaseTagCases) func uppercaseTags(_ c: ValidReference) { check(c) }
    @Test("path components and separators", arguments: pathCases) func paths(_ c: ValidReference) { check(c) }
    @Test("path errors", arguments: pathErrors) func rejectsPathErrors(_ c: InvalidReference) { check(c) }
    @Test("library/ normalization", arguments: libraryCases) func library(_ c: ValidReference) { check(c) }
    @Test("index.docker.io normalization", arguments: indexDockerIOCases) func indexDockerIO(_ c: ValidReference) { check(c) }
    @Test("tags", arguments: tagCases) func tags(_ c: ValidReference) { check(c) }
    @Test("tag errors", arguments: tagErrors) func rejectsTagErrors(_ c: InvalidReference) { check(c) }
    @Test("digests", arguments: digestCases) func digests(_ c: ValidReference) { check(c) }
    @Test("digest errors", arguments: digestErrors) func rejectsDigestErrors(_ c: InvalidReference) { check(c) }
    @Test("name length", arguments: nameLengthCases) func nameLength(_ c: ValidReference) { check(c) }
    @Test("name length errors", arguments: nameLengthErrors) func rejectsNameLengthErrors(_ c: InvalidReference) { check(c) }
    @Test("hex identifiers", arguments: hexIdentifierCases) func hexIdentifiers(_ c: ValidReference) { check(c) }
    @Test("hex identifier errors", arguments: hexIdentifierErrors) func rejectsHexIdentifierErrors(_ c: InvalidReference) { check(c) }
    @Test("schemes", arguments: schemeErrors) func schemes(_ c: InvalidReference) { check(c) }
    @Test("placeholders", arguments: placeholderErrors) func placeholders(_ c: InvalidReference) { check(c) }
    @Test("white space", arguments: whitespaceErrors) func whitespace(_ c: InvalidReference) { check(c) }
    @Test("non-ASCII and control characters", arguments: nonASCIIErrors) func nonASCII(_ c: InvalidReference) { check(c) }
    @Test("empty", arguments: emptyErrors) func empty(_ c: InvalidReference) { check(c) }

    @Test("ranges", arguments: rangeCases) func ranges(_ c: ReferenceRanges) throws {
        let reference = try ImageReference.parse(c.input).get()
        #expect(reference.domainRange == c.domain)
        #expect(reference.pathRange == c.path)
        #expect(reference.tagRange == c.tag)
        #expect(reference.digestRange == c.digest)
        let scalars = Array(c.input.unicodeScalars)
        func text(_ range: Range<Int>) -> String? {
            range.upperBound <= scalars.count ? String(String.UnicodeScalarView(scalars[range])) : nil
        }
        if let range = c.tag { #expect(text(range) == reference.tag) }
        if let range = c.digest { #expect(text(range) == reference.digest?.description) }
    }

    @Test("literal pull references", arguments: pullReferenceCases.indices) func pullReferences(_ index: Int) throws {
        let c = pullReferenceCases[index]
        let reference = try ImageReference.parse(c.input).get()
        #expect(reference.normalizedName == c.normalizedName)
        #expect(reference.pullReference == c.pullReference)
        #expect(reference.defaultPullPolicy == c.policy)
    }

    /// The messages the issue quotes, word for word.
    @Test func quotedMessages() {
        func message(_ input: String) -> String? {
            if case .failure(let error) = ImageReference.parse(input) { return error.message }
            return nil
        }
        #expect(message("Nginx") == "repository name must be lowercase: \"Nginx\"")
        #expect(message("http://nginx")?.hasPrefix("\"http://\" is not part of an image reference") == true)
        #expect(message("nginx@sha256:" + hex(12)) == "digest has 12 hex digits, sha256 needs 64")
        #expect(message("${IMAGE}")?.hasPrefix("\"${IMAGE}\" looks like an unexpanded placeholder") == true)
        #expect(ImageReferenceError.Category.allCases.count == 7)
    }

    @Test func parsedDigestParts() throws {
        let digest = try #require(try ImageReference.parse("nginx@" + sha384).get().digest)
        #expect(digest.algorithm == "sha384")
        #expect(digest.hex == hex(96))
    }

    /// Long inputs of every shape finish quickly: the scanner is linear.
    @Test func longInputs() throws {
        let n = 100_000
        // Host names have no length limit; only the path does.
        let longHost = String(repeating: "a.", count: n / 2) + "b"
        let reference = try ImageReference.parse(longHost + "/c").get()
        #expect(reference.domain == longHost)
        #expect(reference.path == "c")
        #expect(reference.pathRange == (n + 2)..<(n + 3))
        let inputs = [
            String(repeating: "a", count: n), String(repeating: "a.", count: n / 2), String(repeating: "a/", count: n / 2) + "a",
            String(repeating: "{{", count: n / 2), String(repeating: "$", count: n), String(repeating: "<", count: n),
            String(repeating: "é", count: n), "[" + String(repeating: ":", count: n), "a:" + String(repeating: "b", count: n),
            "a@sha256:" + String(repeating: "0", count: n), String(repeating: "_", count: n), String(repeating: "A_", count: n / 2),
            longHost + "/c:" + String(repeating: "t", count: n), String(repeating: "-", count: n), String(repeating: " ", count: n),
            "a" + String(repeating: "_", count: n) + "b", "x/" + String(repeating: "a-", count: n / 2) + "b",
        ]
        for input in inputs {
            switch ImageReference.parse(input) {
            case .success(let reference): Issue.record("accepted a \(input.utf8.count)-byte input: \(reference.domain)")
            case .failure(let error):
                #expect(error.offset >= 0 && error.offset + error.length <= input.unicodeScalars.count)
            }
        }
    }

    /// 200,000 seeded inputs in four chunks (which can run in parallel): the parser never traps,
    /// every error span lies inside the input, and every accepted reference round-trips.
    @Test(arguments: [UInt64(0x5EED_1234_ABCD_0042), 0x0BAD_C0DE_0000_0001, 0x1234_5678_9ABC_DEF0, 0x7FFF_0000_FFFF_0003])
    func randomizedInvariants(seed: UInt64) {
        var fuzzer = ReferenceFuzzer(seed: seed)
        var failures = 0
        var accepted = 0
        for _ in 0..<50_000 {
            let input = fuzzer.next()
            switch ImageReference.parse(input) {
            case .failure(let error):
                let count = input.unicodeScalars.count
                if !(error.offset >= 0 && error.length >= 0 && error.offset + error.length <= count)
                    || (count > 0 && error.length < 1) || error.message.isEmpty
                {
                    failures += 1
                    if failures <= 10 {
                        Issue.record(
                            "bad error for \(describe(input)): \(error.category.rawValue) \(error.offset)+\(error.length) \(error.message)")
                    }
                }
            case .success(let reference):
                accepted += 1
                if let problem = Self.problem(with: reference, input: input) {
                    failures += 1
                    if failures <= 10 { Issue.record("\(describe(input)): \(problem)") }
                }
            }
        }
        #expect(failures == 0)
        // The generator must reach the accepting side too, or the round trip proves nothing.
        #expect(accepted > 5_000)
    }

    /// What is wrong with an accepted reference, if anything.
    static func problem(with reference: ImageReference, input: String) -> String? {
        if !input.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) { return "accepted a non-ASCII or control character" }
        if !reference.normalizedName.unicodeScalars.allSatisfy({ $0.isASCII }) { return "normalized name is not ASCII" }
        if reference.path.isEmpty || reference.domain.isEmpty { return "empty domain or path" }
        if reference.path.utf8.count > ImageReference.maxPathLength { return "path longer than 255" }
        if let tag = reference.tag, tag.utf8.count > ImageReference.maxTagLength { return "tag longer than 128" }
        let expectedPolicy: PullPolicy =
            reference.tag == "latest" || (reference.tag == nil && reference.digest == nil) ? .always : .ifNotPresent
        if reference.defaultPullPolicy != expectedPolicy { return "pull policy" }
        let scalars = Array(input.unicodeScalars)
        func text(_ range: Range<Int>?) -> String? {
            guard let range, range.lowerBound >= 0, range.upperBound <= scalars.count else { return nil }
            return String(String.UnicodeScalarView(scalars[range]))
        }
        if text(reference.pathRange) == nil { return "path range out of bounds" }
        if text(reference.tagRange) != reference.tag { return "tag range" }
        if text(reference.digestRange) != reference.digest?.description { return "digest range" }
        switch ImageReference.parse(reference.pullReference) {
        case .failure(let error): return "pull reference \(reference.pullReference) does not parse: \(error.message)"
        case .success(let again):
            let expectedTag = reference.tag ?? (reference.digest == nil ? "latest" : nil)
            if again.domain != reference.domain || again.path != reference.path || again.tag != expectedTag
                || again.digest != reference.digest
            {
                return "pull reference \(reference.pullReference) parses differently"
            }
        }
        switch ImageReference.parse(reference.normalizedName) {
        case .failure(let error): return "normalized name \(reference.normalizedName) does not parse: \(error.message)"
        case .success(let again):
            if again.domain != reference.domain || again.path != reference.path || again.tag != nil || again.digest != nil {
                return "normalized name \(reference.normalizedName) parses differently"
            }
        }
        return nil
    }
}

// MARK: - Randomized input

/// xorshift64: deterministic, seeded.
private struct XorShift64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Inputs mostly made of the grammar's characters and tokens, some hostile ones (non-ASCII, NUL,
/// control characters, combining marks, very long runs), and mutations of valid references.
private struct ReferenceFuzzer {
    private var random: XorShift64

    init(seed: UInt64) { random = XorShift64(seed: seed) }

    private static let grammarPieces = [
        "a", "b", "z", "0", "9", "x1", "nginx", "app", "A", "Z", ".", ".", "-", "-", "_", "__", "--", "/", "/", "/", ":", ":", "@", "[",
        "]", "localhost", "docker.io", "index.docker.io", "library", "latest", "sha256:", "sha384:", "sha512:", "md5:", "example.com",
        "5000", "::1", "a_b.c", "Foo",
    ]
    private static let hostilePieces = [
        "é", "\u{0301}", "\u{0000}", "\u{0001}", "\t", "\n", "\r", " ", "\u{7F}", "🐳", "\u{FEFF}", "\u{212A}", "\u{00A0}", "${", "}",
        "{{", "}}", "<", ">", "://", "$", "%", "+", "ｎ", "\u{10FFFF}", "\u{0130}", "e\u{0301}\u{0302}", "\u{202E}",
    ]
    private static let seeds = [
        "nginx", "nginx:1.25", "library/nginx:latest", "docker.io/library/nginx", "index.docker.io/nginx", "example.com/team/app:1.0",
        "localhost:5000/app", "[::1]:5000/app:v1", "Foo/bar", "a_b.c/d", "quay.io/org/app@" + sha256, "nginx:latest@" + sha256,
        "gcr.io/p/img@" + sha512, "a/b@" + sha384, "192.168.1.1:5000/repo:5050", "docker.io:443/nginx",
    ]

    private mutating func hexDigits() -> String {
        let count = random.pick([0, 12, 32, 63, 64, 64, 64, 65, 95, 96, 97, 127, 128, 129])
        var text = hex(count)
        if random.chance(10) { text = text.uppercased() }
        return text
    }

    private mutating func component() -> String {
        var text = random.pick(["a", "nginx", "b0", "x", "app", "1", "a_b", "a.b", "a__b", "a-b", "a--b", "foo.com", "a_b.c"])
        if random.chance(20) { text += random.pick([".", "_", "-", "__", "___", ".."]) + random.pick(["a", "", "9"]) }
        return text
    }

    private mutating func structured() -> String {
        var text = ""
        if random.chance(50) {
            text += random.pick([
                "example.com", "localhost", "docker.io", "index.docker.io", "a.b", "[::1]", "[2001:db8::1]", "A", "Docker.io", "a-b.c",
                "a_b.c",
                "-a.b", "a..b",
            ])
            if random.chance(30) { text += ":" + random.pick(["5000", "", "0", "x"]) }
            text += "/"
        }
        for index in 0..<(1 + random.below(3)) { text += (index > 0 ? "/" : "") + component() }
        if random.chance(45) {
            text +=
                ":" + random.pick(["latest", "Latest", "1.0", "_", ".x", "v1.2.3", "a:b", "", "x-", "1", "LATEST", "a@b", tag128, tag129])
        }
        if random.chance(25) {
            text +=
                "@" + random.pick(["sha256", "sha256", "sha384", "sha512", "md5", "SHA256", "sha256+b64", "", "1a"]) + ":" + hexDigits()
        }
        return text
    }

    private mutating func soup() -> String {
        var text = ""
        for _ in 0..<random.below(14) {
            text += random.chance(10) ? random.pick(Self.hostilePieces) : random.pick(Self.grammarPieces)
        }
        return text
    }

    private mutating func mutated(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<(1 + random.below(3)) {
            let piece = Array((random.chance(25) ? random.pick(Self.hostilePieces) : random.pick(Self.grammarPieces)).unicodeScalars)
            let at = random.below(scalars.count + 1)
            switch random.below(5) {
            case 0: scalars.insert(contentsOf: piece, at: at)
            case 1: if at < scalars.count { scalars.remove(at: at) }
            case 2: if at < scalars.count { scalars.replaceSubrange(at...at, with: piece) }
            case 3: scalars = Array(scalars.prefix(at))
            default:
                if at < scalars.count { scalars.insert(contentsOf: scalars[at..<min(scalars.count, at + 1 + random.below(8))], at: at) }
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    private mutating func longRun() -> String {
        let run = String(repeating: random.pick(Self.grammarPieces + Self.hostilePieces), count: 20 + random.below(300))
        switch random.below(4) {
        case 0: return run
        case 1: return "example.com/" + run
        case 2: return "nginx:" + run
        default: return random.pick(Self.seeds) + run
        }
    }

    mutating func next() -> String {
        switch random.below(100) {
        case 0..<35: return structured()
        case 35..<55: return mutated(random.chance(50) ? random.pick(Self.seeds) : structured())
        case 55..<99: return soup()
        default: return random.chance(50) ? longRun() : soup()
        }
    }
}
