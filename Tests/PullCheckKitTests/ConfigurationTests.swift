import Testing

@testable import PullCheckKit

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Configuration")
struct ConfigurationTests {
    @Test("a full configuration is read")
    func full() throws {
        let text = """
            rules:
              latest-tag: error
              docker-hub-anonymous: on
              missing-tag: off
              always-pull-immutable: {enabled: true, severity: info}
            fail-level: error
            strict: true
            registries:
              public: [registry.example.com]
              private: [docker.io/acme]
              node-authenticated: ["*.registry.corp"]
            immutable-tags: ["v*.*.*"]
            external-secrets: [regcred, prod/vault]
            manifests-complete: true
            exclude: ["charts/**"]
            """
        let configuration = try ConfigurationLoader.load(text: text)
        #expect(configuration.severity(try #require(RuleRegistry.description(of: "latest-tag"))) == .error)
        #expect(configuration.isEnabled(try #require(RuleRegistry.description(of: "docker-hub-anonymous"))))
        #expect(!configuration.isEnabled(try #require(RuleRegistry.description(of: "missing-tag"))))
        #expect(configuration.severity(try #require(RuleRegistry.description(of: "always-pull-immutable"))) == .info)
        #expect(configuration.failLevel == .error)
        #expect(configuration.strict && configuration.manifestsComplete)
        #expect(configuration.registries.visibility(of: "registry.example.com").visibility == .public)
        #expect(configuration.registries.visibility(of: "docker.io", path: "acme/app").visibility == .private)
        #expect(configuration.registries.visibility(of: "docker.io", path: "acmeco/app").visibility == .public)
        #expect(configuration.registries.visibility(of: "eu.registry.corp").visibility == .nodeAuthenticated)
        #expect(configuration.isImmutableTag("v1.2.3") && !configuration.isImmutableTag("v1"))
        #expect(configuration.isExternalSecret(name: "vault", namespace: "prod"))
        #expect(!configuration.isExternalSecret(name: "vault", namespace: "dev"))
        #expect(configuration.origins["rules.latest-tag"] == ".pullcheck.yaml:2:3")
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let text: String
        let position: String
        let says: String
        var testDescription: String { says }
    }

    static let bad: [Bad] = [
        Bad(text: "rule:\n  latest-tag: off\n", position: "1:1", says: "unknown key \"rule\" (did you mean \"rules\"?)"),
        Bad(text: "rules:\n  latest-tags: off\n", position: "2:3", says: "unknown rule \"latest-tags\" (did you mean \"latest-tag\"?)"),
        Bad(text: "rules:\n  latest-tag: loud\n", position: "2:15", says: "rule setting must be on, off, error, warning or info"),
        Bad(text: "rules:\n  latest-tag: {level: error}\n", position: "2:16", says: "unknown rule setting \"level\""),
        Bad(text: "fail-level: high\n", position: "1:13", says: "fail-level must be one of error, warning, info, none"),
        Bad(text: "strict: maybe\n", position: "1:9", says: "strict must be true or false"),
        Bad(text: "registries:\n  secret: [a]\n", position: "2:3", says: "unknown registry list \"secret\""),
        Bad(text: "exclude: charts\n", position: "1:10", says: "exclude must be a list"),
        Bad(text: "rules:\n  yaml-syntax: off\n", position: "2:3", says: "cannot be switched off"),
        Bad(text: "rules: [\n", position: "2:1", says: "did not find expected node content"),
        Bad(text: "a: 1\n---\nb: 2\n", position: "2:1", says: "single YAML document"),
        Bad(text: "strict: true\nstrict: false\n", position: "2:1", says: "duplicate key \"strict\""),
    ]

    @Test("mistakes are errors with the file's line and column", arguments: bad)
    func errors(_ test: Bad) {
        do {
            _ = try ConfigurationLoader.load(text: test.text, name: "cfg.yaml")
            Issue.record("no error for \(test.text.debugDescription)")
        } catch {
            #expect(error.description.hasPrefix("cfg.yaml:\(test.position): "), "\(error)")
            #expect(error.description.contains(test.says), "\(error)")
        }
    }

    @Test("a bad configuration makes the CLI exit 64 with the position")
    func cliExit() throws {
        let directory = "/tmp/pullcheck-config-test-\(getpid())"
        mkdir(directory, 0o755)
        defer {
            unlink(directory + "/.pullcheck.yaml")
            rmdir(directory + "/sub")
            rmdir(directory)
        }
        let file = fopen(directory + "/.pullcheck.yaml", "w")
        fputs("rules:\n  no-such: off\n", file)
        fclose(file)
        mkdir(directory + "/sub", 0o755)
        // Found by walking up from a subdirectory.
        let run = runCLI(["-"], stdin: "a: 1\n", workingDirectory: directory + "/sub")
        #expect(run.status == 64)
        #expect(run.error.contains(directory + "/.pullcheck.yaml:2:3: unknown rule \"no-such\""))
        #expect(runCLI(["--no-config", "-"], stdin: "a: 1\n", workingDirectory: directory + "/sub").status == 0)
    }

    @Test("pullcheck config shows where each value comes from, as valid configuration")
    func show() throws {
        let directory = "/tmp/pullcheck-config-show-\(getpid())"
        mkdir(directory, 0o755)
        defer {
            unlink(directory + "/.pullcheck.yaml")
            rmdir(directory)
        }
        let file = fopen(directory + "/.pullcheck.yaml", "w")
        fputs("fail-level: error\nrules:\n  latest-tag: info\n", file)
        fclose(file)
        let run = runCLI(["config"], workingDirectory: directory)
        #expect(run.status == 0)
        #expect(run.output.contains("fail-level: error"))
        #expect(run.output.contains("# \(directory)/.pullcheck.yaml:1:1"))
        #expect(run.output.contains("  latest-tag: info"))
        #expect(run.output.contains("  missing-tag: warning"))
        // What it prints loads back as the same configuration.
        let reloaded = try ConfigurationLoader.load(text: run.output)
        #expect(reloaded.failLevel == .error)
        #expect(reloaded.severity(try #require(RuleRegistry.description(of: "latest-tag"))) == .info)
    }

    @Test("glob patterns")
    func globs() {
        #expect(GlobPattern("v*.*.*").matches("v1.2.3"))
        #expect(!GlobPattern("v*.*.*").matches("1.2.3"))
        #expect(GlobPattern("charts/**", separator: "/").matches("charts/a/templates/x.yaml"))
        #expect(!GlobPattern("charts/*", separator: "/").matches("charts/a/x.yaml"))
        #expect(GlobPattern("**/templates/**", separator: "/").matches("charts/x/templates/a.yaml"))
        #expect(GlobPattern("[a-c]?d", separator: "/").matches("bxd"))
        #expect(!GlobPattern("[!a-c]?d", separator: "/").matches("bxd"))
        #expect(GlobPattern("*.azurecr.io", separator: ".").matches("team.azurecr.io"))
        #expect(!GlobPattern("*.azurecr.io", separator: ".").matches("a.b.azurecr.io"))
        #expect(GlobPattern("*-docker.pkg.dev", separator: ".").matches("europe-west1-docker.pkg.dev"))
    }

    @Test("excluded paths are not walked")
    func exclude() {
        let collector = InputCollector(exclude: ["demo/"], workingDirectory: packageRoot)
        let collected = collector.collect(["testdata"]) { nil }
        #expect(!collected.inputs.isEmpty)
        #expect(!collected.inputs.contains { $0.displayName.contains("/demo/") })
    }
}

@Suite("Suppressions")
struct SuppressionTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations:
            ignore-check.pullcheck.io/missing-tag: "debugging image"
        spec:
          containers:
            - name: a
              image: nginx:latest # pullcheck:ignore latest-tag -- rebuilt daily
            - name: b
              # pullcheck:ignore latest-tag
              image: redis:latest
            - name: c
              image: busybox
            - name: d
              image: alpine:latest
        """

    @Test("annotations and comments suppress; the rest is reported")
    func suppress() {
        let report = lint(Self.pod)
        #expect(report.diagnostics.map { "\($0.ruleID)@\($0.span.start.line)" } == ["latest-tag@17"])
    }

    @Test("--no-ignore reports everything")
    func noIgnore() {
        var configuration = Configuration()
        configuration.noIgnore = true
        let report = lint(Self.pod, configuration: configuration)
        #expect(
            report.diagnostics.map { "\($0.ruleID)@\($0.span.start.line)" }.sorted()
                == ["latest-tag@10", "latest-tag@13", "latest-tag@17", "missing-tag@15"].sorted())
    }

    @Test("a suppression that suppresses nothing, or names an unknown rule, is reported")
    func unused() {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              annotations:
                ignore-check.pullcheck.io/tag-typo: "no typo here"
                ignore-check.pullcheck.io/latest-tagz: "misspelt"
            spec:
              containers:
                - name: a
                  image: nginx:1.27 # pullcheck:ignore latest-tag
            """
        let report = lint(text)
        #expect(
            report.diagnostics.map { "\($0.ruleID)@\($0.span.start.line):\($0.span.start.column)" }.sorted()
                == ["unused-suppression@11:25", "unused-suppression@6:5", "unused-suppression@7:5"])
        #expect(report.diagnostics.contains { $0.message.contains("unknown rule \"latest-tagz\"") })
    }

    @Test("pragma text inside a string is not a comment")
    func notAComment() {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              annotations:
                note: "write # pullcheck:ignore latest-tag to silence it"
            spec:
              containers:
                - name: a
                  image: nginx:latest
            """
        let report = lint(text)
        #expect(findingPositions(report, rule: "latest-tag") == ["10:20"])
        #expect(findingPositions(report, rule: "unused-suppression").isEmpty)
    }

    @Test("a suppression of a rule that is switched off is left alone")
    func disabledRule() {
        var configuration = Configuration()
        configuration.rules["latest-tag"] = .init(enabled: false)
        let report = lint(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: \"nginx:1\"} # pullcheck:ignore latest-tag\n",
            configuration: configuration)
        #expect(report.diagnostics.isEmpty)
    }
}
