import Foundation
import ProgramTestSupport
import RegistryClient
import RegistryLabSupport
import RegistryModel
import Testing

@testable import PullCheckKit

/// Online mode against real registries on 127.0.0.1 (the registry lab): every rule's examples,
/// every failure through the real executables in every format, the credential promises, the cache,
/// and an offline run that opens no socket.
@Suite("Online mode against the registry lab", RegistryLab.enabled(), .serialized)
struct OnlineEndToEndTests {
    // MARK: Rule examples

    struct ExampleCase: CustomTestStringConvertible, Sendable {
        let rule: RuleDescription
        let example: Example
        let triggering: Bool
        let index: Int
        var testDescription: String { "\(rule.id) \(triggering ? "triggering" : "non-triggering") #\(index + 1)" }

        static let all: [ExampleCase] = RuleRegistry.descriptions.filter(\.isOnline).flatMap { rule in
            rule.triggeringExamples.enumerated().map { ExampleCase(rule: rule, example: $1, triggering: true, index: $0) }
                + rule.nonTriggeringExamples.enumerated().map { ExampleCase(rule: rule, example: $1, triggering: false, index: $0) }
        }
    }

    @Test("every online rule's examples, against the lab", arguments: ExampleCase.all)
    func ruleExample(_ test: ExampleCase) throws {
        let lab = try RegistryLab.shared
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certs = try HostMap.make(lab).write(under: directory)
        var configuration = try ConfigurationLoader.load(text: test.example.configuration ?? "online: true")
        configuration.online.certsDirectories = [certs]
        var settings = OnlineSettings()
        settings.certsDirectories = [certs]
        settings.useCache = false
        let service = RegistryLookupService(transport: CurlTransport(proxy: .direct), hosts: HostsConfiguration(directories: [certs]))
        var linter = Linter(configuration: configuration)
        linter.online = OnlineRun(service: service, settings: settings, localCredentials: .none)
        let report = linter.lint([LintInput(displayName: "example.yaml", content: .bytes(Array(test.example.strippedCode.utf8)))], jobs: 1)
        let found = report.diagnostics.filter { $0.ruleID == test.rule.id }.map(\.span.start)
        let expected = test.triggering ? test.example.markedPositions : []
        let location = SourceLocation(
            fileID: "\(test.example.file)", filePath: "\(test.example.file)", line: Int(test.example.line), column: 1)
        #expect(found == expected, "\(test.rule.id): \(report.diagnostics.map { "\($0.ruleID): \($0.message)" })", sourceLocation: location)
    }

    // MARK: Rule fixtures

    /// `testdata/rules/<online rule>/<name>.yaml`, run through the executables as FixtureTests runs
    /// the offline ones (with `--online` and the lab's certs.d), against `<name>.txt`. The lab's
    /// ports change from run to run: its `host:port`s are shown as `<lab>` in the comparison.
    struct FixtureCase: CustomTestStringConvertible, Sendable {
        let rule: String
        let name: String
        var testDescription: String { "\(rule)/\(name)" }

        static let all: [FixtureCase] = RuleRegistry.descriptions.filter(\.isOnline).flatMap { rule in
            let folder = packageRoot + "/testdata/rules/" + rule.id
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted().map {
                FixtureCase(rule: rule.id, name: String($0.dropLast(5)))
            }
        }
    }

    @Test("every online rule's fixtures, against the lab", arguments: FixtureCase.all)
    func fixture(_ test: FixtureCase) throws {
        let lab = try RegistryLab.shared
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let certs = try HostMap.make(lab).write(under: home)
        let folder = "testdata/rules/\(test.rule)"
        var arguments = [
            "--online", "--quiet", "--no-config", "--no-project-context", "--color", "never", "--no-cache", "--online-timeout", "3",
            "--certs-dir", certs,
        ]
        if FileManager.default.fileExists(atPath: packageRoot + "/" + folder + "/.pullcheck.yaml") {
            arguments += ["--config", folder + "/.pullcheck.yaml"]
        }
        let result = try pullcheck(arguments + ["\(folder)/\(test.name).yaml"], home: home)
        #expect(result.error.isEmpty, "\(result.error)")
        var output = result.output
        for endpoint in lab.description.endpoints.values {
            output = output.replacingOccurrences(of: endpoint.host, with: "<lab>")
            if let target = endpoint.target { output = output.replacingOccurrences(of: target, with: "<lab>") }
        }
        let expectedPath = packageRoot + "/\(folder)/\(test.name).txt"
        if ProcessInfo.processInfo.environment["PULLCHECK_UPDATE"] == "1" {
            try output.write(toFile: expectedPath, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(output == expected, "\(folder)/\(test.name).yaml")
        #expect(result.status == (expected.contains(": error: ") || expected.contains(": warning: ") ? 1 : 0))
    }

    // MARK: Every case through the executables

    /// One pod per case; the container name says what it shows.
    static func manifests(_ lab: RegistryLab) -> String {
        let alice = lab.password("alice")
        let cases: [(name: String, image: String, secret: String?)] = [
            ("found", "registry.example.com/public/app:1.27.3", nil),
            ("tagmissing", "registry.example.com/public/app:1.27.4", nil),
            ("repomissing", "registry.example.com/public/ap:1.0", nil),
            ("denied", "registry.example.com/private/app:1.0", nil),
            ("goodsecret", "registry.example.com/private/app:1.1", "good"),
            ("badsecret", "basic.example.com/app:1.0", "bad"),
            ("basicok", "basic.example.com/app:1.1", "basic"),
            ("dns", "registry.example.invalid/app:1.0", nil),
            ("refused", "closed.example.com/app:1.0", nil),
            ("timeout", "hang.example.com/app:1.0", nil),
            ("unknownca", "badca.example.com/app:1.0", nil),
            ("wronghost", "wronghost.example.com/app:1.0", nil),
            ("expired", "expired.example.com/app:1.0", nil),
            ("plainhttp", "plain.example.com/app:1.0", nil),
            ("tlsasplain", "tlsasplain.example.com/app:1.0", nil),
            ("armonly", "registry.example.com/public/armonly:1.0", nil),
            ("schema1", "registry.example.com/public/old:1.0", nil),
            ("limited", "ratelimited.example.com/app:1.0", nil),
            ("redirected", "redirect.example.com/app:1.0", "redirect"),
            ("mirrorfallback", "mirrored.example.com/public/app:1.0", nil),
            ("viamirror", "viamirror.example.com/public/app:1.0", nil),
        ]
        let secrets = [
            ("good", "registry.example.com", alice), ("bad", "basic.example.com", "not-" + alice), ("basic", "basic.example.com", alice),
            ("redirect", "redirect.example.com", alice),
        ]
        var text = secrets.map { name, host, password in
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: \(name), namespace: lab}
            type: kubernetes.io/dockerconfigjson
            data:
              .dockerconfigjson: \(dockerConfig(host, user: "alice", password: password))
            ---

            """
        }.joined()
        text += """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: default, namespace: lab}

            """
        for entry in cases {
            text += """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: \(entry.name), namespace: lab}
                spec:
                \(entry.secret.map { "  imagePullSecrets: [{name: \($0)}]\n" } ?? "")  containers:
                    - name: \(entry.name)
                      image: \(entry.image)

                """
        }
        return text
    }

    /// The rule each container must get (nil: no finding), and a phrase its message must hold.
    static let expected: [String: (rule: String?, phrase: String)] = [
        "found": (nil, ""),
        "tagmissing": ("image-not-found", "did you mean \"1.27.3\""),
        "repomissing": ("image-not-found", "no repository public/ap"),
        "denied": ("pull-unauthorized", "denies anonymous access"),
        "goodsecret": (nil, ""),
        "badsecret": ("pull-unauthorized", "secret lab/bad, key \"basic.example.com\""),
        "basicok": (nil, ""),
        "dns": ("registry-unreachable", "does not resolve"),
        "refused": ("registry-unreachable", "connection refused"),
        "timeout": ("registry-unreachable", "did not answer within 2 s"),
        "unknownca": ("registry-unreachable", "x509: certificate signed by unknown authority"),
        "wronghost": ("registry-unreachable", "for another host name"),
        "expired": ("registry-unreachable", "has expired"),
        "plainhttp": ("registry-unreachable", "server gave HTTP response to HTTPS client"),
        "tlsasplain": ("registry-unreachable", "client sent an HTTP request to an HTTPS server"),
        "armonly": ("platform-not-available", "offers only linux/arm64"),
        "schema1": ("schema1-manifest", "schema 1"),
        "limited": ("registry-rate-limited", "ratelimit-remaining 0;w=21600"),
        "redirected": (nil, ""),
        "mirrorfallback": (nil, ""),
        "viamirror": (nil, ""),
    ]

    @Test("each case gets its rule, message and position, in every format; no credential is printed or misdirected")
    func everyCase() throws {
        let lab = try RegistryLab.shared
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let certs = try HostMap.make(lab).write(under: home)
        let file = home + "/lab.yaml"
        let text = Self.manifests(lab)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Only the file itself: no project around it.
        let arguments = ["--online", "--no-config", "--no-project-context", "--certs-dir", certs, "--online-timeout", "2", "--no-cache"]

        let json = try pullcheck(arguments + ["--format", "json", "--statistics", file], home: home)
        #expect(json.status == 1, "\(json.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        for (container, want) in Self.expected {
            let all = findings.filter { $0["container"] as? String == container }
            // The registry's answer settles the offline guesses about credentials (except a 429, which says nothing).
            if container != "limited" {
                #expect(!all.contains { $0["rule"] as? String == "missing-pull-secret" }, "\(container)")
            }
            let mine = all.filter { RuleRegistry.description(of: $0["rule"] as? String ?? "")?.isOnline == true }
            guard let rule = want.rule else {
                #expect(mine.isEmpty, "\(container): \(mine.map { $0["message"] ?? "" })")
                continue
            }
            #expect(
                mine.map { $0["rule"] as? String } == [rule], "\(container): \(mine.map { "\($0["rule"] ?? ""): \($0["message"] ?? "")" })")
            guard let finding = mine.first, let message = finding["message"] as? String, let line = finding["line"] as? Int,
                let column = finding["column"] as? Int
            else { continue }
            #expect(message.contains(want.phrase), "\(container): \(message)")
            // The position is the image's value.
            let source = String(lines[line - 1])
            #expect(source.dropFirst(column - 1).hasPrefix(finding["image"] as? String ?? "?"), "\(container): \(source) at \(column)")
        }
        let online = try #require(object["online"] as? [String: Any])
        #expect(online["images"] as? Int == Self.expected.count)

        // Every format carries the same findings; none prints a credential.
        var outputs = [json.output + json.error]
        for format in ["text", "sarif", "github", "junit"] {
            let result = try pullcheck(arguments + ["--format", format, file], home: home)
            #expect(result.status == 1, "\(format): \(result.error)")
            #expect(result.output.contains("registry-unreachable") && result.output.contains("pull-unauthorized"), "\(format)")
            outputs.append(result.output + result.error)
        }
        for secret in [lab.password("alice"), "not-" + lab.password("alice")] {
            #expect(!outputs.contains { $0.contains(secret) }, "a credential was printed")
        }

        // Credentials went only to the registry they are for and to its token realm.
        let alice = lab.password("alice")
        // Only pullcheck's requests: other suites share the lab (and send credentials on purpose).
        func fromPullcheck(_ request: LoggedRequest) -> Bool { request.userAgent?.hasPrefix("pullcheck/") == true }
        for request in lab.allRequests() where fromPullcheck(request) && request.carries(alice) {
            #expect(
                ["tls", "token-server", "redirect"].contains(request.endpoint),
                "alice's password reached \(request.endpoint): \(request.uri)")
        }
        #expect(!lab.redirectTargetRequests().contains { fromPullcheck($0) && $0.authorization != nil }, "Authorization crossed a redirect")
        #expect(
            lab.redirectTargetRequests().contains { fromPullcheck($0) && $0.uri.contains("/v2/app/manifests/1.0") },
            "the redirect was not followed")
    }

    @Test("a second run with a warm cache makes no request")
    func warmCache() throws {
        let lab = try RegistryLab.shared
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let certs = try HostMap.make(lab).write(under: home)
        let file = home + "/pod.yaml"
        try """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - {name: web, image: "registry.example.com/public/app:1.27.3"}
            - {name: gone, image: "registry.example.com/public/app:1.27.4"}
            - {name: multi, image: "registry.example.com/public/multi:1.0"}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let arguments = ["--online", "--no-config", "--no-project-context", "--certs-dir", certs, "--format", "json", "--statistics", file]
        func requests(_ result: ProcessResult) throws -> (Int, Int) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            let online = try #require(object["online"] as? [String: Any])
            return (online["requests"] as? Int ?? -1, online["cacheHits"] as? Int ?? -1)
        }
        let cold = try pullcheck(arguments, home: home)
        let before = lab.requests(receivedBy: .token).count
        let warm = try pullcheck(arguments, home: home)
        #expect(cold.output.contains("image-not-found") && warm.output.contains("image-not-found"))
        #expect(try requests(cold).0 > 0)
        #expect(try requests(warm) == (0, 3))
        #expect(lab.requests(receivedBy: .token).count == before, "the warm run reached the registry")
    }

    @Test("the runner's own credentials (an identity token in ~/.docker/config.json) tell \"exists, but the pod cannot pull it\"")
    func runnerCredentials() throws {
        let lab = try RegistryLab.shared
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let certs = try HostMap.make(lab).write(under: home)
        let token = try #require(lab.description.accounts["alice"]?.identityToken)
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try #"{"auths":{"registry.example.com":{"identitytoken":"\#(token)"}}}"#
            .write(toFile: home + "/.docker/config.json", atomically: true, encoding: .utf8)
        let file = home + "/pod.yaml"
        try """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default, namespace: lab}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: lab}
        spec:
          containers:
            - {name: web, image: "registry.example.com/private/app:1.0"}
            - {name: gone, image: "registry.example.com/private/app:9.9"}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let common = ["--online", "--no-config", "--no-cache", "--certs-dir", certs]
        let lint = try pullcheck(common + [file], home: home)
        #expect(lint.status == 1, "\(lint.error)")
        let lines = lint.output.split(separator: "\n")
        let web = try #require(lines.first { $0.contains("container \"web\"") })
        #expect(web.contains("[pull-unauthorized]") && web.contains("the image exists (your own credentials can pull it)"), "\(web)")
        let gone = try #require(lines.first { $0.contains("container \"gone\"") })
        #expect(gone.contains("[pull-unauthorized]") && gone.contains("does not exist either"), "\(gone)")
        #expect(!lint.output.contains(token))

        let inspect = try pullcheck(["inspect-image", "--format", "json"] + common + ["registry.example.com/private/app:1.0"], home: home)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(inspect.output.utf8)) as? [[String: Any]])
        let online = try #require(array.first?["online"] as? [String: Any])
        #expect(online["status"] as? String == "found", "\(inspect.output)")
        #expect(online["credential"] as? String == "~/.docker/config.json")
        #expect(!inspect.output.contains(token))
        // The identity token went to the token server only (as an OAuth2 refresh token), never to a registry.
        for request in lab.allRequests() where request.userAgent?.hasPrefix("pullcheck/") == true && request.carries(token) {
            #expect(request.endpoint == "token-server", "the identity token reached \(request.endpoint)")
        }
        #expect(lab.tokenServerRequests().contains { $0.method == "POST" && $0.carries(token) })
        // --no-local-credentials leaves them out.
        let without = try pullcheck(
            ["inspect-image", "--format", "json", "--no-local-credentials"] + common + ["registry.example.com/private/app:1.0"], home: home)
        #expect(without.output.contains("\"unauthorized\""), "\(without.output)")
    }

    @Test("inspect-image --online reports the registry's answer under \"online\"")
    func inspectImage() throws {
        let lab = try RegistryLab.shared
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let certs = try HostMap.make(lab).write(under: home)
        let result = try pullcheck(
            [
                "inspect-image", "--online", "--no-config", "--no-cache", "--certs-dir", certs, "--format", "json",
                "registry.example.com/public/multi:1.0", "registry.example.com/public/app:9.9",
            ], home: home)
        #expect(result.status == 0, "\(result.error)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
        let multi = try #require(array.first?["online"] as? [String: Any])
        #expect(multi["status"] as? String == "found")
        #expect(multi["digest"] as? String == lab.image("public/multi:1.0").digest)
        #expect(multi["platforms"] as? [String] == ["linux/amd64", "linux/arm64"])
        #expect(multi["credential"] is NSNull)
        let missing = try #require(array.last?["online"] as? [String: Any])
        #expect(missing["status"] as? String == "not-found")
        #expect(missing["httpStatus"] as? Int == 404)
    }
}

/// On a terminal, lookups that take longer than a second show a progress line on standard error,
/// erased when they end (`script` gives the run a terminal).
@Suite("Online progress on a terminal", RegistryLab.enabled(also: [.init(name: "script", package: "bsdutils")]))
struct OnlineProgress {
    @Test func progressLine() throws {
        let lab = try RegistryLab.shared
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let certs = try HostMap.make(lab).write(under: home)
        let file = home + "/pod.yaml"
        try "apiVersion: v1\nkind: Pod\nmetadata: {name: slow}\nspec:\n  containers:\n    - {name: slow, image: hang.example.com/app:1.0}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let script = try #require(RegistryLab.Program(name: "script", package: "bsdutils").locate())
        let command = [
            binaryDirectory + "/pullcheck", "--online", "--no-config", "--no-cache", "--online-timeout", "2", "--certs-dir", certs, file,
        ]
        .map { "'\($0)'" }.joined(separator: " ")
        let result = try run(script, ["-qec", command, "/dev/null"], environment: ["HOME": home, "XDG_CACHE_HOME": home + "/cache"])
        #expect(result.output.contains("pullcheck: asking 1 registry about 1 image..."), "\(result.output)")
        #expect(result.output.contains("\r\u{1B}[K"), "the progress line is erased")
        #expect(result.output.contains("[registry-unreachable]"), "\(result.output)")
    }
}

/// An offline run opens no socket and never starts pullcheck-online (strace shows every system call).
@Suite("Offline runs stay offline", RegistryLab.enabled(also: [.strace]))
struct OfflineStaysOffline {
    @Test func noSocket() throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let strace = try #require(RegistryLab.Program.strace.locate())
        let log = home + "/trace"
        let result = try runProgram(
            strace,
            [
                "-f", "-qq", "-o", log, "-e", "trace=socket,connect,execve", binaryDirectory + "/pullcheck", "--no-config",
                packageRoot + "/testdata/demo",
            ],
            environment: ["HOME": home])
        #expect(result.status == 1 || result.status == 2, Comment(rawValue: result.error))
        let trace = try String(contentsOfFile: log, encoding: .utf8)
        #expect(!trace.contains("socket("), "\(trace)")
        #expect(!trace.contains("connect("), "\(trace)")
        #expect(trace.components(separatedBy: "execve(").count == 2, "\(trace)")
    }
}
