import Foundation
import RegistryModel
import Testing

@testable import RegistryClient

/// The registry client's logic that needs no server: challenges, hosts.toml, media types, platform
/// matching and the disk cache. (Conversations with real registries are in OnlineEndToEndTests.)
@Suite("Registry protocol pieces")
struct RegistryProtocolTests {
    @Test("challenges: several per header, quoted values holding commas and escapes, case-insensitive schemes")
    func challenges() {
        let parsed = AuthChallenge.parse(
            #"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push", Basic realm="x, y""#
        )
        #expect(parsed.count == 2)
        #expect(parsed.first?.scheme == "bearer")
        #expect(parsed.first?["realm"] == "https://auth.example.com/token")
        #expect(parsed.first?["scope"] == "repository:a/b:pull,push")
        #expect(parsed.last?.scheme == "basic")
        #expect(parsed.last?["realm"] == "x, y")
        let escaped = AuthChallenge.parse(#"Bearer realm="a\"b",error="insufficient_scope""#)
        #expect(escaped.first?["realm"] == #"a"b"#)
        #expect(escaped.first?["error"] == "insufficient_scope")
        #expect(AuthChallenge.parse("").isEmpty)
    }

    @Test("media types: the Accept list, indexes, schema 1, parameters dropped")
    func mediaTypes() {
        for type in [
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
        ] {
            #expect(ManifestMediaType.accept.contains(type))
        }
        #expect(ManifestMediaType.isIndex(ManifestMediaType.base("application/vnd.oci.image.index.v1+json; charset=utf-8")))
        #expect(ManifestMediaType.isSchema1("application/vnd.docker.distribution.manifest.v1+prettyjws"))
        #expect(!ManifestMediaType.isIndex("application/vnd.docker.distribution.manifest.v2+json"))
    }

    @Test("platforms: variants as containerd matches them")
    func platforms() {
        #expect(ManifestQuery.platform("linux/arm64/v8", satisfies: "linux/arm64"))
        #expect(ManifestQuery.platform("linux/arm64", satisfies: "linux/arm64/v8"))
        #expect(!ManifestQuery.platform("linux/arm/v7", satisfies: "linux/arm/v6"))
        #expect(!ManifestQuery.platform("linux/arm64", satisfies: "linux/amd64"))
        #expect(!ManifestQuery.platform("windows/amd64", satisfies: "linux/amd64"))
    }

    @Test("hosts.toml: mirrors that resolve first, then the server; CAs relative to the folder; Docker's ca.crt; errors with a line")
    func hostsConfiguration() throws {
        let root = NSTemporaryDirectory() + "pullcheck-hosts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/docker.io", withIntermediateDirectories: true)
        try """
        server = "https://registry-1.docker.io"

        [host."https://mirror.corp.example"]
          capabilities = ["pull", "resolve"]
          ca = "mirror-ca.pem"

        [host."http://cache.corp.example:5000"]
          capabilities = ["pull"]
        """.write(toFile: root + "/docker.io/hosts.toml", atomically: true, encoding: .utf8)
        try manager.createDirectory(atPath: root + "/registry.corp.example:5000", withIntermediateDirectories: true)
        try "PEM".write(toFile: root + "/registry.corp.example:5000/ca.crt", atomically: true, encoding: .utf8)
        try manager.createDirectory(atPath: root + "/broken.example", withIntermediateDirectories: true)
        try "server = \"https://x\"\n[host.\"https://y\"\n".write(
            toFile: root + "/broken.example/hosts.toml", atomically: true, encoding: .utf8)

        let hosts = HostsConfiguration(directories: [root])
        let hub = try hosts.endpoints(for: "docker.io", insecure: [])
        // Only hosts that can resolve a tag answer a lookup: the pull-only cache is left out.
        #expect(hub.map(\.host) == ["mirror.corp.example", "registry-1.docker.io"])
        #expect(hub.first?.isMirror == true)
        #expect(hub.first?.tls.extraCAFiles == [root + "/docker.io/mirror-ca.pem"])
        let docker = try hosts.endpoints(for: "registry.corp.example:5000", insecure: [])
        #expect(docker.map(\.baseURL) == ["https://registry.corp.example:5000/v2"])
        #expect(docker.first?.tls.extraCAFiles == [root + "/registry.corp.example:5000/ca.crt"])
        let plain = try hosts.endpoints(for: "ghcr.io", insecure: [])
        #expect(plain.map(\.baseURL) == ["https://ghcr.io/v2"])
        #expect(throws: HostsFileError.self) { try hosts.endpoints(for: "broken.example", insecure: []) }
        do {
            _ = try hosts.endpoints(for: "broken.example", insecure: [])
        } catch {
            #expect(error.line == 2, "\(error.description)")
        }
    }

    @Test("the disk cache: answers come back, expire, and hold no credential")
    func cache() throws {
        let directory = NSTemporaryDirectory() + "pullcheck-cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = LookupCache(directory: directory)
        let credential = RegistryCredential(
            username: "robot", password: "cache-canary-pw", source: "secret shop/regcred, key \"r.example\"")
        let lookup = ImageLookup(registry: "r.example", repository: "team/app", tag: "1.0", digest: nil, podCredentials: [credential])
        var result = LookupResult(status: .found)
        result.digest = "sha256:" + String(repeating: "a", count: 64)
        result.platforms = ["linux/amd64"]
        result.credential = credential.source
        var settings = OnlineSettings()
        settings.tagTTL = 600
        cache.store(result, for: lookup, settings: settings)
        let answer = try #require(cache.answer(for: lookup))
        #expect(answer.fromCache && answer.digest == result.digest && answer.platforms == ["linux/amd64"])
        #expect(answer.credential == credential.source)
        // Another credential is another question.
        var other = lookup
        other.podCredentials = [RegistryCredential(username: "someone", password: "x", source: "secret shop/other, key \"r.example\"")]
        #expect(cache.answer(for: other) == nil)
        for file in try FileManager.default.contentsOfDirectory(atPath: directory + "/lookups") {
            let text = try String(contentsOfFile: directory + "/lookups/" + file, encoding: .utf8)
            #expect(!text.contains("cache-canary-pw"))
        }
        // A tag answer lives for the tag TTL; zero means not at all.
        settings.tagTTL = 0
        var fresh = lookup
        fresh.tag = "2.0"
        cache.store(result, for: fresh, settings: settings)
        #expect(cache.answer(for: fresh) == nil)
    }
}
