import Foundation
import RegistryLabSupport
import Testing

/// Each endpoint of the registry lab answers as Tests/RegistryLab/README.md documents it, asked
/// with curl (the command-line tool). These check the lab, not pullcheck: when one fails, the
/// online-mode tests that rely on the endpoint cannot be trusted either.
@Suite("Registry lab: every endpoint answers as documented", RegistryLab.enabled(also: [.curl]), .timeLimit(.minutes(5)))
struct RegistryLabTests {
    @Test("lab.json describes every endpoint, account and image; the lab started within the budget")
    func description() throws {
        let lab = try RegistryLab.shared
        let description = lab.description
        #expect(description.version == 1)
        for name in EndpointName.allCases {
            let endpoint = lab[name]
            #expect(endpoint.host.hasPrefix("127.0.0.1:") && endpoint.port > 0, "\(name): \(endpoint.host)")
            #expect(endpoint.url == endpoint.scheme + "://" + endpoint.host)
        }
        #expect(lab.password("alice") == "alice-canary-7f3e9b")
        #expect(lab.password("bob") == "bob-canary-2c4a61")
        for family in ["", "public/", "private/"] {
            for image in [
                "app:1.0", "app:1.1", "app:1.27.3", "multi:1.0", "armonly:1.0", "dockerlist:1.0", "attested:1.0", "big:1.0", "old:1.0",
            ] {
                let found = description.images[family + image]
                #expect(found?.digest.hasPrefix("sha256:") == true && found?.digest.count == 71, "\(family + image)")
            }
        }
        #expect(lab.image("armonly:1.0").platforms == ["linux/arm64"])
        #expect(lab.image("multi:1.0").platforms == ["linux/amd64", "linux/arm64"])
        #expect(lab.image("dockerlist:1.0").platforms == ["linux/amd64", "linux/arm64", "linux/arm/v7"])
        #expect(lab.image("attested:1.0").platforms == ["linux/amd64", "unknown/unknown"])
        #expect(lab.image("big:1.0").compressedSize ?? 0 > description.bigLayerSize)
        for file in [description.ca, description.otherCA] {
            #expect(FileManager.default.fileExists(atPath: file))
        }
        // Not a timed test (the machine may be busy); the budget is 2 s, usually it is under 1 s.
        #expect(lab.startupSeconds < 30, "the lab took \(lab.startupSeconds) s to start")
        print("registry lab started in \(String(format: "%.2f", lab.startupSeconds)) s: \(description.versions)")
    }

    @Test("plain: HTTP, no auth; every image answers with its digest and media type; unknown tag and repository")
    func plainImages() throws {
        let lab = try RegistryLab.shared
        #expect(try lab.request(.plain, "/v2/").status == 200)
        for (reference, image) in lab.description.images {
            let answer = try lab.request(.plain, "/v2/\(image.repository)/manifests/\(image.tag)", method: "HEAD")
            #expect(answer.status == 200, "\(reference): \(answer.status) \(answer.error)")
            #expect(answer.header("docker-content-digest") == image.digest, "\(reference)")
            #expect(answer.header("content-type") == image.mediaType, "\(reference)")
        }
        for child in lab.image("dockerlist:1.0").manifests ?? [] {
            let answer = try lab.request(.plain, "/v2/dockerlist/manifests/\(child.digest)", method: "HEAD")
            #expect(answer.status == 200 && answer.header("content-type") == child.mediaType, "\(child.platform)")
        }
        let big = try lab.request(.plain, "/v2/big/manifests/1.0")
        #expect(big.body.contains("\"size\": \(lab.description.bigLayerSize)"), "\(big.body)")
        let old = try lab.request(.plain, "/v2/old/manifests/1.0")
        #expect(old.header("content-type") == "application/vnd.docker.distribution.manifest.v1+prettyjws")
        #expect(old.body.contains("\"schemaVersion\": 1") && old.body.contains("\"signatures\""))

        let missingTag = try lab.request(.plain, "/v2/app/manifests/9.9")
        #expect(missingTag.status == 404 && missingTag.body.contains("MANIFEST_UNKNOWN"))
        let missingRepository = try lab.request(.plain, "/v2/nothere/tags/list")
        #expect(missingRepository.status == 404 && missingRepository.body.contains("NAME_UNKNOWN"))
        let tags = try lab.request(.plain, "/v2/app/tags/list")
        for tag in ["1.0", "1.1", "1.27.3"] { #expect(tags.body.contains("\"\(tag)\"")) }
    }

    @Test("tls: htpasswd Basic auth over TLS; alice and bob get in, a wrong password does not; the log has the header")
    func basicAuth() throws {
        let lab = try RegistryLab.shared
        let anonymous = try lab.request(.tls, "/v2/app/manifests/1.0")
        #expect(anonymous.status == 401)
        #expect(anonymous.header("www-authenticate") == "Basic realm=\"pullcheck-lab\"")
        let alice = try lab.request(.tls, "/v2/private/app/manifests/1.0", method: "HEAD", user: "alice")
        #expect(alice.status == 200 && alice.header("docker-content-digest") == lab.image("private/app:1.0").digest)
        #expect(try lab.request(.tls, "/v2/private/app/manifests/1.0", method: "HEAD", user: "bob").status == 200)
        let wrong = try lab.request(.tls, "/v2/app/manifests/1.0", extra: ["-u", "alice:not-the-password"])
        #expect(wrong.status == 401)
        let logged = lab.requests(receivedBy: .tls).filter { $0.basicCredentials?.user == "alice" }
        #expect(logged.contains { $0.carries(lab.password("alice")) && $0.uri == "/v2/private/app/manifests/1.0" })
        // Without the lab's CA, the certificate is not trusted.
        #expect(try lab.request(.tls, "/v2/", ca: lab.description.otherCA).curlExit == 60)
    }

    @Test("token: Bearer challenge; anonymous public/, alice private/, bob refused, OAuth2 password and refresh grants")
    func bearerAuth() throws {
        let lab = try RegistryLab.shared
        let token = lab[.token]
        let challenge = try lab.request(.token, "/v2/public/app/manifests/1.0")
        #expect(challenge.status == 401)
        #expect(
            challenge.header("www-authenticate")
                == "Bearer realm=\"\(token.realm!)\",service=\"pullcheck-lab\",scope=\"repository:public/app:pull\"")

        func pull(_ repository: String, with answer: HTTPAnswer) throws -> HTTPAnswer {
            let body = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            let accessToken = try #require(body?["access_token"] as? String, "\(answer.status) \(answer.body)")
            return try lab.request(
                .token, "/v2/\(repository)/manifests/1.0", method: "HEAD", headers: ["Authorization: Bearer " + accessToken])
        }
        func tokenGET(_ scope: String, user: String? = nil) throws -> HTTPAnswer {
            var arguments = ["-s", "-S", "-i", "--cacert", lab.description.ca]
            if let user { arguments += ["-u", user + ":" + lab.password(user)] }
            return try RegistryLab.curl(arguments + [token.realm! + "?service=pullcheck-lab&scope=repository:\(scope):pull"])
        }
        func tokenPOST(_ form: String) throws -> HTTPAnswer {
            try RegistryLab.curl(["-s", "-S", "-i", "--cacert", lab.description.ca, "--data", form, token.realm!])
        }

        #expect(try pull("public/app", with: tokenGET("public/app")).status == 200)
        let anonymousPrivate = try pull("private/app", with: tokenGET("private/app"))
        #expect(anonymousPrivate.status == 401)
        #expect(anonymousPrivate.header("www-authenticate")?.contains("error=\"insufficient_scope\"") == true)
        #expect(try pull("private/app", with: tokenGET("private/app", user: "alice")).status == 200)
        #expect(try pull("private/app", with: tokenGET("private/app", user: "bob")).status == 401)
        #expect(try tokenGET("private/app", user: nil).status == 200)
        let wrongPassword = try RegistryLab.curl([
            "-s", "-i", "--cacert", lab.description.ca, "-u", "alice:wrong", token.realm! + "?service=pullcheck-lab",
        ])
        #expect(wrongPassword.status == 401)

        let password = try tokenPOST(
            "grant_type=password&username=alice&password=\(lab.password("alice"))&service=pullcheck-lab"
                + "&scope=repository:private/multi:pull&client_id=pullcheck-tests&access_type=offline")
        #expect(password.body.contains(lab.description.accounts["alice"]!.identityToken))
        #expect(try pull("private/multi", with: password).status == 200)
        let refresh = try tokenPOST(
            "grant_type=refresh_token&refresh_token=\(lab.description.accounts["alice"]!.identityToken)&service=pullcheck-lab"
                + "&scope=repository:private/multi:pull&client_id=pullcheck-tests")
        #expect(try pull("private/multi", with: refresh).status == 200)

        let tampered = try lab.request(.token, "/v2/public/app/manifests/1.0", headers: ["Authorization: Bearer e30.e30.AAAA"])
        #expect(tampered.header("www-authenticate")?.contains("error=\"invalid_token\"") == true)

        let seen = lab.tokenServerRequests()
        #expect(seen.contains { $0.method == "POST" && $0.carries(lab.password("alice")) && $0.status == 200 })
        #expect(seen.contains { $0.method == "GET" && $0.basicCredentials?.user == "bob" })
    }

    @Test("ratelimited: 429 with Retry-After and ratelimit headers; throttled/ allows one request per second per repository")
    func rateLimited() throws {
        let lab = try RegistryLab.shared
        let endpoint = lab[.ratelimited]
        #expect(try lab.request(.ratelimited, "/v2/").status == 200)
        for method in ["GET", "HEAD"] {
            let limited = try lab.request(.ratelimited, "/v2/app/manifests/1.0", method: method)
            #expect(limited.status == 429)
            #expect(limited.header("retry-after") == "1")
            #expect(limited.header("ratelimit-limit") == endpoint.ratelimitLimit)
            #expect(limited.header("ratelimit-remaining") == endpoint.ratelimitRemaining)
            if method == "GET" { #expect(limited.body.contains("TOOMANYREQUESTS")) }
        }
        // Two requests in one curl run (so the second follows at once): the first passes, the
        // second is over the limit; a second later the repository passes again. Only this test
        // uses throttled/armonly, so tests running at the same time do not share its budget.
        let url = endpoint.url + "/v2/throttled/armonly/manifests/1.0"
        let curl = try #require(RegistryLab.Program.curl.locate())
        let twice = try runProgram(
            curl,
            [
                "-s", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code}\n", "--cacert", endpoint.ca!, "-H",
                "Accept: " + RegistryLab.acceptAll, url, url,
            ])
        #expect(twice.output.split(separator: "\n") == ["200", "429"], "\(twice.output) \(twice.error)")
        Thread.sleep(forTimeInterval: 1.1)
        let later = try lab.request(.ratelimited, "/v2/throttled/armonly/manifests/1.0", method: "HEAD")
        #expect(later.status == 200 && later.header("docker-content-digest") == lab.image("armonly:1.0").digest)
    }

    @Test("hang, closed, badca, wronghost, expired: each fails the way it is documented")
    func failures() throws {
        let lab = try RegistryLab.shared
        let hang = try lab.request(.hang, "/v2/", timeout: 1)
        #expect(hang.curlExit == 28, "timeout: \(hang.error)")
        let closed = try lab.request(.closed, "/v2/")
        #expect(closed.curlExit == 7, "refused: \(closed.error)")

        let badCA = try lab.request(.badca, "/v2/", ca: lab.description.ca)
        #expect(badCA.curlExit == 60, "unknown authority: \(badCA.error)")
        #expect(try lab.request(.badca, "/v2/").status == 200, "with otherCA it is a working registry")

        let wrongHost = try lab.request(.wronghost, "/v2/")
        #expect(wrongHost.curlExit == 60 && wrongHost.error.contains("127.0.0.1"), "host name: \(wrongHost.error)")
        let port = lab[.wronghost].port
        let named = try RegistryLab.curl([
            "-s", "-S", "-i", "--cacert", lab.description.ca, "--resolve", "registry.example.test:\(port):127.0.0.1",
            "https://registry.example.test:\(port)/v2/",
        ])
        #expect(named.status == 200, "by the name in its certificate it is a working registry: \(named.error)")

        let expired = try lab.request(.expired, "/v2/")
        #expect(expired.curlExit == 60 && expired.error.contains("expired"), "expired: \(expired.error)")

        // The plain registry reached by https, and a TLS endpoint reached by http.
        #expect(try RegistryLab.curl(["-s", "-S", "-i", "https://" + lab[.plain].host + "/v2/"]).curlExit == 35)
        #expect(try RegistryLab.curl(["-s", "-S", "-i", "http://" + lab[.tls].host + "/v2/"]).status == 400)
    }

    @Test("redirect: 307 to another host; its target logs whether Authorization was forwarded")
    func redirect() throws {
        let lab = try RegistryLab.shared
        let endpoint = lab[.redirect]
        #expect(try lab.request(.redirect, "/v2/").status == 401)
        #expect(try lab.request(.redirect, "/v2/", user: "alice").status == 200)
        let moved = try lab.request(.redirect, "/v2/multi/manifests/1.0", user: "alice")
        #expect(moved.status == 307)
        #expect(moved.header("location") == endpoint.targetURL! + "/v2/multi/manifests/1.0")

        // curl drops credentials when a redirect changes host; with --location-trusted it
        // forwards them, and the target's log shows it. Distinct paths tell the two apart.
        let dropped = try lab.request(.redirect, "/v2/multi/manifests/1.0", method: "HEAD", user: "alice", extra: ["-L"])
        #expect(dropped.status == 200 && dropped.header("docker-content-digest") == lab.image("multi:1.0").digest)
        let forwarded = try lab.request(
            .redirect, "/v2/armonly/manifests/1.0", method: "HEAD", user: "bob", extra: ["-L", "--location-trusted"])
        #expect(forwarded.status == 200)
        let target = lab.redirectTargetRequests()
        let multi = target.filter { $0.uri == "/v2/multi/manifests/1.0" }
        #expect(!multi.isEmpty && multi.allSatisfy { $0.authorization == nil })
        #expect(target.contains { $0.uri == "/v2/armonly/manifests/1.0" && $0.carries(lab.password("bob")) })
        #expect(target.allSatisfy { $0.host.hasPrefix("localhost:") })
        #expect(!lab.allRequests().filter { $0.endpoint == "redirect-target" }.isEmpty)
    }

    @Test("lab.py: a lab of its own stops when its standard input closes and leaves nothing behind")
    func stopsAndCleansUp() throws {
        let lab = try RegistryLab.start()
        let storage = lab.description.storage
        let registries = lab.description.internal
        #expect(FileManager.default.fileExists(atPath: storage))
        lab.stop()
        #expect(!lab.isRunning)
        #expect(!FileManager.default.fileExists(atPath: storage), "storage \(storage) left behind")
        #expect(!FileManager.default.fileExists(atPath: lab.directory + "/lab.json"))
        for (name, host) in registries {
            let answer = try RegistryLab.curl(["-s", "-S", "-i", "--max-time", "5", "http://\(host)/v2/"])
            #expect(answer.curlExit == 7, "\(name) still answers at \(host)")
        }
    }

    @Test("RegistryLab.start: a lab that exits before READY is an error that quotes its standard error")
    func startFailure() throws {
        do {
            let lab = try RegistryLab.start(extraArguments: ["--bench-repos", "many"])
            lab.stop()
            Issue.record("the lab started with a bad argument")
        } catch let error as RegistryLabError {
            #expect(error.description.contains("exited with status 2"), "\(error)")
            #expect(error.description.contains("invalid int value"), "\(error)")
        }
    }

    @Test("lab.py: a missing program is a clear error and exit status 1, with nothing left running")
    func missingProgram() throws {
        let python = try #require(RegistryLab.python)
        // A PATH with python3 and openssl only: the lab must name the others and their packages.
        let bin = NSTemporaryDirectory() + "pullcheck-lab-path-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: bin) }
        try FileManager.default.createSymbolicLink(
            atPath: bin + "/openssl", withDestinationPath: try #require(RegistryLab.Program.openssl.locate()))
        let directory = bin + "/lab"
        let result = try runProgram(python, [RegistryLab.labScript, "--dir", directory, "--no-stdin"], environment: ["PATH": bin])
        #expect(result.status == 1)
        #expect(result.error.contains("htpasswd (Debian package apache2-utils)"), "\(result.error)")
        #expect(result.error.contains("docker-registry (Debian package docker-registry)"), "\(result.error)")
        #expect(!result.output.contains("READY"))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
