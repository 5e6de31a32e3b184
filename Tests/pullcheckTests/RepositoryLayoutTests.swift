import Foundation
import ProgramTestSupport
import Testing

/// A first run at the root of repositories shaped like real ones (testdata/repos): Helm charts,
/// Kustomize bases, overlays and patches, other tools' template text, files that are not
/// manifests, ignored folders. Only the real problems may be reported.
@Suite("Real repositories: a first run with no configuration")
struct RepositoryLayoutTests {
    static let firstRun = packageRoot + "/testdata/repos/first-run"

    @Test("a run at the repository root reports exactly the real problems")
    func firstRunAtTheRoot() throws {
        let result = try run(pullcheckBinary, ["--statistics", "--color", "never"], directory: Self.firstRun)
        try expectGolden(result.output, packageRoot + "/testdata/repos/first-run.txt")
        #expect(result.status == 1, "findings, but no input error: \(result.error)")
        for quiet in [
            "templates/", "replicas.yaml", "resources.yaml", "monitoring/", "argo/", "node_modules", "docker-compose",
            "k8s/base/deployment.yaml",
        ] {
            #expect(!findingLines(result.output).contains { $0.contains(quiet) }, "a finding in \(quiet)")
        }
    }

    @Test("named files as a hook passes them: chart templates and non-manifests are skipped with --force-exclude")
    func namedFiles() throws {
        let template = "deploy/eck-operator/templates/statefulset.yaml"
        // A chart template is never linted as YAML, named or not.
        let named = try run(pullcheckBinary, ["--quiet", template], directory: Self.firstRun)
        #expect(named.status == 0 && named.output.isEmpty, "\(named.output)")
        // A named file that is not YAML stays an error, unless the hook asks for walking rules.
        let strict = try run(pullcheckBinary, ["--quiet", "tsconfig.json"], directory: Self.firstRun)
        #expect(strict.status == 2)
        let hook = try run(pullcheckBinary, ["--quiet", "--force-exclude", "tsconfig.json", template], directory: Self.firstRun)
        #expect(hook.status == 0 && hook.output.isEmpty, "\(hook.output)")
    }

    @Test("a folder named on the command line is searched even when .gitignore leaves it out, as ripgrep does")
    func ignoredFolderNamed() throws {
        let result = try run(pullcheckBinary, ["--quiet", "node_modules"], directory: Self.firstRun)
        #expect(result.output.contains("node_modules/pkg/pod.yaml:8:14: error:"), "\(result.output)")
        let walked = try run(pullcheckBinary, ["--quiet", "--no-ignore-vcs", "."], directory: Self.firstRun)
        #expect(walked.output.contains("node_modules/pkg/pod.yaml"), "\(walked.output)")
    }

    @Test("a base named alone still sees the overlay that sets its tags; --no-project-context does not")
    func baseAlone() throws {
        let base = "k8s/base/deployment.yaml"
        let alone = try run(pullcheckBinary, ["--quiet", base], directory: Self.firstRun)
        #expect(alone.status == 0 && alone.output.isEmpty, "\(alone.output)")
        let without = try run(pullcheckBinary, ["--quiet", "--no-project-context", base], directory: Self.firstRun)
        #expect(without.status == 1)
        #expect(findingLines(without.output).count == 2)
    }

    @Test("an editor's buffer is judged as the file it names: patch, chart template, excluded file")
    func standardInput() throws {
        for (name, expected) in [
            ("k8s/overlays/prod/replicas.yaml", ""), ("deploy/eck-operator/templates/statefulset.yaml", ""),
        ] {
            let text = try String(contentsOfFile: Self.firstRun + "/" + name, encoding: .utf8)
            let result = try run(
                pullcheckBinary, ["--quiet", "--stdin-filename", name, "-"], stdin: Data(text.utf8), directory: Self.firstRun)
            #expect(result.output == expected, "\(name): \(result.output)")
            #expect(result.status == 0)
        }
    }

    @Test("exclude patterns are relative to the configuration's folder, match at any depth without a slash, and apply to --stdin-filename")
    func excludePatterns() throws {
        let project = packageRoot + "/testdata/repos/exclude/config-below"
        for directory in [project, project + "/sub"] {
            let result = try run(pullcheckBinary, ["--quiet", "--config", project + "/.pullcheck.yaml", project], directory: directory)
            let files = Set(findingLines(result.output).map { String($0.prefix { $0 != ":" }) })
            #expect(files == [project + "/sub/deep/kept.yaml"], "from \(directory): \(result.output)")
        }
        // Found by walking up from the working directory; `./` in the output is normalised for matching.
        let fromSub = try run(pullcheckBinary, ["--quiet", "."], directory: project + "/sub")
        #expect(Set(findingLines(fromSub.output).map { String($0.prefix { $0 != ":" }) }) == ["./deep/kept.yaml"], "\(fromSub.output)")
        let pod = try String(contentsOfFile: project + "/generated/pod.yaml", encoding: .utf8)
        let stdin = try run(
            pullcheckBinary, ["--quiet", "--stdin-filename", "generated/pod.yaml", "-"], stdin: Data(pod.utf8), directory: project)
        #expect(stdin.status == 0 && stdin.output.isEmpty, "\(stdin.output)")
    }

    @Test("--exit-zero writes the report and exits 0, even for input errors")
    func exitZero() throws {
        let result = try run(
            pullcheckBinary, ["--quiet", "--exit-zero", "--format", "sarif", "tsconfig.json", "legacy"], directory: Self.firstRun)
        #expect(result.status == 0)
        #expect(result.output.contains("\"ruleId\": \"invalid-image-ref\""))
    }
}

/// The finding lines of text output (`file:line:column: severity: ...`).
func findingLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { line in
        line.contains(": error: ") || line.contains(": warning: ") || line.contains(": info: ")
    }
}

/// Compares `actual` with the golden file, or rewrites it with PULLCHECK_UPDATE=1.
func expectGolden(_ actual: String, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    if ProcessInfo.processInfo.environment["PULLCHECK_UPDATE"] == "1" {
        try actual.write(toFile: path, atomically: true, encoding: .utf8)
        return
    }
    let expected = try? String(contentsOfFile: path, encoding: .utf8)
    #expect(actual == expected, "differs from \(path); run with PULLCHECK_UPDATE=1 and review the diff", sourceLocation: sourceLocation)
}
