// Golden-file tests for the rules: every `testdata/rules/<rule-id>/<name>.yaml` is linted by the
// CLI, in process, exactly as
//
//     pullcheck --quiet --no-config --color never [--config testdata/rules/<rule-id>/.pullcheck.yaml] testdata/rules/<rule-id>/<name>.yaml
//
// run in the package root (the CLI is given it as its working directory; the test process's own
// is never changed), with the `--config` part only where the folder has a `.pullcheck.yaml` (for
// rules that are off by default or need settings), and its standard output must equal
// `<name>.txt` next to the fixture byte for byte. An empty `.txt` means "no findings at all".
//
// The exit status must agree with the golden file: 0 when it is empty; 2 when it holds a
// finding of an input-error rule (yaml-syntax, unrendered-template); 1 when it holds a warning
// or an error (the default fail level is warning); 0 when it holds only info findings.
//
// To regenerate the golden files after an intended change in the output, run
//
//     PULLCHECK_UPDATE=1 swift test --filter FixtureTests
//
// which rewrites every `.txt` instead of comparing, then read the diff line by line: each
// finding must be right (rule, line:column, message), and nothing that should be reported may
// be missing. A golden file that merely records what the tool does is worth nothing.

import Testing

@testable import PullCheckKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One fixture file of one rule.
struct RuleFixture: CustomTestStringConvertible, Sendable {
    static let directory = "testdata/rules"
    static let configurationName = ".pullcheck.yaml"

    let ruleID: String
    /// The file name without `.yaml`.
    let name: String
    /// Whether the rule's folder has a `.pullcheck.yaml`.
    let hasConfiguration: Bool

    var testDescription: String { "\(ruleID)/\(name)" }

    /// Relative to the package root, as the CLI shows it.
    var manifestPath: String { "\(Self.directory)/\(ruleID)/\(name).yaml" }
    var expectedPath: String { "\(Self.directory)/\(ruleID)/\(name).txt" }
    var configurationPath: String { "\(Self.directory)/\(ruleID)/\(Self.configurationName)" }

    var arguments: [String] {
        var arguments = ["--quiet", "--no-config", "--no-project-context", "--color", "never"]
        if hasConfiguration { arguments += ["--config", configurationPath] }
        return arguments + [manifestPath]
    }

    /// Every fixture, found on disk when the tests start.
    static let all: [RuleFixture] = {
        var fixtures: [RuleFixture] = []
        for ruleID in fixtureEntries(absolute(directory)) ?? [] {
            let folder = absolute("\(directory)/\(ruleID)")
            guard let names = fixtureEntries(folder) else { continue }
            let hasConfiguration = names.contains(configurationName)
            for name in names where !name.hasPrefix(".") && name.hasSuffix(".yaml") {
                fixtures.append(
                    RuleFixture(ruleID: ruleID, name: String(name.dropLast(".yaml".count)), hasConfiguration: hasConfiguration))
            }
        }
        return fixtures
    }()

    static func absolute(_ path: String) -> String { packageRoot + "/" + path }

    /// The exit status the CLI must return for this output.
    static func expectedStatus(forOutput output: String) -> Int32 {
        let inputErrorRules = Set(RuleRegistry.descriptions.filter(\.isInputError).map(\.id))
        var status: Int32 = 0
        for line in output.split(separator: "\n") {
            if let rule = ruleID(ofLine: line), inputErrorRules.contains(rule) { return 2 }
            if line.contains(": error: ") || line.contains(": warning: ") { status = 1 }
        }
        return status
    }

    /// The `[rule-id]` at the end of a text-format line.
    static func ruleID(ofLine line: Substring) -> String? {
        guard line.hasSuffix("]"), let open = line.lastIndex(of: "[") else { return nil }
        return String(line[line.index(after: open)..<line.index(before: line.endIndex)])
    }
}

@Suite("Rule fixtures (testdata/rules)")
struct FixtureTests {
    static var updating: Bool { getenv("PULLCHECK_UPDATE").map { String(cString: $0) } == "1" }

    /// Online rules' fixtures need registries: Tests/OnlineEndToEndTests runs them against the lab.
    @Test(arguments: RuleFixture.all.filter { RuleRegistry.description(of: $0.ruleID)?.isOnline != true })
    func fixture(_ fixture: RuleFixture) throws {
        let run = runCLI(fixture.arguments, workingDirectory: packageRoot)
        #expect(run.error.isEmpty, "pullcheck wrote to standard error: \(run.error)")

        let expectedFile = RuleFixture.absolute(fixture.expectedPath)
        if Self.updating {
            let failure = writeFixtureText(expectedFile, run.output)
            #expect(failure == nil, "cannot write \(fixture.expectedPath): \(failure ?? "")")
            return
        }
        let expected = try #require(
            readFixtureText(expectedFile),
            "\(fixture.expectedPath) is missing; create it with PULLCHECK_UPDATE=1 and check every line")
        #expect(
            run.output == expected,
            "output of \(fixture.manifestPath) differs from \(fixture.expectedPath)\(firstDifference(expected, run.output))")
        let status = RuleFixture.expectedStatus(forOutput: expected)
        #expect(run.status == status, "\(fixture.manifestPath): exit status \(run.status), expected \(status)")
    }

    @Test("every rule has a fixture folder with at least two fixtures, and every folder is a rule")
    func everyRuleHasFixtures() throws {
        let ids = Set(RuleRegistry.descriptions.map(\.id))
        let folders = try #require(fixtureEntries(RuleFixture.absolute(RuleFixture.directory)), "\(RuleFixture.directory) is missing")
            .filter {
                !$0.hasPrefix(".")
            }
        for folder in folders {
            #expect(ids.contains(folder), "\(RuleFixture.directory)/\(folder) is not named after a rule id")
        }
        for id in ids.sorted() {
            let count = RuleFixture.all.filter { $0.ruleID == id }.count
            #expect(count >= 2, "\(RuleFixture.directory)/\(id) has \(count) fixtures; every rule needs at least two")
        }
    }

    @Test("each folder shows its rule triggering and not triggering; no golden file lacks its fixture")
    func foldersShowTheirRule() throws {
        for id in Set(RuleFixture.all.map(\.ruleID)).sorted() {
            let outputs = RuleFixture.all.filter { $0.ruleID == id }.compactMap {
                readFixtureText(RuleFixture.absolute($0.expectedPath))
            }
            let reports = outputs.map { output in
                output.split(separator: "\n").contains { RuleFixture.ruleID(ofLine: $0) == id }
            }
            #expect(reports.contains(true), "no fixture in \(RuleFixture.directory)/\(id) triggers \(id)")
            #expect(reports.contains(false), "every fixture in \(RuleFixture.directory)/\(id) triggers \(id); add a near miss")
        }
        for folder in fixtureEntries(RuleFixture.absolute(RuleFixture.directory)) ?? [] where !folder.hasPrefix(".") {
            let names = fixtureEntries(RuleFixture.absolute("\(RuleFixture.directory)/\(folder)")) ?? []
            for name in names where name.hasSuffix(".txt") {
                #expect(
                    names.contains(String(name.dropLast(".txt".count)) + ".yaml"),
                    "\(RuleFixture.directory)/\(folder)/\(name) has no fixture next to it")
            }
        }
    }
}

/// Where two texts first differ, for the failure message.
private func firstDifference(_ expected: String, _ actual: String) -> String {
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(a.count, b.count) {
        let left = index < a.count ? String(a[index]) : "<end>"
        let right = index < b.count ? String(b[index]) : "<end>"
        if left != right { return "\nfirst difference at line \(index + 1):\n  expected: \(left)\n  actual:   \(right)" }
    }
    return ""
}

/// The names in a directory (without `.` and `..`), sorted; nil if it cannot be opened.
private func fixtureEntries(_ path: String) -> [String]? {
    guard let directory = opendir(path) else { return nil }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                String(cString: $0)
            }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}

private func readFixtureText(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes the file; returns why it failed, or nil.
private func writeFixtureText(_ path: String, _ text: String) -> String? {
    guard let file = fopen(path, "wb") else { return String(cString: strerror(errno)) }
    let bytes = Array(text.utf8)
    let written = bytes.isEmpty ? 0 : fwrite(bytes, 1, bytes.count, file)
    let closed = fclose(file)
    guard written == bytes.count, closed == 0 else { return "short write" }
    return nil
}
