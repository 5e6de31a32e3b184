import Testing

@testable import PullCheckKit
@testable import TextSupport

/// One display policy for every format: no C0/C1 control, DEL, U+2028/U+2029 or bidirectional
/// override/isolate from input is written raw, on a pipe or on a terminal, in the findings, the
/// excerpts or on standard error; and nothing from input can start a line of its own.
@Suite("Output safety: one display policy for every format")
struct OutputSafetyTests {
    /// Every scalar the policy escapes, with a few neighbours that it must leave alone.
    static let unsafe: [Unicode.Scalar] =
        (0x00..<0x20).compactMap(Unicode.Scalar.init) + [Unicode.Scalar(0x7F)!] + (0x80...0x9F).compactMap(Unicode.Scalar.init)
        + [Unicode.Scalar(0x2028)!, Unicode.Scalar(0x2029)!] + (0x202A...0x202E).compactMap(Unicode.Scalar.init)
        + (0x2066...0x2069).compactMap(Unicode.Scalar.init)

    /// Whether `text` holds a scalar the policy escapes (LF allowed as the line terminator).
    static func rawUnsafe(_ text: String, allowing allowed: Set<Unicode.Scalar> = ["\n"]) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { DisplayPolicy.isUnsafe($0) && !allowed.contains($0) }
    }

    /// A Pod whose container name, namespace and name hold every unsafe character, a forged
    /// workflow command, a forged finding line and XML that would end an element.
    static let hostile = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: "web\\u202Eevil"
          namespace: "ns\\e[0m\\u2066x"
        spec:
          containers:
            - name: "a\\e[2J\\r\\n::error title=x::forged\\a\\b\\v\\f\\x7f\\N\\x9b\\L\\P\\u202E\\u2069 </failure>]]> %0A"
              image: "nginx:latest"
            - name: "b\\nhostile.yaml:1:1: error: forged finding [latest-tag]"
              image: nginx

        """
    static let hostileName = "k8s/\u{1B}[31mred\u{7}\r\n::error title=x::forged\u{8}\u{B}\u{C}\u{7F}\u{85}\u{2028}\u{202E}.yaml"

    @Test("the policy escapes exactly C0, DEL, C1, U+2028/9 and the bidirectional controls")
    func policy() {
        for scalar in Self.unsafe {
            #expect(DisplayPolicy.isUnsafe(scalar), "U+\(String(scalar.value, radix: 16))")
            let shown = displayText("a" + String(scalar) + "b")
            #expect(Self.rawUnsafe(shown, allowing: []).isEmpty, "U+\(String(scalar.value, radix: 16)) is written raw")
            #expect(shown.hasPrefix("a\\") && shown.hasSuffix("b"))
        }
        #expect(displayText("\u{1B}[2J\n\t\r\u{2028}\u{202E}") == "\\u{1b}[2J\\n\\t\\r\\u{2028}\\u{202e}")
        // Printable text is left alone (and not copied).
        for safe in ["plain", "é👍日本語", "\u{A0}nbsp", "\u{200D}zwj", "\u{2027}\u{202F}\u{2065}\u{206A}", "100% <a> & \"q\""] {
            #expect(displayText(safe) == safe)
            #expect(!DisplayPolicy.needsEscaping(safe))
        }
        #expect(DisplayPolicy.needsEscaping("x\u{85}"))
        #expect(DisplayPolicy.needsEscaping("x\u{2069}"))
    }

    @Test("hostile values and file names never reach the output raw", arguments: OutputFormat.allCases, [false, true])
    func formats(_ format: OutputFormat, terminal: Bool) {
        let run = runCLI(
            ["--no-config", "--format", format.rawValue, "--color", "never", "--stdin-filename", Self.hostileName, "-"],
            stdin: Self.hostile, terminal: terminal)
        #expect(run.status == 1)
        #expect(run.error.isEmpty)
        #expect(Self.rawUnsafe(run.output).isEmpty, "\(format): raw \(Self.rawUnsafe(run.output).map { String($0.value, radix: 16) })")
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Nothing from input starts a line: no forged workflow command, no forged finding.
        #expect(!lines.contains { $0.hasPrefix("::error title=x") || $0.hasPrefix("hostile.yaml:1:1") })
        switch format {
        case .text:
            // Two findings, each one line (plus, on a terminal, its excerpt), then the summary.
            let findings = lines.filter { $0.hasPrefix("k8s/") }
            #expect(findings.count == 2)
            for line in findings {
                #expect(
                    line.hasPrefix(
                        "k8s/\\u{1b}[31mred\\u{7}\\r\\n::error title=x::forged\\u{8}\\u{b}\\u{c}\\u{7f}\\u{85}\\u{2028}\\u{202e}.yaml:"))
                #expect(line.hasSuffix("[latest-tag]") || line.hasSuffix("[missing-tag]"))
            }
            #expect(lines.count == (terminal ? 2 * 3 : 2) + 3)
        case .github:
            #expect(lines.count == 3 && lines[2].isEmpty)
            for line in lines.dropLast() { #expect(line.hasPrefix("::warning file=k8s/\\u{1b}[31mred")) }
        case .junit:
            // The forged XML is escaped: the only </failure> are pullcheck's own.
            #expect(run.output.split(separator: "</failure>", omittingEmptySubsequences: false).count == 3)
            #expect(!run.output.contains("]]>"))
            #expect(run.output.contains("&lt;/failure&gt;]]&gt;"))
        case .json, .sarif:
            // Values keep what they are, escaped as JSON does; messages read as in the other formats.
            if format == .json {
                #expect(
                    run.output.contains(#"a\u001b[2J\r\n::error title=x::forged\u0007\b\u000b\f\u007f\u0085\u009b\u2028\u2029\u202e\u2069"#)
                )
            }
            #expect(
                run.output.contains(
                    #"\"a\\u{1b}[2J\\r\\n::error title=x::forged\\u{7}\\u{8}\\u{b}\\u{c}\\u{7f}\\u{85}\\u{9b}\\u{2028}\\u{2029}\\u{202e}\\u{2069} </failure>]]> %0A\""#
                ))
            #expect(run.output.contains(#"web\u202eevil"#) && run.output.contains(#"ns\u001b[0m\u2066x"#))
        }
    }

    @Test("the message reads the same in every format")
    func sameMessage() {
        let shown = #"container "b\nhostile.yaml:1:1: error: forged finding [latest-tag]" image "nginx""#
        let json = #"container \"b\\nhostile.yaml:1:1: error: forged finding [latest-tag]\" image \"nginx\""#
        let xml = #"container &quot;b\nhostile.yaml:1:1: error: forged finding [latest-tag]&quot; image &quot;nginx&quot;"#
        for (format, expected) in [(OutputFormat.text, shown), (.github, shown), (.junit, xml), (.json, json), (.sarif, json)] {
            let run = runCLI(["--no-config", "--format", format.rawValue, "--stdin-filename", "p.yaml", "-"], stdin: Self.hostile)
            #expect(run.output.contains(expected), "\(format)")
        }
    }

    @Test("a file name with control characters is escaped on standard error too")
    func standardError() {
        let missing = "missing-\u{1B}]0;title\u{7}\n::error title=x::forged.yaml"
        let run = runCLI(["--no-config", missing])
        #expect(run.status == 2)
        #expect(Self.rawUnsafe(run.error).isEmpty)
        #expect(run.error.split(separator: "\n").count == 1)
        #expect(run.error.hasPrefix("pullcheck: error: missing-\\u{1b}]0;title\\u{7}\\n::error title=x::forged.yaml: cannot read"))
        // Usage errors quote the argument the same way.
        let usage = runCLI(["--no-config", "--enable", "x\u{1B}[2J\nforged"])
        #expect(usage.status == 64)
        #expect(Self.rawUnsafe(usage.error).isEmpty)
        #expect(usage.error.contains("x\\u{1b}[2J\\nforged"))
    }

    @Test("inspect-image shows an invalid reference escaped, with the marker under the fault")
    func inspectImage() {
        let run = runCLI(["inspect-image", "nginx:\u{1B}[2J\u{202E}x"])
        #expect(run.status == 1)
        #expect(OutputSafetyTests.rawUnsafe(run.output).isEmpty)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "nginx:\\u{1b}[2J\\u{202e}x")
        // The marker starts under the escaped ESC, where the tag goes wrong.
        if let shown = lines.firstIndex(of: "  nginx:\\u{1b}[2J\\u{202e}x"), shown + 1 < lines.count {
            #expect(lines[shown + 1].hasPrefix("        ^"))
            #expect(!lines[shown + 1].hasPrefix("         "))
        } else {
            Issue.record("no marked input in \(run.output)")
        }
    }

    @Test("a control character in the source is escaped in the excerpt, not printed")
    func excerptOfControlCharacters() {
        // libyaml rejects the raw ESC: the finding is at it, and the excerpt shows the line.
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"a\u{1B}[2J\u{7}b\"}\n"
        for colors in ["never", "always"] {
            let run = runCLI(["--no-config", "--color", colors, "--stdin-filename", "p.yaml", "-"], stdin: text, terminal: true)
            #expect(run.status == 2)
            #expect(run.output.contains("control characters are not allowed"))
            // Only pullcheck's own colour sequences (ESC [ digits m) may hold ESC.
            var rest = Substring(run.output)
            while let escape = rest.firstIndex(of: "\u{1B}") {
                let after = rest[rest.index(after: escape)...]
                let sequence = after.prefix { $0 != "m" }
                #expect(sequence.first == "[" && sequence.dropFirst().allSatisfy { $0.isNumber || $0 == ";" }, "raw ESC in \(colors)")
                rest = after.dropFirst(sequence.count)
            }
            #expect(Self.rawUnsafe(run.output, allowing: ["\n", "\u{1B}"]).isEmpty)
            #expect(run.output.contains(#"name: "a\u{1b}[2J\u{7}b"}"#))
        }
    }
}

/// Source excerpts on a terminal: a window around the span, the marker under the right characters.
@Suite("Terminal excerpts")
struct ExcerptTests {
    /// The excerpt lines of a terminal run, as (shown line, marker line) after the gutter.
    static func excerpts(_ output: String) -> [(line: String, marker: String)] {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var result: [(String, String)] = []
        var index = 0
        while index + 1 < lines.count {
            if let bar = lines[index].firstRange(of: " | "), lines[index].hasPrefix(" "),
                let markerBar = lines[index + 1].firstRange(of: " | ")
            {
                result.append((String(lines[index][bar.upperBound...]), String(lines[index + 1][markerBar.upperBound...])))
                index += 2
            } else {
                index += 1
            }
        }
        return result
    }

    /// The text under the marker: the shown characters from the marker's first cell, as many as it
    /// has carets (cells counted as the reporter counts them).
    static func marked(_ excerpt: (line: String, marker: String)) -> String {
        let start = excerpt.marker.prefix { $0 == " " }.count
        let carets = excerpt.marker.dropFirst(start).prefix { $0 == "^" }.count
        var cell = 0
        var out = ""
        for scalar in excerpt.line.unicodeScalars {
            let width = ExcerptLine.terminalWidth(scalar)
            if cell >= start && cell < start + carets { out.unicodeScalars.append(scalar) }
            cell += width
        }
        return out
    }

    @Test("the marker stays under the span after tabs, wide characters, escapes and bidi controls")
    func alignment() {
        let text =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
            + "    - {name: \"a\tb日本é👍\u{202E}\u{2066}x\", image: \"nginx:latest\"}\n"
        let run = runCLI(["--no-config", "--color", "never", "--stdin-filename", "p.yaml", "-"], stdin: text, terminal: true)
        let excerpts = Self.excerpts(run.output)
        #expect(excerpts.count == 1)
        if let excerpt = excerpts.first {
            #expect(Self.marked(excerpt) == "latest")
            #expect(excerpt.line.contains("\\u{202e}\\u{2066}x"))
            #expect(OutputSafetyTests.rawUnsafe(excerpt.line).isEmpty)
        }
    }

    @Test("with --column-unit utf-16 or utf-8 the marker is still under the span", arguments: ["character", "utf-16", "utf-8"])
    func alignmentInOtherUnits(_ unit: String) {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: \"é👍日本\", image: \"nginx:latest\"}]}\n"
        let run = runCLI(
            ["--no-config", "--color", "never", "--column-unit", unit, "--stdin-filename", "p.yaml", "-"], stdin: text, terminal: true)
        let excerpts = Self.excerpts(run.output)
        #expect(excerpts.count == 1)
        if let excerpt = excerpts.first { #expect(Self.marked(excerpt) == "latest") }
        let line = ExcerptLine("aé👍b", unit: ColumnUnit(rawValue: unit) ?? .character)
        for (index, column) in [1, 2, 3, 4, 5, 6].enumerated() {
            let converted = (ColumnUnit(rawValue: unit) ?? .character).column(column, on: "aé👍b")
            #expect(line.characterIndex(ofColumn: converted) == index)
        }
    }

    @Test("a long line is clipped to a window around the span, with … where it is cut")
    func clipped() {
        // 3,000 containers on one flow line: each finding's excerpt is a window, not the line.
        let count = 3000
        let items = (0..<count).map { "{name: c\($0), image: \"nginx:latest\"}" }.joined(separator: ", ")
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [\(items)]}\n"
        let run = runCLI(["--no-config", "--quiet", "--color", "never", "--stdin-filename", "p.yaml", "-"], stdin: text, terminal: true)
        let excerpts = Self.excerpts(run.output)
        #expect(excerpts.count == count)
        for excerpt in excerpts {
            #expect(excerpt.line.unicodeScalars.count <= TextReporter.excerptWidth + 2)
            #expect(Self.marked(excerpt) == "latest")
        }
        #expect(excerpts.first.map { $0.line.hasSuffix("…") } == true)
        #expect(excerpts.last.map { $0.line.hasPrefix("…") && $0.line.hasSuffix("}") } == true)
        // Output proportional to the findings: well under the line length per finding.
        #expect(run.output.utf8.count < count * 600)
    }

    @Test("a span longer than the window is marked to the window's end; a span past the end of the line after it")
    func longAndPastEnd() {
        let line = ExcerptLine(String(repeating: "x", count: 500))
        let long = line.window(start: 10, length: 400, width: 120, lead: 40)
        #expect(long.text.hasSuffix("…") && !long.text.hasPrefix("…"))
        #expect(long.pad.count == 10 && long.marker.count == 110)
        let end = ExcerptLine("abc").window(start: 5, length: 1, width: 120, lead: 40)
        #expect(end.text == "abc" && end.pad == "     " && end.marker == "^")
        let tail = line.window(start: 490, length: 5, width: 120, lead: 40)
        #expect(tail.text.hasPrefix("…") && !tail.text.hasSuffix("…") && tail.pad.count == 41 && tail.marker == "^^^^^")
    }
}
