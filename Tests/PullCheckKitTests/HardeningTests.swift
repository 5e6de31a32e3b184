import Testing

@testable import PullCheckKit

/// Hostile input: each gets a clear finding or error with a position where one exists, the other
/// inputs are still linted, the exit status is right, and work stays linear (structural bounds are
/// asserted; nothing here is timed).
@Suite("Hostile input")
struct HardeningTests {
    static let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"nginx:latest\"}]}\n"

    @Test("an alias bomb (billion laughs) is linted without expanding it")
    func aliasBomb() {
        var text =
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...40 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            text += "  a\(level): &a\(level) [\(refs)]\n"
        }
        // The containers of a pod aliasing the bomb are walked along their path only.
        text +=
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  x: &big ["
            + Array(repeating: "{name: c, image: \"nginx:1\"}", count: 9).joined(separator: ", ") + "]\n  containers: *big\n"
        let report = lint(text)
        #expect(report.diagnostics.isEmpty)
        #expect(report.objectCount == 2)
    }

    @Test("nesting deeper than the limit: a positioned yaml-syntax error, exit 2; at the limit it is linted")
    func deepNesting() {
        // The root mapping and data's value are two levels; the brackets make the rest.
        let prefix = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: "
        let fits = YAMLLimits.standard.maxDepth - 2
        let ok = lint(prefix + String(repeating: "[", count: fits) + String(repeating: "]", count: fits) + "\n")
        #expect(ok.diagnostics.isEmpty)
        #expect(!ok.hasInputErrors)
        for depth in [fits + 1, 100_000] {
            let report = lint(prefix + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n")
            #expect(report.hasInputErrors)
            #expect(report.exitStatus(failLevel: .warning) == 2)
            #expect(report.diagnostics.map(\.ruleID) == ["yaml-syntax"])
            #expect(report.diagnostics.first?.message.contains("nested more than 1000 levels") == true)
            // The bracket that goes one level too deep.
            #expect(findingPositions(report, rule: "yaml-syntax") == ["5:\(6 + fits)"])
        }
    }

    @Test("a line past the line limit stops the input with a positioned error")
    func hugeLine() {
        // The limit lowered to 1 MiB (16 MiB by default) shows the same with a 2 MiB line.
        var limits = YAMLLimits.standard
        limits.maxLineBytes = 1 << 20
        var bytes = Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  big: ".utf8)
        bytes += [UInt8](repeating: 0x61, count: 2 << 20)
        bytes += Array("\n".utf8)
        let report = lint(bytes: bytes, limits: limits)
        #expect(report.hasInputErrors)
        #expect(report.diagnostics.count == 1)
        let finding = report.diagnostics.first
        #expect(finding?.ruleID == "yaml-syntax")
        #expect(finding?.message.contains("a line is longer than 1 MiB") == true)
        #expect(finding?.span.start.line == 5)
        #expect(YAMLLimits.standard.maxLineBytes == 16 << 20)
    }

    @Test("NUL bytes, binary data, invalid UTF-8: a reader error at the byte's position")
    func binary() {
        var binary: [UInt8] = []
        for i in 0..<4096 { binary.append(UInt8(truncatingIfNeeded: i &* 7919)) }
        let report = lint(bytes: binary)
        #expect(report.hasInputErrors)
        #expect(report.diagnostics.count == 1)
        let nul = lint(bytes: Array("a: b\nc: d".utf8) + [0] + Array("\n".utf8))
        #expect(findingPositions(nul, rule: "yaml-syntax") == ["2:5"])
        let invalid = lint(bytes: Array("a: b\nc: \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8))
        #expect(findingPositions(invalid, rule: "yaml-syntax") == ["2:6"])
        #expect(invalid.diagnostics.first?.message.contains("invalid") == true)
    }

    @Test("UTF-16 with a byte-order mark is read; UTF-32 gets a clear error")
    func encodings() {
        func utf16(_ text: String, little: Bool) -> [UInt8] {
            var out: [UInt8] = little ? [0xFF, 0xFE] : [0xFE, 0xFF]
            for unit in text.utf16 { out += little ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            return out
        }
        for little in [true, false] {
            let report = lint(bytes: utf16(Self.pod, little: little))
            #expect(findingPositions(report, rule: "latest-tag") == ["4:45"])
        }
        var utf32: [UInt8] = [0xFF, 0xFE, 0, 0]
        for scalar in Self.pod.unicodeScalars {
            let v = scalar.value
            utf32 += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
        }
        let report = lint(bytes: utf32)
        #expect(report.hasInputErrors)
        #expect(report.diagnostics.first?.message.contains("UTF-32") == true)
        #expect(findingPositions(report, rule: "yaml-syntax") == ["1:1"])
    }

    @Test("empty files and files of only comments: nothing to report")
    func emptyInputs() {
        for text in ["", "\n\n", "# just a comment\n# another\n", "---\n...\n", "\u{FEFF}"] {
            let report = lint(text)
            #expect(report.diagnostics.isEmpty, "\(text.debugDescription)")
            #expect(!report.hasInputErrors)
        }
    }

    @Test("an image string of 2 MB: a short message, the limit named")
    func megabyteImage() {
        let image = "registry.example.com/" + String(repeating: "a", count: 2 << 20)
        let report = lint("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"\(image):1\"}]}\n")
        let finding = report.diagnostics.first { $0.ruleID == "invalid-image-ref" }
        #expect(finding?.message.contains("the limit is 255") == true)
        #expect((finding?.message.count ?? 0) < 400)
        // Beyond 1.5 MiB pullcheck keeps only the start of a value, so it points at the value.
        #expect(finding?.span.start == SourcePosition(line: 4, column: 38))
    }

    @Test("a pod with 10,000 containers")
    func manyContainers() {
        var text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        for i in 0..<10_000 { text += "    - {name: c\(i), image: \"nginx:latest\"}\n" }
        let report = lint(text)
        #expect(report.diagnostics.filter { $0.ruleID == "latest-tag" }.count == 10_000)
        #expect(report.diagnostics.last?.span.start.line == 10_005)
    }

    @Test("100,000 small documents in one file")
    func manyDocuments() {
        var text = ""
        text.reserveCapacity(100_000 * 80)
        for i in 0..<100_000 { text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c\(i)}\ndata: {k: v}\n" }
        let report = lint(text)
        #expect(report.documentCount == 100_000)
        #expect(report.objectCount == 100_000)
        #expect(report.diagnostics.isEmpty)
    }

    @Test("a mapping with 100,000 keys, some duplicated, is checked without quadratic work")
    func largeMapping() {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
        for i in 0..<100_000 { text += "  k\(i % 99_990): v\n" }
        let report = lint(text)
        #expect(report.diagnostics.filter { $0.ruleID == "duplicate-key" }.count == 10)
    }

    @Test("after bad input, the other inputs of the run are still linted")
    func otherInputsStillLinted() {
        let inputs = [
            LintInput(displayName: "bad.yaml", content: .bytes([0, 1, 2])),
            LintInput(displayName: "syntax.yaml", content: .bytes(Array("a: [\n".utf8))),
            LintInput.text(Self.pod, name: "good.yaml"),
        ]
        let report = Linter().lint(inputs, jobs: 2)
        #expect(report.hasInputErrors)
        #expect(report.exitStatus(failLevel: .warning) == 2)
        #expect(report.diagnostics.contains { $0.file == "good.yaml" && $0.ruleID == "latest-tag" })
    }

    @Test("documents before a syntax error are linted")
    func documentsBeforeError() {
        let report = lint(Self.pod + "---\nkey: [unclosed\n")
        #expect(findingPositions(report, rule: "latest-tag") == ["4:45"])
        #expect(findingPositions(report, rule: "yaml-syntax").count == 1)
    }

    @Test("a template that parses is linted; one that breaks YAML is one finding, and the documents before it are kept")
    func template() {
        let parses = lint(Self.pod + "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n")
        #expect(parses.diagnostics.map(\.ruleID) == ["latest-tag"])
        #expect(!parses.hasInputErrors)
        let broken = lint(
            Self.pod
                + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n{{- if .Values.x }}\nimagePullSecrets: []\n{{- end }}\n"
        )
        #expect(broken.diagnostics.map(\.ruleID).sorted() == ["latest-tag", "unrendered-template"])
        #expect(findingPositions(broken, rule: "unrendered-template") == ["10:1"])
        #expect(!broken.hasInputErrors)
        #expect(broken.exitStatus(failLevel: .warning) == 1)
        // It can be disabled like any rule: the template is then not reported at all.
        var configuration = Configuration()
        configuration.rules["unrendered-template"] = .init(enabled: false)
        let disabled = Linter(configuration: configuration).lint([.text(Self.pod + "---\n{{- if .Values.x }}\nkind: Pod\n{{- end }}\n")])
        #expect(disabled.diagnostics.map(\.ruleID) == ["latest-tag"])
        #expect(disabled.exitStatus(failLevel: .error) == 0)
    }
}
