import Foundation
import ProgramTestSupport
import Testing

/// The editor recipes in README.md's "Editors" section, run in the real editors. Each recipe is
/// read from the README at test time (the fenced block whose first line holds
/// `pullcheck-recipe: NAME`), so the README and the tests cannot drift. The recipes lint a copy of
/// testdata/editors/manifest.yaml (as "my manifest.yaml": a space in the name), whose findings come
/// after é, 👍, a CJK character, a tab and a combining accent. Each test then checks that every
/// finding has the right file, line, severity, message and rule, and lands on the character
/// pullcheck means: the rest of the line from where the editor puts the cursor must be the rest
/// of the line from pullcheck's column.
///
/// The programs come from Debian: vim, neovim, vim-ale, emacs-nox, elpa-flycheck, nodejs (and
/// bsdutils' `script`, which is always installed); testdata/e2e/ale-locations lists where ALE may
/// be. Where one is missing, the tests that need it are skipped, naming it and its package;
/// PULLCHECK_REQUIRE_E2E=1 (set by `.ci/run`) makes that a failure, PULLCHECK_SKIP_E2E=1 skips
/// them all.
@Suite("Editor recipes from README.md, run in the real editors", .serialized, .timeLimit(.minutes(10)))
struct EditorRecipeTests {
    // MARK: The fixture

    /// What pullcheck reports for testdata/editors/manifest.yaml, and the rest of the line from
    /// each finding's column: the character a recipe must land on, and everything after it.
    static let expected: [ExpectedFinding] = [
        ExpectedFinding(line: 10, column: 36, severity: "warning", rule: "latest-tag", rest: "latest\"}"),  // after é
        ExpectedFinding(line: 11, column: 26, severity: "warning", rule: "missing-tag", rest: "nginx}"),  // after 👍
        ExpectedFinding(line: 12, column: 36, severity: "warning", rule: "tag-typo", rest: "lates\"}"),  // after 中文
        // After a tab:
        ExpectedFinding(line: 14, column: 14, severity: "warning", rule: "missing-pull-secret", rest: "registry.example.com/x:latest"),
        ExpectedFinding(line: 14, column: 37, severity: "warning", rule: "latest-tag", rest: "latest"),
        ExpectedFinding(line: 15, column: 24, severity: "error", rule: "invalid-pull-policy", rest: "Sometimes"),
        ExpectedFinding(line: 16, column: 31, severity: "error", rule: "invalid-image-ref", rest: "Nginx:1.0\"}"),  // after e◌́👍中⇥
        ExpectedFinding(line: 17, column: 5, severity: "info", rule: "unused-suppression", rest: "# pullcheck:ignore no-such-rule"),
    ]

    static let fileName = "my manifest.yaml"

    @Test("the fixture's findings follow multi-byte characters and tabs, and every recipe is in the README")
    func fixtureAndRecipes() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let findings = try workspace.pullcheckFindings()
        #expect(findings.map(\.key) == Self.expected.map(\.key))
        for finding in Self.expected {
            #expect(workspace.rest(line: finding.line, column: finding.column) == finding.rest, "\(finding.key)")
        }
        // The lines really hold what the test is about.
        let lines = workspace.lines
        #expect(lines[9].contains("é") && lines[10].contains("👍") && lines[11].contains("中") && lines[13].contains("\t"))
        #expect(lines[15].unicodeScalars.contains("\u{301}"))
        for name in ["vim", "ale", "ale-vimrc", "emacs-compile", "emacs-flycheck", "vscode-tasks", "vscode-settings"] {
            #expect(throws: Never.self) { try Recipes.block(name) }
        }
    }

    // MARK: Vim and Neovim, quickfix

    @Test("Vim: makeprg and errorformat (%v), on save, land on the right character", EditorProgram.enabled(.vim))
    func vimQuickfix() throws {
        try quickfix(in: .vim)
    }

    @Test("Neovim: makeprg and errorformat (%v), on save, land on the right character", EditorProgram.enabled(.neovim))
    func neovimQuickfix() throws {
        try quickfix(in: .neovim)
    }

    /// Where the quickfix list puts each finding: the errorformat alone (`:cgetexpr` of pullcheck's
    /// output, `%v`), with `%c` instead, and the whole recipe, run by `:write`.
    func quickfix(in editor: EditorProgram) throws {
        let executable = try editor.require()
        let workspace = try Workspace()
        defer { workspace.remove() }
        let findings = try workspace.pullcheckFindings()
        let output = workspace.path + "/pullcheck.out"
        try workspace.pullcheckOutput().write(toFile: output, atomically: true, encoding: .utf8)

        let vimrc = workspace.home + "/vimrc"
        try (VimScripts.prelude + (try Recipes.block("vim"))).write(toFile: vimrc, atomically: true, encoding: .utf8)
        let harness = workspace.path + "/harness.vim"
        try VimScripts.quickfixHarness.write(toFile: harness, atomically: true, encoding: .utf8)
        let result: QuickfixResult = try workspace.runEditor(
            executable, ["-N", "-u", vimrc, "-i", "NONE", "-es", "-S", harness], name: editor.name)

        #expect(result.filetype == "yaml")
        #expect(result.makeprg.hasPrefix("pullcheck"))

        // 1. The errorformat: every field as pullcheck wrote it, the column read as a screen column.
        try #require(result.raw.count == findings.count, "\(result.raw)")
        for (entry, finding) in zip(result.raw, findings) {
            #expect(entry.file == Self.fileName)
            #expect(entry.lnum == finding.line && entry.col == finding.column && entry.vcol == 1, "\(entry)")
            #expect(entry.type == String(finding.severity.prefix(1)), "\(entry)")
            #expect(entry.text == "\(finding.message) [\(finding.rule)]")
        }
        // %v counts screen cells: right after é (one cell) and on plain lines, but a 👍, a CJK
        // character or a tab (more than one cell) before the finding moves it, as the README says.
        for (entry, finding) in zip(result.raw, Self.expected) {
            let exact = [10, 15, 17].contains(finding.line)
            #expect((entry.rest == finding.rest) == exact, "%v on line \(finding.line): landed on \(entry.rest.debugDescription)")
        }
        // %c would read it as a byte offset: one character early after é (two bytes).
        let bytes = try #require(result.bytes.first { $0.lnum == 10 })
        #expect(bytes.rest.hasSuffix(Self.expected[0].rest) && bytes.rest.count == Self.expected[0].rest.count + 1, "%c: \(bytes)")

        // 2. The recipe, on :write: byte columns that land on pullcheck's character, types E/W/I.
        try #require(result.saved.count == findings.count, "\(result.saved)")
        for ((entry, finding), wanted) in zip(zip(result.saved, findings), Self.expected) {
            #expect(entry.file == Self.fileName)
            #expect(entry.lnum == finding.line && entry.atLine == finding.line && entry.vcol == 0, "\(entry)")
            #expect(entry.col == workspace.byteColumn(line: finding.line, column: finding.column), "\(entry)")
            #expect(entry.rest == wanted.rest, "line \(finding.line): landed on \(entry.rest.debugDescription)")
            #expect(entry.type == String(finding.severity.prefix(1)).uppercased(), "\(entry)")
            #expect(entry.text == "\(finding.message) [\(finding.rule)]")
        }
    }

    // MARK: ALE

    @Test("ALE in Vim: the linter lints on save and its columns land on the right character", EditorProgram.enabled(.vim, .ale))
    func aleInVim() throws {
        try ale(in: .vim, linterDirectory: ".vim")
    }

    @Test("ALE in Neovim: the linter lints on save and its columns land on the right character", EditorProgram.enabled(.neovim, .ale))
    func aleInNeovim() throws {
        try ale(in: .neovim, linterDirectory: ".config/nvim")
    }

    func ale(in editor: EditorProgram, linterDirectory: String) throws {
        let executable = try editor.require()
        _ = try EditorProgram.ale.require()
        let workspace = try Workspace()
        defer { workspace.remove() }
        let findings = try workspace.pullcheckFindings()

        // The linter where the README says to save it; the vimrc lines, and (for the test alone)
        // only this linter for YAML, whatever else is installed.
        let linters = workspace.home + "/" + linterDirectory + "/ale_linters/yaml"
        try FileManager.default.createDirectory(atPath: linters, withIntermediateDirectories: true)
        try Recipes.block("ale").write(toFile: linters + "/pullcheck.vim", atomically: true, encoding: .utf8)
        let vimrc = workspace.home + "/vimrc"
        let settings = VimScripts.prelude + (try Recipes.block("ale-vimrc")) + "let g:ale_linters = {'yaml': ['pullcheck']}\n"
        try settings.write(toFile: vimrc, atomically: true, encoding: .utf8)
        let harness = workspace.path + "/harness.vim"
        try VimScripts.aleHarness.write(toFile: harness, atomically: true, encoding: .utf8)
        let result: ALEResult = try workspace.runEditor(
            executable, ["-N", "-u", vimrc, "-i", "NONE", "-es", "-S", harness], name: "\(editor.name) with ALE")

        #expect(result.filetype == "yaml")
        #expect(result.beforeSave == 0, "ALE linted before the file was saved")
        try #require(result.lintEnded == 1, "ALE's lint on save did not end within 20 seconds: \(result.ale)")
        try #require(result.ale.count == findings.count, "\(result.ale)")
        try #require(result.landed.count == findings.count, "\(result.landed)")
        for ((item, finding), (landed, wanted)) in zip(zip(result.ale, findings), zip(result.landed, Self.expected)) {
            #expect(item.linterName == "pullcheck")
            #expect(item.lnum == finding.line, "\(item)")
            #expect(item.col == workspace.byteColumn(line: finding.line, column: finding.column), "ALE wants bytes: \(item)")
            #expect(item.type == String(finding.severity.prefix(1)).uppercased(), "\(item)")
            #expect(item.text == finding.message)
            #expect(item.code == finding.rule)
            #expect(
                landed.lnum == finding.line && landed.rest == wanted.rest, "line \(finding.line): landed on \(landed.rest.debugDescription)"
            )
        }
    }

    // MARK: Emacs

    @Test("Emacs compilation-mode: on save, next-error lands on the right character", EditorProgram.enabled(.emacs))
    func emacsCompilation() throws {
        let executable = try EditorProgram.emacs.require()
        let workspace = try Workspace()
        defer { workspace.remove() }
        let findings = try workspace.pullcheckFindings()
        try workspace.pullcheckOutput().write(toFile: workspace.path + "/pullcheck.out", atomically: true, encoding: .utf8)
        let recipe = workspace.home + "/pullcheck-compile.el"
        try Recipes.block("emacs-compile").write(toFile: recipe, atomically: true, encoding: .utf8)
        let harness = workspace.path + "/harness.el"
        try EmacsScripts.compilationHarness.write(toFile: harness, atomically: true, encoding: .utf8)
        let result: CompilationResult = try workspace.runEditor(executable, ["--batch", "-l", recipe, "-l", harness], name: "emacs")

        // compilation-mode's types: 2 error, 1 warning, 0 info.
        let types = ["error": 2, "warning": 1, "info": 0]
        try #require(result.saved.count == findings.count, "\(result.saved)")
        for ((entry, finding), wanted) in zip(zip(result.saved, findings), Self.expected) {
            #expect(entry.file == Self.fileName)
            #expect(entry.line == finding.line, "\(entry)")
            #expect(entry.rest == wanted.rest, "line \(finding.line): landed on \(entry.rest.debugDescription)")
            #expect(entry.type == types[finding.severity], "\(entry)")
            #expect(
                entry.compilationLine
                    == "\(Self.fileName):\(finding.line):\(finding.column): \(finding.severity): \(finding.message) [\(finding.rule)]")
        }
        // Without the recipe's setting, compilation-mode counts screen cells: a 👍, a CJK
        // character or a tab before the finding moves it (é does not: one cell). The finding
        // right after the tab lands right by chance: a column inside the tab's cells moves to
        // the end of the tab.
        try #require(result.screenColumns.count == findings.count, "\(result.screenColumns)")
        for (entry, wanted) in zip(result.screenColumns, Self.expected) {
            let exact = ["10:36", "14:14", "15:24", "17:5"].contains("\(wanted.line):\(wanted.column)")
            #expect((entry.rest == wanted.rest) == exact, "screen columns, line \(wanted.line): landed on \(entry.rest.debugDescription)")
        }
    }

    @Test("Emacs flycheck: the checker runs on save and its positions are the right characters", EditorProgram.enabled(.emacs, .flycheck))
    func emacsFlycheck() throws {
        let executable = try EditorProgram.emacs.require()
        _ = try EditorProgram.flycheck.require()
        let workspace = try Workspace()
        defer { workspace.remove() }
        let findings = try workspace.pullcheckFindings()
        let recipe = workspace.home + "/pullcheck-flycheck.el"
        try Recipes.block("emacs-flycheck").write(toFile: recipe, atomically: true, encoding: .utf8)
        let harness = workspace.path + "/harness.el"
        try EmacsScripts.flycheckHarness.write(toFile: harness, atomically: true, encoding: .utf8)
        let result: FlycheckResult = try workspace.runEditor(
            executable, ["--batch", "-l", recipe, "-l", harness], name: "emacs with flycheck")

        #expect(result.checker == "pullcheck")
        #expect(result.statusBeforeSave != "finished", "flycheck checked before the file was saved")
        #expect(result.statusAfterSave == "finished")
        try #require(result.errors.count == findings.count, "\(result.errors)")
        for ((error, finding), wanted) in zip(zip(result.errors, findings), Self.expected) {
            #expect(error.file == workspace.path + "/" + Self.fileName)
            #expect(error.line == finding.line && error.column == finding.column, "\(error)")
            #expect(error.level == finding.severity)
            #expect(error.id == finding.rule)
            #expect(error.message == finding.message)
            #expect(error.rest == wanted.rest, "line \(finding.line): landed on \(error.rest.debugDescription)")
        }
    }

    // MARK: VS Code

    @Test(
        "VS Code: the task's problem matcher (JavaScript RegExp) reads every field; UTF-16 columns", EditorProgram.enabled(.node, .script))
    func vscodeProblemMatcher() throws {
        let node = try EditorProgram.node.require()
        _ = try EditorProgram.script.require()
        let workspace = try Workspace()
        defer { workspace.remove() }
        let findings = try workspace.pullcheckFindings()
        let tasks = workspace.home + "/tasks.json"
        try Recipes.block("vscode-tasks").write(toFile: tasks, atomically: true, encoding: .utf8)
        let settings = workspace.home + "/settings.json"
        try Recipes.block("vscode-settings").write(toFile: settings, atomically: true, encoding: .utf8)
        let harness = workspace.home + "/harness.js"
        try NodeScripts.problemMatcherHarness.write(toFile: harness, atomically: true, encoding: .utf8)
        let result: ProblemMatcherResult = try workspace.runEditor(
            node, [harness, tasks, settings, workspace.path, Self.fileName], name: "node")

        // The task as VS Code runs it: in a terminal, from the workspace folder.
        #expect(result.fileLocation == ["relative", "${workspaceFolder}"])
        // On a terminal, but --no-source: one line per finding, nothing else.
        #expect(result.terminalLines == result.problems.count, "the task printed more than the findings")
        #expect(!result.escapeCodes, "escape codes in the task's output")
        #expect(result.runTaskArgsIsLabel && result.runOnSaveCommand == "workbench.action.tasks.runTask" && result.runIn == "vscode")
        #expect(result.saveMatches == ["k8s/web.yaml": true, "a.yml": true, "a.json": false, "a.yaml.bak": false])

        try #require(result.problems.count == findings.count, "\(result.problems)")
        for ((problem, finding), wanted) in zip(zip(result.problems, findings), Self.expected) {
            #expect(problem.file == workspace.path + "/" + Self.fileName)
            #expect(problem.severity == finding.severity)
            #expect(problem.message == finding.message)
            #expect(problem.code == finding.rule)
            // The recipe asks for UTF-16 columns, which VS Code counts: exact everywhere, also after
            // characters outside the BMP (where the character column would be one unit short).
            let astral = workspace.lines[finding.line - 1].unicodeScalars.prefix(finding.column - 1).filter { $0.value > 0xFFFF }.count
            #expect(problem.line == finding.line && problem.column == finding.column + astral, "\(problem)")
            #expect(problem.restByUTF16 == wanted.rest, "line \(finding.line): VS Code lands on \(problem.restByUTF16.debugDescription)")
        }
        #expect(findings.contains { workspace.lines[$0.line - 1].unicodeScalars.prefix($0.column - 1).contains { $0.value > 0xFFFF } })
    }
}

extension EditorRecipeTests {
    // MARK: - Findings

    struct ExpectedFinding: Sendable {
        let line: Int
        let column: Int
        let severity: String
        let rule: String
        let rest: String

        var key: String { "\(line):\(column) \(severity) \(rule)" }
    }

    /// One line of pullcheck's text output.
    struct TextFinding: CustomStringConvertible {
        let file: String
        let line: Int
        let column: Int
        let severity: String
        let message: String
        let rule: String

        var key: String { "\(line):\(column) \(severity) \(rule)" }
        var description: String { "\(file):\(line):\(column): \(severity): \(message) [\(rule)]" }

        static func parse(_ output: String) throws -> [TextFinding] {
            let pattern = try Regex(#"^(.+?):(\d+):(\d+): (error|warning|info): (.*) \[([a-z0-9-]+)\]$"#)
            return try output.split(separator: "\n").map { line in
                guard let match = try pattern.wholeMatch(in: String(line)) else {
                    throw EditorTestError("not a finding: \(line)")
                }
                func group(_ index: Int) -> String { match.output[index].substring.map(String.init) ?? "" }
                return TextFinding(
                    file: group(1), line: Int(group(2)) ?? 0, column: Int(group(3)) ?? 0, severity: group(4),
                    message: group(5), rule: group(6))
            }
        }
    }

    // MARK: - Recipes from the README

    enum Recipes {
        /// The fenced code block of README.md's Editors section whose first line holds
        /// `pullcheck-recipe: NAME`, without its fences.
        static func block(_ name: String) throws -> String {
            let readme = try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8)
            guard let start = readme.range(of: "\n## Editors\n"),
                let end = readme.range(of: "\n## Tests\n", range: start.upperBound..<readme.endIndex)
            else { throw EditorTestError("README.md has no section between `## Editors` and `## Tests`") }
            var blocks: [[Substring]] = []
            var current: [Substring]?
            for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("```") {
                    if let block = current {
                        blocks.append(block)
                        current = nil
                    } else {
                        current = []
                    }
                } else {
                    current?.append(line)
                }
            }
            let marker = "pullcheck-recipe: " + name
            let found = blocks.filter { block in
                guard let first = block.first, let range = first.range(of: marker) else { return false }
                return first[range.upperBound...].first.map { $0 == " " } ?? true
            }
            guard found.count == 1 else {
                throw EditorTestError("README.md's Editors section has \(found.count) code blocks starting with `\(marker)`, not 1")
            }
            return found[0].joined(separator: "\n") + "\n"
        }
    }

    // MARK: - The programs

    struct EditorProgram: Sendable {
        let name: String
        let package: String
        /// Where it is installed, or nil.
        let locate: @Sendable () -> String?

        static let vim = EditorProgram(name: "vim", package: "vim") { executable("vim") }
        static let neovim = EditorProgram(name: "nvim", package: "neovim") { executable("nvim") }
        /// Where `packadd! ale` (the README's ale-vimrc recipe) finds ALE: the directories listed
        /// in testdata/e2e/ale-locations, which `.ci/run` reads too.
        static let ale = EditorProgram(name: "ALE", package: "vim-ale") {
            aleLocations().lazy.compactMap(directory).first
        }
        static let emacs = EditorProgram(name: "emacs", package: "emacs-nox") { executable("emacs") }
        static let flycheck = EditorProgram(name: "flycheck", package: "elpa-flycheck") {
            let elpa = "/usr/share/emacs/site-lisp/elpa"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: elpa)) ?? []
            return entries.first { $0.hasPrefix("flycheck-") }.map { elpa + "/" + $0 }
        }
        static let node = EditorProgram(name: "node", package: "nodejs") { executable("node") }
        static let script = EditorProgram(name: "script", package: "bsdutils") { executable("script") }

        var missing: String { "\(name) is not installed (Debian package \(package): apt-get install \(package))" }

        /// The path, or an error that names the package to install.
        func require() throws -> String {
            guard let path = locate() else {
                throw EditorTestError("\(missing) (PULLCHECK_REQUIRE_E2E=1 makes a missing program a failure)")
            }
            return path
        }

        /// Runs the test where its programs exist; where one is missing it is skipped and says
        /// which, unless PULLCHECK_REQUIRE_E2E=1 (as `.ci/run` sets), which makes it a failure.
        /// PULLCHECK_SKIP_E2E=1 skips it always.
        static func enabled(_ programs: EditorProgram...) -> ConditionTrait {
            let missing = programs.filter { $0.locate() == nil }
            if E2E.skipped { return .enabled(if: false, E2E.skipReason) }
            let reason = "skipped: " + missing.map(\.missing).joined(separator: "; ") + " (PULLCHECK_REQUIRE_E2E=1 makes this a failure)"
            return .enabled(if: E2E.required || missing.isEmpty, Comment(rawValue: reason))
        }

        static func executable(_ name: String) -> String? { E2E.onPath(name) }

        /// The directories listed in testdata/e2e/ale-locations (one a line; `#` starts a comment).
        static func aleLocations() -> [String] {
            let list = (try? String(contentsOfFile: packageRoot + "/testdata/e2e/ale-locations", encoding: .utf8)) ?? ""
            return list.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty && !$0.hasPrefix("#")
            }
        }

        static func directory(_ path: String) -> String? {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
        }
    }

    struct EditorTestError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: - A workspace: the fixture, a home directory, pullcheck on PATH

    struct Workspace {
        let root: String
        var path: String { root + "/workspace" }
        var home: String { root + "/home" }
        let lines: [String]

        init() throws {
            root = try temporaryDirectory()
            for directory in [root + "/workspace", root + "/home"] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let fixture = packageRoot + "/testdata/editors/manifest.yaml"
            try FileManager.default.copyItem(atPath: fixture, toPath: root + "/workspace/" + EditorRecipeTests.fileName)
            lines = try String(contentsOfFile: fixture, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(
                String.init)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }

        /// The rest of a line from a 1-based column counted in Unicode scalars, as pullcheck counts.
        func rest(line: Int, column: Int) -> String {
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: lines[line - 1].unicodeScalars.dropFirst(column - 1))
            return String(scalars)
        }

        /// The 1-based byte column of a 1-based character column.
        func byteColumn(line: Int, column: Int) -> Int {
            lines[line - 1].unicodeScalars.prefix(column - 1).reduce(0) { $0 + String($1).utf8.count } + 1
        }

        func pullcheckOutput() throws -> String {
            let result = try run(pullcheckBinary, ["--quiet", EditorRecipeTests.fileName], directory: path)
            guard result.status == 1, result.error.isEmpty else {
                throw EditorTestError("pullcheck exited \(result.status): \(result.error)")
            }
            return result.output
        }

        func pullcheckFindings() throws -> [TextFinding] { try TextFinding.parse(pullcheckOutput()) }

        /// Runs an editor (under `timeout`) from the workspace, with this home, pullcheck first on PATH,
        /// colours allowed, and PULLCHECK_TEST_OUT naming the file its harness writes JSON to.
        func runEditor<Result: Decodable>(_ executable: String, _ arguments: [String], name: String) throws -> Result {
            let out = root + "/result.json"
            let bin = URL(fileURLWithPath: pullcheckBinary).deletingLastPathComponent().path
            let environment = [
                "HOME": home, "XDG_CONFIG_HOME": home + "/.config", "XDG_DATA_HOME": home + "/.local/share",
                "XDG_STATE_HOME": home + "/.local/state", "XDG_CACHE_HOME": home + "/.cache",
                "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "NO_COLOR": "", "TERM": "dumb", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PULLCHECK_TEST_OUT": out,
            ]
            let result = try run("/usr/bin/timeout", ["120", executable] + arguments, environment: environment, directory: path)
            let log = "\(name) exited \(result.status)\nstdout: \(result.output)\nstderr: \(result.error)"
            guard let data = FileManager.default.contents(atPath: out) else {
                throw EditorTestError("\(name) wrote no result.\n\(log)")
            }
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let exception = object["exception"] as? String
            {
                throw EditorTestError("\(name) failed: \(exception)\n\(log)")
            }
            do {
                return try JSONDecoder().decode(Result.self, from: data)
            } catch {
                throw EditorTestError("\(name) wrote an unexpected result: \(error)\n\(String(decoding: data, as: UTF8.self))\n\(log)")
            }
        }
    }

    // MARK: - Vim and Neovim

    enum VimScripts {
        /// What a vimrc has before the recipe: filetype detection, UTF-8.
        static let prelude = """
            set nocompatible
            if !has('nvim') | set encoding=utf-8 | endif
            filetype on

            """

        /// Records each valid quickfix entry, and where `:cc` puts the cursor.
        static let visit = """
            function! s:Visit() abort
              let l:result = []
              let l:items = getqflist()
              for l:index in range(len(l:items))
                let l:item = l:items[l:index]
                if !l:item.valid | continue | endif
                execute 'silent cc' (l:index + 1)
                call add(l:result, {'file': bufname(l:item.bufnr), 'lnum': l:item.lnum, 'col': l:item.col,
                      \\ 'vcol': l:item.vcol, 'type': l:item.type, 'text': l:item.text,
                      \\ 'atLine': line('.'), 'rest': strpart(getline('.'), col('.') - 1)})
              endfor
              return l:result
            endfunction

            """

        static let quickfixHarness =
            visit + """
                let g:out = {}
                try
                  execute 'edit' fnameescape('\(EditorRecipeTests.fileName)')
                  let g:out.filetype = &filetype
                  let g:out.makeprg = &makeprg
                  " The errorformat alone, on pullcheck's output (:cgetexpr reads the global value).
                  let &g:errorformat = &l:errorformat
                  cgetexpr readfile('pullcheck.out')
                  let g:out.raw = s:Visit()
                  " %c instead of %v.
                  let &g:errorformat = substitute(&l:errorformat, '%v', '%c', 'g')
                  cgetexpr readfile('pullcheck.out')
                  let g:out.bytes = s:Visit()
                  " The recipe, on save.
                  call setqflist([], 'r')
                  write
                  let g:out.saved = s:Visit()
                catch
                  let g:out.exception = v:exception . ' at ' . v:throwpoint
                endtry
                call writefile([json_encode(g:out)], $PULLCHECK_TEST_OUT)
                qall!

                """

        /// Waits for ALE's events rather than for a time: ALE starts a lint (`User ALELintPre`)
        /// synchronously from the events that opening a file fires, so a lint on opening shows as
        /// an ALELintPre before the write; after the write, the harness waits for the lint to end
        /// (`User ALELintPost`) and for the location list to be set (ALE sets it from a timer),
        /// for at most 20 seconds.
        static let aleHarness = """
            let g:out = {}
            let s:saved = 0
            let s:lintsBeforeSave = 0
            let s:lintEnded = 0
            augroup pullcheck_test
              autocmd!
              autocmd User ALELintPre if !s:saved | let s:lintsBeforeSave += 1 | endif
              autocmd User ALELintPost if s:saved | let s:lintEnded = 1 | endif
            augroup END
            function! s:Ready() abort
              return s:lintEnded && len(getloclist(0)) == len(ale#engine#GetLoclist(bufnr('')))
            endfunction
            " Neovim waits for the condition; Vim has no wait(), and `sleep` lets its jobs and timers run.
            function! s:WaitUntilReady(seconds) abort
              if exists('*wait')
                call wait(a:seconds * 1000, {-> s:Ready()}, 10)
              else
                let l:start = reltime()
                while !s:Ready() && reltimefloat(reltime(l:start)) < a:seconds
                  sleep 10m
                endwhile
              endif
              return s:Ready()
            endfunction
            try
              execute 'edit' fnameescape('\(EditorRecipeTests.fileName)')
              let g:out.filetype = &filetype
              " Lint on save only: opening the file started no lint.
              let g:out.beforeSave = s:lintsBeforeSave
              let s:saved = 1
              write
              let g:out.lintEnded = s:WaitUntilReady(20)
              let g:out.ale = map(copy(ale#engine#GetLoclist(bufnr(''))),
                    \\ {_, item -> {'lnum': item.lnum, 'col': item.col, 'type': item.type, 'text': item.text,
                    \\               'code': get(item, 'code', ''), 'linter_name': item.linter_name}})
              let g:out.landed = []
              for s:index in range(1, len(getloclist(0)))
                execute 'silent ll' s:index
                call add(g:out.landed, {'lnum': line('.'), 'rest': strpart(getline('.'), col('.') - 1)})
              endfor
            catch
              let g:out.exception = v:exception . ' at ' . v:throwpoint
            endtry
            call writefile([json_encode(g:out)], $PULLCHECK_TEST_OUT)
            qall!

            """
    }

    struct QuickfixEntry: Decodable, CustomStringConvertible {
        let file: String
        let lnum: Int
        let col: Int
        let vcol: Int
        let type: String
        let text: String
        let atLine: Int
        let rest: String

        var description: String { "\(file):\(lnum) col \(col) vcol \(vcol) type \(type) at \(rest.debugDescription)" }
    }

    struct QuickfixResult: Decodable {
        let filetype: String
        let makeprg: String
        let raw: [QuickfixEntry]
        let bytes: [QuickfixEntry]
        let saved: [QuickfixEntry]
    }

    struct ALEItem: Decodable, CustomStringConvertible {
        let lnum: Int
        let col: Int
        let type: String
        let text: String
        let code: String
        let linterName: String

        enum CodingKeys: String, CodingKey {
            case lnum, col, type, text, code
            case linterName = "linter_name"
        }

        var description: String { "\(lnum):\(col) \(type) \(code)" }
    }

    struct ALELanding: Decodable, CustomStringConvertible {
        let lnum: Int
        let rest: String
        var description: String { "\(lnum) at \(rest.debugDescription)" }
    }

    struct ALEResult: Decodable {
        let filetype: String
        let beforeSave: Int
        /// 1 when the lint that the write started ended (ALELintPost) within 20 seconds.
        let lintEnded: Int
        let ale: [ALEItem]
        let landed: [ALELanding]
    }

    // MARK: - Emacs

    enum EmacsScripts {
        /// A stand-in for yaml-mode when it is not installed: the recipes hook yaml-mode.
        static let common = """
            (require 'json)
            (unless (fboundp 'yaml-mode) (define-derived-mode yaml-mode text-mode "YAML"))
            (defun pullcheck-test-write (result)
              (with-temp-file (getenv "PULLCHECK_TEST_OUT") (insert (json-encode result))))
            (defmacro pullcheck-test-recording (&rest body)
              `(condition-case err (progn ,@body)
                 (error (pullcheck-test-write (list (cons 'exception (format "%S" err)))) (kill-emacs 1))))

            """

        static let compilationHarness =
            common + """
                (defun pullcheck-test-visit (compilation-buffer)
                  "Visit every finding of COMPILATION-BUFFER with `next-error': where each lands."
                  (let ((compilation-skip-threshold 0) (entries nil))
                    (setq next-error-last-buffer compilation-buffer)
                    (with-current-buffer compilation-buffer
                      (setq compilation-current-error nil)
                      (goto-char (point-min)))
                    (condition-case nil
                        (while t
                          (next-error)
                          (let ((message (with-current-buffer compilation-buffer
                                           (get-text-property compilation-current-error 'compilation-message)))
                                (text (with-current-buffer compilation-buffer
                                        (save-excursion
                                          (goto-char compilation-current-error)
                                          (buffer-substring-no-properties (line-beginning-position) (line-end-position))))))
                            (push (list (cons 'file (file-name-nondirectory (buffer-file-name)))
                                        (cons 'line (line-number-at-pos))
                                        (cons 'rest (buffer-substring-no-properties (point) (line-end-position)))
                                        (cons 'type (compilation--message->type message))
                                        (cons 'compilationLine text))
                                  entries)))
                      (user-error nil))
                    (vconcat (nreverse entries))))

                (pullcheck-test-recording
                 (let ((file "\(EditorRecipeTests.fileName)") (result nil))
                   (find-file file)
                   (yaml-mode)
                   ;; The recipe, on save.
                   (set-buffer-modified-p t)
                   (save-buffer)
                   (let ((process (get-buffer-process "*compilation*")))
                     (unless process (error "saving started no compilation"))
                     (while (process-live-p process) (accept-process-output process 0.1)))
                   (push (cons 'saved (pullcheck-test-visit (get-buffer "*compilation*"))) result)
                   ;; compilation-mode's default, screen columns, on the same output.
                   (with-current-buffer (get-file-buffer file) (kill-local-variable 'compilation-error-screen-columns))
                   (let ((buffer (get-buffer-create "*pullcheck-screen-columns*")))
                     (with-current-buffer buffer
                       ;; A first line, as *compilation* has: next-error starts after it.
                       (insert "pullcheck --quiet " file "\n")
                       (insert-file-contents "pullcheck.out")
                       (goto-char (point-max))
                       (compilation-mode))
                     (push (cons 'screenColumns (pullcheck-test-visit buffer)) result))
                   (pullcheck-test-write result)))

                """

        static let flycheckHarness =
            common + """
                (pullcheck-test-recording
                 (find-file "\(EditorRecipeTests.fileName)")
                 (yaml-mode)
                 (let ((result (list (cons 'checker (symbol-name (flycheck-get-checker-for-buffer)))
                                     (cons 'statusBeforeSave (symbol-name flycheck-last-status-change))))
                       (waited 0))
                   (set-buffer-modified-p t)
                   (save-buffer)
                   (while (and (< waited 200) (or (flycheck-running-p) (not (eq flycheck-last-status-change 'finished))))
                     (accept-process-output nil 0.1)
                     (setq waited (1+ waited)))
                   (push (cons 'statusAfterSave (symbol-name flycheck-last-status-change)) result)
                   (push (cons 'errors
                               (vconcat
                                (mapcar (lambda (err)
                                          (save-excursion
                                            (goto-char (flycheck-error-pos err))
                                            (list (cons 'file (flycheck-error-filename err))
                                                  (cons 'line (flycheck-error-line err))
                                                  (cons 'column (flycheck-error-column err))
                                                  (cons 'level (symbol-name (flycheck-error-level err)))
                                                  (cons 'id (flycheck-error-id err))
                                                  (cons 'message (flycheck-error-message err))
                                                  (cons 'rest (buffer-substring-no-properties (point) (line-end-position))))))
                                        flycheck-current-errors)))
                         result)
                   (pullcheck-test-write result)))

                """
    }

    struct CompilationEntry: Decodable, CustomStringConvertible {
        let file: String
        let line: Int
        let rest: String
        let type: Int
        let compilationLine: String

        var description: String { "\(file):\(line) type \(type) at \(rest.debugDescription)" }
    }

    struct CompilationResult: Decodable {
        let saved: [CompilationEntry]
        let screenColumns: [CompilationEntry]
    }

    struct FlycheckError: Decodable, CustomStringConvertible {
        let file: String
        let line: Int
        let column: Int
        let level: String
        let id: String
        let message: String
        let rest: String

        var description: String { "\(file):\(line):\(column) \(level) \(id) at \(rest.debugDescription)" }
    }

    struct FlycheckResult: Decodable {
        let checker: String
        let statusBeforeSave: String
        let statusAfterSave: String
        let errors: [FlycheckError]
    }

    // MARK: - VS Code

    enum NodeScripts {
        /// Runs the task as VS Code does (its variables substituted, from its cwd, in a terminal:
        /// `script` gives pullcheck a pseudo-terminal), then applies the problem matcher with
        /// JavaScript's RegExp, and puts each column in the line both as characters and as VS Code
        /// reads it, in UTF-16 code units.
        static let problemMatcherHarness = #"""
            const fs = require('fs');
            const path = require('path');
            const { spawnSync } = require('child_process');
            const [tasksFile, settingsFile, workspace, relativeFile] = process.argv.slice(2);
            const out = {};
            try {
              // tasks.json and settings.json allow comments: drop the whole-line ones.
              const jsonc = (file) => JSON.parse(fs.readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n'));
              const tasks = jsonc(tasksFile);
              const settings = jsonc(settingsFile);
              const task = tasks.tasks.find((t) => t.label === 'pullcheck');
              const substitute = (s) => s.replaceAll('${relativeFile}', relativeFile).replaceAll('${workspaceFolder}', workspace);
              const args = (task.args || []).map(substitute);
              const cwd = substitute((task.options && task.options.cwd) || workspace);
              const quote = (s) => "'" + s.replaceAll("'", "'\\''") + "'";
              const run = spawnSync('script', ['-qec', [task.command, ...args].map(quote).join(' '), '/dev/null'], { cwd, encoding: 'utf8' });
              const lines = run.stdout.split(/\r?\n/).filter((l) => l.length > 0);
              out.terminalLines = lines.length;
              out.escapeCodes = run.stdout.includes('\u001b');
              const matcher = task.problemMatcher;
              out.fileLocation = matcher.fileLocation;
              const p = matcher.pattern;
              const regexp = new RegExp(p.regexp);
              out.problems = [];
              for (const line of lines) {
                const m = regexp.exec(line);
                if (!m) continue;
                const base = substitute(matcher.fileLocation[1]);
                const file = path.join(base, m[p.file]);
                const lineNumber = Number(m[p.line]);
                const column = Number(m[p.column]);
                const text = fs.readFileSync(file, 'utf8').split('\n')[lineNumber - 1];
                const codePoints = Array.from(text);
                const astralBefore = codePoints.slice(0, column - 1).filter((c) => c.codePointAt(0) > 0xffff).length;
                out.problems.push({
                  file, line: lineNumber, column, severity: m[p.severity], message: m[p.message], code: m[p.code],
                  restByCodePoints: codePoints.slice(column - 1).join(''),
                  restByUTF16: text.substring(column - 1),
                  restByUTF16PlusAstral: text.substring(column - 1 + astralBefore),
                  astralBefore,
                });
              }
              const onSave = settings['runOnSave.commands'][0];
              out.runOnSaveCommand = onSave.command;
              out.runTaskArgsIsLabel = onSave.args === task.label;
              out.runIn = onSave.runIn;
              const match = new RegExp(onSave.match);
              out.saveMatches = Object.fromEntries(['k8s/web.yaml', 'a.yml', 'a.json', 'a.yaml.bak'].map((f) => [f, match.test(f)]));
            } catch (e) {
              out.exception = String(e && e.stack || e);
            }
            fs.writeFileSync(process.env.PULLCHECK_TEST_OUT, JSON.stringify(out));

            """#
    }

    struct Problem: Decodable, CustomStringConvertible {
        let file: String
        let line: Int
        let column: Int
        let severity: String
        let message: String
        let code: String
        let restByCodePoints: String
        let restByUTF16: String
        let restByUTF16PlusAstral: String
        let astralBefore: Int

        var description: String { "\(file):\(line):\(column) \(severity) \(code)" }
    }

    struct ProblemMatcherResult: Decodable {
        let terminalLines: Int
        let escapeCodes: Bool
        let fileLocation: [String]
        let problems: [Problem]
        let runOnSaveCommand: String
        let runTaskArgsIsLabel: Bool
        let runIn: String
        let saveMatches: [String: Bool]
    }
}
