import DistributionReference
import KubeletCredentials
import RegistryModel
import Synchronization
import Testing

@testable import PullCheckCLI
@testable import PullCheckKit

/// Answers every lookup with a fixed result and records the questions. The linter's side of the
/// online mode (which images, which credentials, which findings) is tested with it; the HTTP path is
/// tested against real registries in the end-to-end tests.
final class RecordingService: ImageLookupService {
    let answer: @Sendable (ImageLookup) -> LookupResult
    let asked = Mutex<[ImageLookup]>([])

    init(_ answer: @escaping @Sendable (ImageLookup) -> LookupResult) { self.answer = answer }

    func lookup(_ lookups: [ImageLookup], settings: OnlineSettings) -> [LookupResult] {
        asked.withLock { $0 += lookups }
        return lookups.map(answer)
    }

    var questions: [ImageLookup] { asked.withLock { $0 } }
}

func onlineLint(_ text: String, service: RecordingService, configuration extra: String = "") throws -> LintReport {
    var configuration = try ConfigurationLoader.load(text: "online: true\n" + extra)
    configuration.online.enabled = true
    var linter = Linter(configuration: configuration)
    linter.online = OnlineRun(service: service, settings: OnlineSettings(), localCredentials: .none)
    return linter.lint([LintInput(displayName: "test.yaml", content: .bytes(Array(text.utf8)))], jobs: 1)
}

private func result(_ status: LookupStatus, _ change: (inout LookupResult) -> Void = { _ in }) -> LookupResult {
    var result = LookupResult(status: status)
    change(&result)
    return result
}

@Suite("Online mode: the linter's side")
struct OnlineTests {
    static let secretAndPod = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: regcred
          namespace: shop
        type: kubernetes.io/dockerconfigjson
        stringData:
          .dockerconfigjson: '{"auths":{"registry.example.com":{"username":"robot","password":"canary-pw-1"},"registry.example.com/team":{"auth":"dGVhbTpjYW5hcnktcHctMg=="}}}'
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            spec:
              imagePullSecrets:
                - name: regcred
              containers:
                - name: web
                  image: registry.example.com/team/web:1.0
                - name: side
                  image: nginx:1.27.3
        """

    @Test("every container is asked about, with kubelet's credentials in kubelet's order")
    func credentialsInKubeletOrder() throws {
        let service = RecordingService { _ in result(.found) }
        let report = try onlineLint(Self.secretAndPod, service: service)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.message))")
        let questions = service.questions
        #expect(questions.count == 2)
        let web = try #require(questions.first { $0.repository == "team/web" })
        #expect(web.registry == "registry.example.com")
        #expect(web.tag == "1.0")
        // The longer key (with the path) first, as kubelet's keyring sorts them.
        #expect(web.podCredentials.map(\.username) == ["team", "robot"])
        #expect(web.podCredentials.map(\.password) == ["canary-pw-2", "canary-pw-1"])
        #expect(web.podCredentials[0].source == "secret shop/regcred, key \"registry.example.com/team\"")
        #expect(web.podCredentialsKnown)
        let hub = try #require(questions.first { $0.repository == "library/nginx" })
        #expect(hub.registry == "docker.io")
        #expect(hub.podCredentials.isEmpty)
        #expect(hub.platforms == ["linux/amd64"])
        #expect(report.online?.images == 2)
    }

    @Test("no lookups and no online findings without online mode")
    func offlineAsksNothing() {
        let service = RecordingService { _ in result(.notFound) }
        var linter = Linter(configuration: Configuration())
        linter.online = OnlineRun(service: service, settings: OnlineSettings(), localCredentials: .none)
        let report = linter.lint([LintInput(displayName: "t.yaml", content: .bytes(Array(Self.secretAndPod.utf8)))], jobs: 1)
        #expect(service.questions.isEmpty)
        #expect(report.online == nil)
    }

    @Test("each status becomes its rule's finding at the image")
    func statusesBecomeFindings() throws {
        let cases: [(LookupResult, String?)] = [
            (result(.notFound) { $0.tags = ["1.0", "1.1"] }, "image-not-found"),
            (result(.unauthorized) { $0.httpStatus = 401 }, "pull-unauthorized"),
            (result(.unreachable) { $0.unreachable = .dns(host: "registry.example.com") }, "registry-unreachable"),
            (result(.rateLimited) { $0.retryAfter = 30 }, "registry-rate-limited"),
            (result(.found) { $0.platformAvailable = false }, "platform-not-available"),
            (result(.found) { $0.schema1 = true }, "schema1-manifest"),
            (result(.found) { $0.size = 3 << 30 }, nil),  // image-too-large is off by default
            (result(.notChecked), nil),
            (result(.unreachable) { $0.unreachable = .clientUnavailable(detail: "no libcurl") }, nil),
        ]
        for (answer, rule) in cases {
            let service = RecordingService { _ in answer }
            let report = try onlineLint(Self.secretAndPod, service: service)
            let online = report.diagnostics.filter { RuleRegistry.description(of: $0.ruleID)?.isOnline == true }
            if let rule {
                #expect(online.map(\.ruleID) == [rule, rule], "\(answer.status)")
                let first = try #require(online.first)
                #expect(first.span.start.line == 22 && first.span.start.column == 18, "\(first.span)")
                #expect(first.container == "web")
                #expect(!first.message.contains("canary"))
            } else {
                #expect(online.isEmpty, "\(answer.status): \(online.map(\.message))")
            }
        }
    }

    @Test("image-too-large when on, with the configured limit")
    func sizeLimit() throws {
        let service = RecordingService { _ in result(.found) { $0.size = 3 << 30 } }
        let report = try onlineLint(Self.secretAndPod, service: service, configuration: "rules:\n  image-too-large: on\n")
        #expect(report.diagnostics.filter { $0.ruleID == "image-too-large" }.count == 2)
        #expect(service.questions.allSatisfy { $0.wantsSize })
        let quiet = try onlineLint(
            Self.secretAndPod, service: service, configuration: "image-size-limit: 4GiB\nrules:\n  image-too-large: on\n")
        #expect(quiet.diagnostics.filter { $0.ruleID == "image-too-large" }.isEmpty)
    }

    @Test("did-you-mean names the nearest existing tags")
    func nearestTags() {
        #expect(ImageNotFoundRule.nearestTags(to: "1.27.4", in: ["1.0", "1.1", "1.27.3", "2.0"]) == ["1.27.3"])
        #expect(ImageNotFoundRule.nearestTags(to: "lates", in: ["latest", "stable"]) == ["latest"])
        #expect(ImageNotFoundRule.nearestTags(to: "v9", in: []).isEmpty)
    }

    @Test("pull secrets that are not in the manifests make the pod's credentials unknown")
    func unknownSecrets() throws {
        let service = RecordingService { _ in result(.unauthorized) }
        let text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: shop
            spec:
              imagePullSecrets:
                - name: from-the-cluster
              containers:
                - name: web
                  image: registry.example.com/team/web:1.0
            """
        _ = try onlineLint(text, service: service)
        let question = try #require(service.questions.first)
        #expect(!question.podCredentialsKnown)
        #expect(question.podCredentials.isEmpty)
    }

    @Test("the registry's answer settles the offline guesses about anonymous pulls")
    func settlesOfflineGuesses() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
                - name: web
                  image: registry.example.com/team/web:1.0
            """
        let offline = lint(text)
        #expect(offline.diagnostics.map(\.ruleID) == ["missing-pull-secret"])
        let found = try onlineLint(text, service: RecordingService { _ in result(.found) })
        #expect(found.diagnostics.isEmpty, "\(found.diagnostics.map(\.message))")
        let denied = try onlineLint(text, service: RecordingService { _ in result(.unauthorized) { $0.httpStatus = 401 } })
        #expect(denied.diagnostics.map(\.ruleID) == ["pull-unauthorized"])
        let message = try #require(denied.diagnostics.first?.message)
        #expect(message.contains("denies anonymous access to team/web"), "\(message)")
        #expect(message.contains("ServiceAccount default is not in the manifests"), "\(message)")
    }

    @Test("node-authenticated registries are looked up as such")
    func nodeAuthenticated() throws {
        let service = RecordingService { _ in result(.notChecked) { $0.reason = "no local credentials" } }
        let text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
                - name: web
                  image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0
            """
        let report = try onlineLint(text, service: service)
        #expect(service.questions.first?.nodeAuthenticated == true)
        #expect(report.diagnostics.isEmpty)
        #expect(report.online?.notChecked.count == 1)
    }

    @Test("configuration keys")
    func configurationKeys() throws {
        let configuration = try ConfigurationLoader.load(
            text: """
                online: true
                platforms: [linux/amd64, linux/arm64/v8]
                online-timeout: 3
                certs-dir: certs
                image-size-limit: 500MB
                online-cache: false
                local-credentials: off
                tag-cache-ttl: 60
                """)
        #expect(configuration.online.enabled)
        #expect(configuration.online.platforms == ["linux/amd64", "linux/arm64/v8"])
        #expect(configuration.online.timeout == 3)
        #expect(configuration.online.certsDirectories == ["certs"])
        #expect(configuration.online.imageSizeLimit == 500_000_000)
        #expect(!configuration.online.useCache)
        #expect(!configuration.online.localCredentials)
        #expect(configuration.online.tagCacheSeconds == 60)
        for bad in ["platforms: [amd64]", "online-timeout: 0", "image-size-limit: 2 parsecs", "online: maybe"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try ConfigurationLoader.load(text: bad) }
        }
        #expect(OnlineConfiguration.parseSize("2GiB") == 2 << 30)
        #expect(OnlineConfiguration.formatSize(3 << 30) == "3 GiB")
        #expect(OnlineConfiguration.formatSize(1_572_864) == "1.5 MiB")
    }

    @Test("--online without a registry client is a clear error, exit 2")
    func noClient() {
        let run = runCLI(["--online", "testdata/demo"])
        #expect(run.status == ExitStatus.inputError)
        #expect(run.error.contains("registry client"), "\(run.error)")
        let inspect = runCLI(["inspect-image", "--online", "nginx"])
        #expect(inspect.status == ExitStatus.inputError)
    }

    @Test("a registry client that cannot start (no libcurl) is one error line and exit 2")
    func clientCannotStart() {
        let error = Capture()
        var environment = CLIEnvironment(
            arguments: ["--online", "--no-config", "testdata/demo/clean.yaml"], writeOutput: { _ in }, writeError: { error.text += $0 },
            readStandardInput: { .success([]) }, outputIsTerminal: false, variable: { _ in nil }, workingDirectory: packageRoot)
        environment.makeLookupService = { _ in
            .failure(OnlineProblem("--online needs libcurl (no libcurl.so.4): install the libcurl4 package"))
        }
        #expect(PullCheckCLI.run(environment) == ExitStatus.inputError)
        #expect(error.text.contains("install the libcurl4 package"), "\(error.text)")
    }

    @Test("the runner's docker config: auths by kubelet's matching; helpers never run for other hosts")
    func localCredentials() throws {
        let config = Array(
            #"{"auths":{"registry.example.com":{"auth":"bWU6bG9jYWwtcHc="},"https://index.docker.io/v1/":{"username":"hub","password":"hub-pw"}},"credHelpers":{"gcr.io":"gcloud"}}"#
                .utf8)
        let file = try #require(LocalCredentials.parse(config, source: "~/.docker/config.json"))
        let credentials = LocalCredentials(files: [file], helperTimeout: 1)
        guard case .success(let private_) = ImageReference.parse("registry.example.com/team/web:1.0"),
            case .success(let hub) = ImageReference.parse("nginx")
        else {
            Issue.record("references did not parse")
            return
        }
        #expect(credentials.credentials(for: private_).map(\.username) == ["me"])
        #expect(credentials.credentials(for: private_).first?.source == "~/.docker/config.json")
        #expect(credentials.credentials(for: hub).map(\.username) == ["hub"])
        #expect(LocalCredentials.parse(Array("not json".utf8), source: "x") == nil)
        #expect(!DockerClientConfig.isHelperName("../evil"))
    }

    @Test("child processes: output, exit status and the deadline")
    func childProcess() {
        #expect(ChildProcess.run("/bin/cat", arguments: [], input: Array("hello".utf8), timeout: 5) == Array("hello".utf8))
        #expect(ChildProcess.run("/bin/false", arguments: [], input: [], timeout: 5) == nil)
        #expect(ChildProcess.run("/nonexistent/helper", arguments: [], input: [], timeout: 5) == nil)
        let start = ChildProcess.monotonicSeconds()
        #expect(ChildProcess.run("/bin/sleep", arguments: ["10"], input: [], timeout: 0.3) == nil)
        #expect(ChildProcess.monotonicSeconds() - start < 5)
    }
}
