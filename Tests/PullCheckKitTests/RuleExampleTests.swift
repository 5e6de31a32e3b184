import Testing

@testable import PullCheckKit

/// One example of one rule, named for the test report.
struct RuleExampleCase: CustomTestStringConvertible, Sendable {
    let rule: RuleDescription
    let example: Example
    let triggering: Bool
    let index: Int

    var testDescription: String { "\(rule.id) \(triggering ? "triggering" : "non-triggering") #\(index + 1)" }

    /// Online rules' examples need a registry: the end-to-end tests run them against the test registries.
    static let all: [RuleExampleCase] = RuleRegistry.descriptions.filter { !$0.isOnline }.flatMap { rule in
        rule.triggeringExamples.enumerated().map { RuleExampleCase(rule: rule, example: $1, triggering: true, index: $0) }
            + rule.nonTriggeringExamples.enumerated().map {
                RuleExampleCase(rule: rule, example: $1, triggering: false, index: $0)
            }
    }
}

@Suite("Rule examples")
struct RuleExampleTests {
    /// Every example of every rule: triggering ones give exactly the `↓` positions, non-triggering
    /// ones give nothing for the rule. Each runs as written, after a line of multi-byte text (every
    /// line moves down by one), and with CRLF line ends.
    @Test(arguments: RuleExampleCase.all)
    func example(_ test: RuleExampleCase) throws {
        var configuration = Configuration()
        if let text = test.example.configuration {
            configuration = try ConfigurationLoader.load(text: text)
        }
        let code = test.example.strippedCode
        let expected = test.triggering ? test.example.markedPositions : []
        let location = SourceLocation(
            fileID: "\(test.example.file)", filePath: "\(test.example.file)", line: Int(test.example.line), column: 1)

        let variants: [(name: String, text: String, lineShift: Int)] = [
            ("as written", code, 0),
            ("after a multi-byte line", "# 👨‍👩‍👧‍👦 ✓ é\n" + code, 1),
            ("with CRLF", code.replacingNewlines(with: "\r\n"), 0),
        ]
        for variant in variants {
            let report = lint(variant.text, configuration: configuration)
            let found = report.diagnostics.filter { $0.ruleID == test.rule.id }.map(\.span.start)
            let shifted = expected.map { SourcePosition(line: $0.line + variant.lineShift, column: $0.column) }
            #expect(
                found == shifted,
                "\(test.rule.id) (\(variant.name)): expected \(shifted), found \(found): \(report.diagnostics.map(\.message))",
                sourceLocation: location)
        }
        if test.triggering {
            #expect(!expected.isEmpty, "a triggering example needs at least one ↓ marker", sourceLocation: location)
        }
    }

    @Test("every rule has at least one example of each kind")
    func examplesExist() {
        for rule in RuleRegistry.descriptions {
            #expect(!rule.triggeringExamples.isEmpty, "\(rule.id) has no triggering example")
            #expect(!rule.nonTriggeringExamples.isEmpty, "\(rule.id) has no non-triggering example")
            #expect(
                rule.triggeringExamples.contains { !$0.excludeFromDocumentation },
                "\(rule.id) has no documented triggering example")
        }
    }
}

extension String {
    func replacingNewlines(with separator: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: separator)
    }
}
