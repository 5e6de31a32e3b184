import Testing

@testable import PullCheckKit

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Command line (in process)")
struct CLITests {
    @Test("a file of another project named from inside a repository gets none of the repository's context")
    func contextOnlyForTheProjectsOwnFiles() {
        // The working directory is this repository, whose testdata holds Secrets, ServiceAccounts
        // and a Kyverno policy that adds pull secrets; a file in /tmp is not part of it.
        let path = "/tmp/pullcheck-outside-\(getpid()).yaml"
        #expect(
            FileSystem.writeFile(
                path,
                contents: "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - {name: web, image: nginx:1.27.3}\n"
            ) == nil)
        defer { unlink(path) }
        let outside = runCLI(["--no-config", "--statistics", path], workingDirectory: packageRoot)
        #expect(!outside.output.contains("Project context:"), "\(outside.output)")
        let inside = runCLI(["--no-config", "--statistics", "testdata/demo/clean.yaml"], workingDirectory: packageRoot)
        #expect(inside.output.contains("Project context:"), "\(inside.output)")
    }

    static let clean = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: \"nginx:1.27\"}]\n"
    static let warning = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: \"nginx:latest\"}]\n"

    @Test("exit 0 without findings, 1 with, 2 for unparseable input, 64 for usage errors")
    func exitCodes() {
        #expect(runCLI(["--no-config", "-"], stdin: Self.clean).status == 0)
        #expect(runCLI(["--no-config", "-"], stdin: Self.warning).status == 1)
        #expect(runCLI(["--no-config", "--fail-level", "error", "-"], stdin: Self.warning).status == 0)
        #expect(runCLI(["--no-config", "--fail-level", "none", "-"], stdin: Self.warning).status == 0)
        #expect(runCLI(["--no-config", "-"], stdin: "a: [\n").status == 2)
        // 2 wins over 1.
        #expect(runCLI(["--no-config", "-"], stdin: Self.warning + "---\nb: {\n").status == 2)
        #expect(runCLI(["--no-config", "--bogus"]).status == 64)
        #expect(runCLI(["--no-config", "--format", "xml", "-"], stdin: Self.clean).status == 64)
        #expect(runCLI(["--no-config", "--jobs", "0", "-"], stdin: Self.clean).status == 64)
        #expect(runCLI(["--no-config", "testdata/does-not-exist.yaml"]).status == 2)
        #expect(runCLI(["explain", "no-such-rule"]).status == 64)
        #expect(runCLI(["--no-config", "-", "-"], stdin: Self.clean).status == 64)
    }

    @Test("usage errors name the problem and suggest a fix")
    func usageMessages() {
        let unknown = runCLI(["--formt", "json"])
        #expect(unknown.error.contains("unknown option --formt (did you mean --format?)"))
        let badRule = runCLI(["--disable", "latest-tags", "-"])
        #expect(badRule.error.contains("unknown rule \"latest-tags\""))
        #expect(runCLI(["--disable", "yaml-syntax", "-"]).status == 64)
    }

    @Test("standard input with --stdin-filename: the name appears in findings")
    func stdinName() {
        let run = runCLI(["--no-config", "--quiet", "--stdin-filename", "k8s/web.yaml", "-"], stdin: Self.warning)
        #expect(
            run.output
                == "k8s/web.yaml:5:40: warning: container \"c\" uses \"nginx:latest\" with the mutable tag latest; pin a version tag or a digest [latest-tag]\n"
        )
        let implicit = runCLI(["--no-config", "--quiet", "--stdin-filename", "web.yaml"], stdin: Self.warning)
        #expect(implicit.output.hasPrefix("web.yaml:5:40:"))
        let directory = runCLI(["--no-config", "--stdin-filename", "testdata", "-"], stdin: Self.warning)
        #expect(directory.status == 64)
        #expect(directory.error.contains("names a directory"))
    }

    @Test("text output: summary unless --quiet, statistics on request, source excerpts on a terminal")
    func textOutput() {
        let plain = runCLI(["--no-config", "-"], stdin: Self.warning)
        #expect(plain.output.hasSuffix("\nFound 1 problem (1 warning) in 1 file.\n"))
        let clean = runCLI(["--no-config", "-"], stdin: Self.clean)
        #expect(clean.output == "No problems found in 1 file.\n")
        let statistics = runCLI(["--no-config", "--quiet", "--statistics", "-"], stdin: Self.warning)
        #expect(statistics.output.contains("     1  latest-tag  warning\n"))
        let terminal = runCLI(["--no-config", "--quiet", "-"], stdin: Self.warning, terminal: true, environment: ["NO_COLOR": "1"])
        #expect(terminal.output.contains(" 5 |   containers: [{name: c, image: \"nginx:latest\"}]\n"))
        #expect(terminal.output.contains("   | " + String(repeating: " ", count: 39) + "^^^^^^\n"))
        #expect(!terminal.output.contains("\u{1B}["))
        let colour = runCLI(["--no-config", "--quiet", "-"], stdin: Self.warning, terminal: true)
        #expect(colour.output.contains("\u{1B}[1;33mwarning\u{1B}[0m"))
    }

    @Test("the JSON shape: version, findings with the documented keys, summary")
    func jsonShape() throws {
        let run = runCLI(["--no-config", "--format", "json", "--stdin-filename", "p.yaml", "-"], stdin: Self.warning)
        #expect(run.status == 1)
        let expected = """
            {
              "version": 1,
              "columnUnit": "character",
              "findings": [
                {
                  "rule": "latest-tag",
                  "severity": "warning",
                  "message": "container \\"c\\" uses \\"nginx:latest\\" with the mutable tag latest; pin a version tag or a digest",
                  "file": "p.yaml",
                  "line": 5,
                  "column": 40,
                  "endLine": 5,
                  "endColumn": 46,
                  "object": {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "name": "p"
                  },
                  "container": "c",
                  "image": "nginx:latest"
                }
              ],
              "summary": {
                "files": 1,
                "documents": 1,
                "objects": 1,
                "findings": 1,
                "errors": 0,
                "warnings": 1,
                "infos": 0
              }
            }

            """
        #expect(run.output == expected)
    }

    @Test("unreadable inputs are reported, the others still linted, exit 2")
    func unreadable() {
        let run = runCLI(["--no-config", "--quiet", "testdata/missing.yaml", "-"], stdin: Self.warning)
        #expect(run.status == 2)
        #expect(run.error.contains("testdata/missing.yaml: cannot read: No such file or directory"))
        #expect(run.output.contains("[latest-tag]"))
        let json = runCLI(["--no-config", "--format", "json", "testdata/missing.yaml"])
        #expect(json.output.contains("\"inputErrors\": ["))
    }

    @Test("a syntax error and a duplicate key in one file are both reported at their positions")
    func syntaxAndDuplicate() {
        let text =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: \"nginx:1.27\"\n      image: \"nginx:1.25\"\n---\nkind: [\n"
        let run = runCLI(["--no-config", "--quiet", "--stdin-filename", "f.yaml", "-"], stdin: text)
        #expect(run.status == 2)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("f.yaml:8:7: error: duplicate key \"image\": it is already defined at line 7, column 7") == true)
        #expect(lines.last?.hasPrefix("f.yaml:11:1: error:") == true)
        #expect(lines.last?.hasSuffix("[yaml-syntax]") == true)
    }

    @Test("rules, explain, config and help")
    func subcommands() {
        let rules = runCLI(["rules"])
        #expect(rules.status == 0)
        #expect(rules.output.split(separator: "\n").count == RuleRegistry.descriptions.count)
        let json = runCLI(["rules", "--format", "json"])
        #expect(json.output.contains("\"id\": \"latest-tag\""))
        let explain = runCLI(["explain", "latest-tag"])
        #expect(explain.output.hasPrefix("# Latest Tag (`latest-tag`)"))
        let config = runCLI(["config", "--no-config"])
        #expect(config.output.contains("fail-level: warning"))
        #expect(config.output.contains("latest-tag: warning"))
        #expect(runCLI(["--help"]).output.contains("USAGE: pullcheck [lint]"))
        #expect(runCLI(["help", "inspect-image"]).output.contains("inspect-image"))
        #expect(runCLI(["lint", "--help"]).output.contains("--stdin-filename"))
        #expect(runCLI(["--version"]).output == PullCheckVersion.current + "\n")
    }

    @Test("inspect-image: text, JSON with null keys, exit 1 when a reference is invalid")
    func inspectImage() {
        let ok = runCLI(["inspect-image", "--no-config", "nginx"])
        #expect(ok.status == 0)
        #expect(ok.output.contains("kubelet pulls       docker.io/library/nginx:latest"))
        let bad = runCLI(["inspect-image", "--no-config", "--format", "json", "Nginx:1.0"])
        #expect(bad.status == 1)
        #expect(bad.output.contains("\"error\": \"uppercase\""))
        #expect(bad.output.contains("\"domain\": null"))
        #expect(runCLI(["inspect-image"]).status == 64)
    }

    @Test("--column-unit counts columns in characters, UTF-16 code units or UTF-8 bytes")
    func columnUnits() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: \"é👍x\", image: \"nginx:latest\"}\n"
        func column(_ unit: String) -> String {
            let run = runCLI(["--no-config", "--quiet", "--column-unit", unit, "--stdin-filename", "p.yaml", "-"], stdin: text)
            return String(run.output.split(separator: " ").first ?? "")
        }
        // "    - {name: \"" is 14 characters, then é (1 unit / 2 bytes) and 👍 (2 units / 4 bytes).
        #expect(column("character") == "p.yaml:6:35:")
        #expect(column("utf-16") == "p.yaml:6:36:")
        #expect(column("utf-8") == "p.yaml:6:39:")
        let sarif = runCLI(["--no-config", "--format", "sarif", "--column-unit", "utf-16", "-"], stdin: text)
        #expect(sarif.output.contains("\"columnKind\": \"utf16CodeUnits\""))
        #expect(runCLI(["--no-config", "--format", "sarif", "--column-unit", "utf-8", "-"], stdin: text).status == 64)
        let json = runCLI(["--no-config", "--format", "json", "--column-unit", "utf-8", "-"], stdin: text)
        #expect(json.output.contains("\"column\": 39,") && json.output.contains("\"endColumn\": 45,"))
    }

    @Test("--jobs does not change the output")
    func jobsInvariance() {
        let one = runCLI(["--no-config", "--jobs", "1", "--format", "json", "testdata/demo"])
        let four = runCLI(["--no-config", "--jobs", "4", "--format", "json", "testdata/demo"])
        #expect(one.output == four.output)
        #expect(one.status == four.status)
    }
}
