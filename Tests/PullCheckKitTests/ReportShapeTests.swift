import Testing

@testable import PullCheckKit

/// Paths CI tools attach, the JUnit shape, SARIF rule help, column conversion and configuration
/// errors (issues 13 and 14).
@Suite("Report shapes for CI tools")
struct ReportShapeTests {
    static let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"nginx:latest\"}]}\n"
    static let cleanPod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"nginx:1.27\"}]}\n"

    static func count(_ text: String, _ part: String) -> Int {
        text.split(separator: part, omittingEmptySubsequences: false).count - 1
    }

    // MARK: Paths

    @Test("paths are cleaned and made relative to the working directory for CI tools")
    func reportPath() {
        #expect(ReportPath.attached("./k8s/x.yaml", workingDirectory: "/repo") == "k8s/x.yaml")
        #expect(ReportPath.attached(".//k8s/./x.yaml", workingDirectory: nil) == "k8s/x.yaml")
        #expect(ReportPath.attached("/repo/k8s/x.yaml", workingDirectory: "/repo/") == "k8s/x.yaml")
        #expect(ReportPath.attached("/elsewhere/x.yaml", workingDirectory: "/repo") == "/elsewhere/x.yaml")
        #expect(ReportPath.attached("../x.yaml", workingDirectory: "/repo") == "../x.yaml")
        #expect(ReportPath.attached("<stdin>", workingDirectory: "/repo") == "<stdin>")
        #expect(ReportPath.relative("/repository/x.yaml", to: "/repo") == nil)
        #expect(ReportPath.relative("../x.yaml", to: "/repo") == nil)
    }

    @Test("./k8s/x.yaml is k8s/x.yaml in GitHub annotations, SARIF URIs and JUnit; text keeps what was typed")
    func leadingDotSlash() {
        func run(_ format: OutputFormat) -> String {
            runCLI(["--no-config", "--format", format.rawValue, "--stdin-filename", "./k8s/x.yaml", "-"], stdin: Self.pod).output
        }
        let github = run(.github)
        #expect(github.hasPrefix("::warning file=k8s/x.yaml,line=4,"))
        #expect(!github.contains("./"))
        let sarif = run(.sarif)
        #expect(sarif.contains("\"uri\": \"k8s/x.yaml\",\n                  \"uriBaseId\": \"%SRCROOT%\""))
        let junit = run(.junit)
        #expect(junit.contains("<testsuite name=\"k8s/x.yaml\""))
        #expect(junit.contains("file=\"k8s/x.yaml\" line=\"4\""))
        #expect(!junit.contains("./k8s"))
        #expect(run(.text).hasPrefix("./k8s/x.yaml:4:"))
        #expect(run(.json).contains("\"file\": \"./k8s/x.yaml\""))
    }

    // MARK: JUnit

    @Test("JUnit: one test case per finding, one per clean file, one per unreadable input")
    func junitShape() {
        var inputs: [LintInput] = []
        for index in 0..<40 { inputs.append(.text(Self.pod, name: "bad\(index).yaml")) }
        for index in 0..<10 { inputs.append(.text(Self.cleanPod, name: "./ok\(index).yaml")) }
        var report = Linter(configuration: Configuration()).lint(inputs, jobs: 1)
        report.inputFailures.append(InputFailure(file: "gone.yaml", message: "cannot read: No such file or directory"))
        var context = ReportContext()
        context.inputs = inputs
        let xml = JUnitReporter().report(report, context: context)
        #expect(Self.count(xml, "<testsuite ") == 51)
        #expect(Self.count(xml, "<testcase ") == 51)
        #expect(Self.count(xml, "<failure ") == 40)
        #expect(Self.count(xml, "<error ") == 1)
        #expect(xml.contains("<testsuites name=\"pullcheck\" tests=\"51\" failures=\"40\" errors=\"1\">"))
        #expect(xml.contains("<testcase classname=\"pullcheck.latest-tag\" name=\"bad7.yaml:4:45\" file=\"bad7.yaml\" line=\"4\">"))
        #expect(xml.contains("<failure type=\"warning\" message=\"container &quot;c&quot; uses"))
        #expect(xml.contains(">bad7.yaml:4:45: warning: container &quot;c&quot; uses"))
        #expect(xml.contains("<testcase classname=\"pullcheck\" name=\"ok3.yaml\" file=\"ok3.yaml\"/>"))
        #expect(xml.contains("<testcase classname=\"pullcheck.input\" name=\"gone.yaml\" file=\"gone.yaml\">"))
    }

    @Test("JUnit: findings below the fail level pass with their text; two at one place get distinct names")
    func junitBelowFailLevelAndDuplicates() {
        var configuration = Configuration()
        configuration.failLevel = .error
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"nginx:latest\"}]}\n"
        let report = Linter(configuration: configuration).lint([.text(text, name: "p.yaml")], jobs: 1)
        var context = ReportContext()
        context.configuration = configuration
        let xml = JUnitReporter().report(report, context: context)
        #expect(xml.contains("<system-out>p.yaml:4:45: warning: "))
        #expect(xml.contains("failures=\"0\""))
        // The same rule twice at one position (made up: the linter does not do it).
        let finding = Diagnostic(
            ruleID: "latest-tag", severity: .warning, message: "m", file: "p.yaml", span: SourceSpan(line: 1, column: 1, length: 1))
        var twice = LintReport()
        twice.diagnostics = [finding, finding]
        let duplicate = JUnitReporter().report(twice, context: ReportContext())
        #expect(duplicate.contains("name=\"p.yaml:1:1\""))
        #expect(duplicate.contains("name=\"p.yaml:1:1 (2)\""))
    }

    @Test("JUnit grows with the findings: N files with one finding each give N test cases")
    func junitLinear() {
        for files in [500, 1000, 2000] {
            var report = LintReport()
            report.diagnostics = (0..<files).map { index in
                Diagnostic(
                    ruleID: "latest-tag", severity: .warning, message: "m", file: "f\(index).yaml",
                    span: SourceSpan(line: 1, column: 1, length: 1))
            }
            let xml = JUnitReporter().report(report, context: ReportContext())
            #expect(Self.count(xml, "<testcase ") == files)
            // Bytes per file stay the same: the size is linear in the findings.
            #expect(xml.utf8.count < 400 * files)
        }
    }

    // MARK: SARIF

    @Test("SARIF rules carry descriptions, help as text and Markdown, and helpUri under --rules-base-url")
    func sarifHelp() throws {
        let run = runCLI(["--no-config", "--format", "sarif", "--stdin-filename", "p.yaml", "-"], stdin: Self.pod)
        var context = ReportContext()
        context.workingDirectory = packageRoot
        let log = SARIFReporter().log(LintReport(), context: context)
        let rules = log.runs[0].tool.driver.rules
        #expect(rules.count == RuleRegistry.descriptions.count)
        for (rule, description) in zip(rules, RuleRegistry.descriptions) {
            #expect(rule.shortDescription.text == description.summary)
            #expect(!rule.fullDescription.text.isEmpty)
            #expect(rule.help.markdown == RuleDocumentation.page(for: description))
            #expect(!rule.help.text.isEmpty && !rule.help.text.contains("`"))
            #expect(rule.helpUri == "https://github.com/pullcheck/pullcheck/blob/main/rules/\(description.id).md")
        }
        #expect(run.output.contains("\"helpUri\": \"https://github.com/pullcheck/pullcheck/blob/main/rules/latest-tag.md\""))

        let fork = runCLI(
            [
                "--no-config", "--format", "sarif", "--rules-base-url", "https://git.example.com/fork/pullcheck/-/blob/main/rules/",
                "--stdin-filename", "p.yaml", "-",
            ], stdin: Self.pod)
        #expect(fork.status == 1)
        #expect(fork.output.contains("\"helpUri\": \"https://git.example.com/fork/pullcheck/-/blob/main/rules/latest-tag.md\""))
        #expect(!fork.output.contains("github.com/pullcheck/pullcheck/blob"))
        for bad in ["git.example.com/rules", "ftp://x/rules", "https://", "https://x/a b", "https://x/\u{1B}"] {
            let run = runCLI(["--no-config", "--format", "sarif", "--rules-base-url", bad, "-"], stdin: Self.pod)
            #expect(run.status == 64, "\(bad)")
            #expect(run.error.contains("--rules-base-url must be an absolute http(s) URL"))
        }
    }

    // MARK: Columns

    @Test("one pass over a line converts every column as the one-column conversion does")
    func columnsInOnePass() {
        let line = "a\té👍日本語x\u{10FFFF}z"
        let all = Set(-1...(line.unicodeScalars.count + 4))
        for unit in ColumnUnit.allCases {
            let table = unit.columns(all, on: line)
            for column in all { #expect(table[column] == unit.column(column, on: line), "\(unit) \(column)") }
            #expect(unit.columns([3], on: "") == [3: 3])
        }
    }

    @Test("--column-unit converts many findings on one line, each line read and converted once")
    func manyFindingsOnOneLine() {
        let count = 2000
        let items = (0..<count).map { "{name: \"é👍\($0)\", image: \"nginx:latest\"}" }.joined(separator: ", ")
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [\(items)]}\n"
        let input = LintInput.text(text, name: "p.yaml")
        let report = Linter(configuration: Configuration()).lint([input], jobs: 1)
        #expect(report.diagnostics.count == count)
        let line = SourceLines(input).lines([4])[4] ?? ""
        for unit in [ColumnUnit.utf16, .utf8] {
            let converted = report.convertingColumns(to: unit, inputs: [input])
            #expect(converted.columnUnit == unit)
            for (before, after) in zip(report.diagnostics, converted.diagnostics).prefix(50)
                + zip(report.diagnostics, converted.diagnostics).suffix(50)
            {
                #expect(after.span.start.column == unit.column(before.span.start.column, on: line))
                #expect(after.span.end.column == unit.column(before.span.end.column, on: line))
            }
        }
    }

    // MARK: README

    @Test("the README's editor table says what the VS Code recipe does (--column-unit utf-16)")
    func readmeVSCode() throws {
        guard case .success(let bytes) = FileSystem.readFile(packageRoot + "/README.md") else {
            Issue.record("cannot read README.md")
            return
        }
        let readme = String(decoding: bytes, as: UTF8.self)
        let row = readme.split(separator: "\n").first { $0.hasPrefix("| VS Code |") }.map(String.init) ?? ""
        #expect(row.contains("--column-unit utf-16"))
        #expect(!row.contains("off by one"))
        #expect(readme.contains(#""--column-unit", "utf-16""#))
        #expect(readme.contains("--rules-base-url"))
    }

    // MARK: Configuration

    @Test("every error of a .pullcheck.yaml is reported at once, each with its line and column")
    func allConfigurationErrors() throws {
        let text = """
            rules:
              latest-tagg: error
              missing-tag: sometimes
              yaml-syntax: off
            fail-level: loud
            strict: maybe
            registries:
              secret: [x.example.com]
            colour: red
            fail-level: error

            """
        do {
            _ = try ConfigurationLoader.load(text: text, name: "cfg.yaml")
            Issue.record("no error")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.count == 8)
            #expect(lines.first?.hasPrefix("cfg.yaml:2:3: unknown rule \"latest-tagg\"") == true)
            #expect(lines.contains { $0.hasPrefix("cfg.yaml:3:16: rule setting must be") })
            #expect(lines.contains { $0.hasPrefix("cfg.yaml:4:3: yaml-syntax reports input") })
            #expect(lines.contains { $0.hasPrefix("cfg.yaml:5:13: fail-level must be") })
            #expect(lines.contains { $0.hasPrefix("cfg.yaml:6:9: strict must be true or false") })
            #expect(lines.contains { $0.hasPrefix("cfg.yaml:8:3: unknown registry list \"secret\"") })
            #expect(lines.contains { $0.hasPrefix("cfg.yaml:9:1: unknown key \"colour\"") })
            #expect(lines.contains { $0.hasPrefix("cfg.yaml:10:1: duplicate key \"fail-level\"") })
            // In file order.
            let positions = error.problems.compactMap(\.position)
            #expect(positions == positions.sorted())
        }
        // The CLI prints each on its own line and exits 64.
        let path = "/tmp/pullcheck-config-errors-\(ProcessEnvironment.variable("USER") ?? "u").yaml"
        #expect(FileSystem.writeFile(path, contents: text) == nil)
        let run = runCLI(["--config", path, "-"], stdin: Self.pod)
        #expect(run.status == 64)
        let errors = run.error.split(separator: "\n")
        #expect(errors.count == 8)
        #expect(errors.allSatisfy { $0.hasPrefix("pullcheck: error: \(path):") })
        // One error alone reads as before.
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(text: "strict: maybe\n", name: "c.yaml") }
        do {
            _ = try ConfigurationLoader.load(text: "strict: maybe\n", name: "c.yaml")
        } catch {
            #expect(error.description == "c.yaml:1:9: strict must be true or false (not \"maybe\")")
        }
    }
}
