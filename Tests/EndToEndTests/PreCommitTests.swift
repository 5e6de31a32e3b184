import Foundation
import ProgramTestSupport
import Testing

/// The hooks in .pre-commit-hooks.yaml, run as a user runs them: a fresh git repository with a
/// `.pre-commit-config.yaml` that points at this package (as a local git URL) at its HEAD commit,
/// and `pre-commit run --all-files` from PyPI (in the virtualenv of `E2E`).
///
/// pre-commit clones the repository at that commit: uncommitted changes in the work tree, to
/// .pre-commit-hooks.yaml or to the sources, are not part of what these tests run; commit them
/// first. The `pullcheck` hook (language: swift) builds pullcheck with `swift build -c release` in
/// pre-commit's cache, here `.build/pre-commit-cache`, so it is slow once per commit (about two
/// minutes on two cores) and fast afterwards; `pullcheck-system` uses the binary on PATH.
@Suite(
    "pre-commit hooks, as a user runs them", E2E.needs("git", package: "git"), .enabled(if: E2E.venvAvailable, E2E.venvSkipReason),
    .serialized,
    .timeLimit(.minutes(30)))
struct PreCommitTests {
    static let cache = packageRoot + "/.build/pre-commit-cache"

    /// A pod on a private registry whose pull secret lives in another file and holds no
    /// credential for that registry, and a mutable tag. The registry mismatch is only found when
    /// both files are in one pullcheck process: what the hooks' `require_serial: true` is for.
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
        spec:
          imagePullSecrets:
            - name: regcred
          containers:
            - name: web
              image: registry.example.com/shop/web:latest

        """

    static func secret(registry: String) -> String {
        let config = #"{"auths":{"\#(registry)":{"auth":"dXNlcjpwYXNz"}}}"#
        return """
            apiVersion: v1
            kind: Secret
            metadata:
              name: regcred
              namespace: shop
            type: kubernetes.io/dockerconfigjson
            data:
              .dockerconfigjson: \(Data(config.utf8).base64EncodedString())

            """
    }

    @Test("hook pullcheck (language: swift) builds pullcheck from this repository, fails on findings, passes when fixed")
    func swiftHook() throws {
        try lintThenFix(hook: "pullcheck", name: "pullcheck", extraPath: nil)
    }

    @Test("hook pullcheck-system runs the pullcheck on PATH, fails on findings, passes when fixed")
    func systemHook() throws {
        let binDirectory = URL(fileURLWithPath: pullcheckBinary).deletingLastPathComponent().path
        try lintThenFix(hook: "pullcheck-system", name: "pullcheck (installed binary)", extraPath: binDirectory)
    }

    @Test("a commit that changes one file: the hook sees the ServiceAccount and Secret in the others (project context)")
    func oneFileCommit() throws {
        try E2E.requireVenv()
        let repository = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        _ = try git(["init", "-q"], in: repository)
        try FileManager.default.createDirectory(atPath: repository + "/k8s/shop", withIntermediateDirectories: true)
        try write(try Self.readmeSnippet(hook: "pullcheck-system"), to: repository + "/.pre-commit-config.yaml")
        let deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: shop
              namespace: shop
            spec:
              template:
                spec:
                  serviceAccountName: shop
                  containers:
                    - name: shop
                      image: registry.example.com/shop/web:1.4.2

            """
        try write(deployment, to: repository + "/k8s/shop/deploy.yaml")
        try write(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: shop\n  namespace: shop\nimagePullSecrets:\n  - name: regcred\n---\n"
                + Self.secret(registry: "registry.example.com"), to: repository + "/k8s/shop/access.yaml")
        // A tutorial's Deployment whose Secret is created by hand: not reported.
        try write(
            Self.pod.replacingOccurrences(of: "namespace: shop", with: "namespace: tutorial").replacingOccurrences(
                of: ":latest", with: ":2.0"),
            to: repository + "/k8s/tutorial.yaml")
        _ = try git(["add", "-A"], in: repository)
        let binDirectory = URL(fileURLWithPath: pullcheckBinary).deletingLastPathComponent().path
        let environment = [
            "PRE_COMMIT_HOME": Self.cache, "PATH": binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ]
        let preCommit = E2E.venv + "/bin/pre-commit"
        _ = try run(preCommit, ["autoupdate", "--bleeding-edge", "--freeze"], environment: environment, directory: repository)
        // The tag bump touches only deploy.yaml.
        try write(deployment.replacingOccurrences(of: ":1.4.2", with: ":1.4.3"), to: repository + "/k8s/shop/deploy.yaml")
        _ = try git(["add", "-A"], in: repository)
        let result = try run(
            preCommit, ["run", "--files", "k8s/shop/deploy.yaml", "k8s/tutorial.yaml"], environment: environment, directory: repository)
        #expect(
            result.status == 0,
            "pre-commit should pass: the ServiceAccount in access.yaml provides the pull secret\n\(result.output)\(result.error)")
    }

    func lintThenFix(hook: String, name: String, extraPath: String?) throws {
        try E2E.requireVenv()
        let head = try git(["rev-parse", "HEAD"], in: packageRoot)
        _ = try git(["cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"], in: packageRoot)

        let repository = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        _ = try git(["init", "-q"], in: repository)
        try FileManager.default.createDirectory(atPath: repository + "/k8s", withIntermediateDirectories: true)
        // The README's own snippet, pointed at this repository, pinned by the README's command.
        try write(try Self.readmeSnippet(hook: hook), to: repository + "/.pre-commit-config.yaml")
        try write(Self.pod, to: repository + "/k8s/web.yaml")
        try write(Self.secret(registry: "other.example.com"), to: repository + "/k8s/regcred.yaml")
        _ = try git(["add", "-A"], in: repository)

        var environment = ["PRE_COMMIT_HOME": Self.cache]
        if let extraPath { environment["PATH"] = extraPath + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }
        let preCommit = E2E.venv + "/bin/pre-commit"

        let update = try run(preCommit, ["autoupdate", "--bleeding-edge", "--freeze"], environment: environment, directory: repository)
        #expect(update.status == 0, "\(update.output)\(update.error)")
        let pinned = try String(contentsOfFile: repository + "/.pre-commit-config.yaml", encoding: .utf8)
        #expect(pinned.contains("rev: \(head)"), "autoupdate did not pin HEAD:\n\(pinned)")
        _ = try git(["add", "-A"], in: repository)

        let clock = ContinuousClock()
        let start = clock.now
        let failing = try run(preCommit, ["run", "--all-files"], environment: environment, directory: repository)
        let firstRun = clock.now - start
        let log = failing.output + failing.error
        #expect(failing.status == 1, "pre-commit should fail on the findings:\n\(log)")
        #expect(log.contains("\(name)...") && log.contains("Failed"), "\(log)")
        #expect(log.contains("- hook id: \(hook)"), "\(log)")
        #expect(log.contains("k8s/web.yaml:11:"), "\(log)")
        #expect(log.contains("[latest-tag]"), "\(log)")
        // Found only with both files in one process (require_serial).
        #expect(log.contains("[pull-secret-registry-mismatch]"), "\(log)")

        try write(Self.pod.replacingOccurrences(of: ":latest", with: ":1.4.2"), to: repository + "/k8s/web.yaml")
        try write(Self.secret(registry: "registry.example.com"), to: repository + "/k8s/regcred.yaml")
        _ = try git(["add", "-A"], in: repository)
        let warmStart = clock.now
        let passing = try run(preCommit, ["run", "--all-files"], environment: environment, directory: repository)
        let secondRun = clock.now - warmStart
        #expect(passing.status == 0, "pre-commit should pass once the manifests are fixed:\n\(passing.output)\(passing.error)")
        #expect(passing.output.contains("Passed"), "\(passing.output)")
        print("pre-commit hook \(hook) at \(head.prefix(12)): first run \(firstRun), second run \(secondRun)")
    }

    /// The `.pre-commit-config.yaml` block of the README, with this checkout as the repository.
    static func readmeSnippet(hook: String) throws -> String {
        let readme = try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "```yaml\n# .pre-commit-config.yaml\n"),
            let end = readme.range(of: "```", range: start.upperBound..<readme.endIndex)
        else { throw E2EError("README.md has no .pre-commit-config.yaml block") }
        let snippet = String(readme[start.upperBound..<end.lowerBound])
        guard snippet.contains("https://github.com/pullcheck/pullcheck"), snippet.contains("- id: pullcheck ") else {
            throw E2EError("the README's pre-commit block changed shape:\n\(snippet)")
        }
        return snippet.replacingOccurrences(of: "https://github.com/pullcheck/pullcheck", with: packageRoot)
            .replacingOccurrences(of: "- id: pullcheck ", with: "- id: \(hook) ")
    }

    func git(_ arguments: [String], in directory: String) throws -> String {
        let result = try run("/usr/bin/env", ["git"] + arguments, directory: directory)
        guard result.status == 0 else {
            throw E2EError("git \(arguments.joined(separator: " ")) in \(directory) failed: \(result.error)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
