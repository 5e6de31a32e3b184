import Testing

@testable import PullCheckKit

@Suite("YAML loader")
struct YAMLLoaderTests {
    @Test("positions are 1-based lines and character columns")
    func positions() throws {
        let (documents, summary) = parseDocuments("a: 1\nbb:\n  - \"x\"\n  - {k: v}\n")
        #expect(summary.error == nil)
        let document = try #require(documents.first)
        let root = try #require(document.root)
        let bb = try #require(document.entry("bb", in: root))
        #expect(document.span(bb.key) == SourceSpan(line: 2, column: 1, length: 2))
        let items = Array(document.items(bb.value))
        #expect(items.count == 2)
        #expect(document.span(items[0]) == SourceSpan(line: 3, column: 5, length: 3))
        #expect(document.scalarStyle(items[0]) == .doubleQuoted)
        #expect(document.isFlowCollection(items[1]))
        #expect(document.span(items[1]).start == SourcePosition(line: 4, column: 5))
    }

    @Test("columns count characters, not bytes, after multi-byte text")
    func multiByteColumns() throws {
        // "é" is 2 bytes, "👨‍👩‍👧‍👦" is 7 scalars / 25 bytes, "✓" is 3 bytes.
        let text = "x: {é: 1, \"👨‍👩‍👧‍👦✓\": 2, key: 3}\n"
        let (documents, _) = parseDocuments(text)
        let document = try #require(documents.first)
        let root = try #require(document.root)
        let mapping = try #require(document.value("x", in: root))
        let key = try #require(document.entry("key", in: mapping))
        let prefix = "x: {é: 1, \"👨‍👩‍👧‍👦✓\": 2, "
        #expect(document.span(key.key).start == SourcePosition(line: 1, column: prefix.unicodeScalars.count + 1))
    }

    @Test("multi-document streams, explicit ends and empty documents")
    func multiDocument() {
        let (documents, summary) = parseDocuments("---\na: 1\n...\n---\n---\n# only a comment\n---\nb: 2\n")
        #expect(summary.error == nil)
        #expect(documents.count == 4)
        // libyaml gives an empty document a null scalar as its root.
        let empty = documents.map { document in document.root.map { document.kind($0) == .scalar && document.isNull($0) } ?? true }
        #expect(empty == [false, true, true, false])
        #expect(documents.map(\.ordinal) == [1, 2, 3, 4])
    }

    @Test("JSON input parses, with tabs")
    func json() throws {
        let (documents, summary) = parseDocuments("{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"items\": [1,\n\t\t2]\n}\n")
        #expect(summary.error == nil)
        let document = try #require(documents.first)
        let root = try #require(document.root)
        #expect(document.string(try #require(document.value("kind", in: root))) == "Pod")
        #expect(document.span(try #require(document.entry("kind", in: root)).key).start == SourcePosition(line: 3, column: 2))
    }

    @Test("a UTF-8 byte-order mark is not a column")
    func byteOrderMark() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("a: 1\nb: 2\n".utf8)
        var documents: [YAMLDocument] = []
        _ = YAMLParser.parse(ByteSource(bytes: bytes, limits: .standard)) { documents.append($0) }
        let document = try #require(documents.first)
        let root = try #require(document.root)
        #expect(document.span(try #require(document.entry("a", in: root)).key).start == SourcePosition(line: 1, column: 1))
    }

    @Test("CRLF line ends count as one line break")
    func crlf() throws {
        let (documents, _) = parseDocuments("a: 1\r\nb:\r\n  c: 2\r\n")
        let document = try #require(documents.first)
        let root = try #require(document.root)
        let b = try #require(document.value("b", in: root))
        let c = try #require(document.entry("c", in: b))
        #expect(document.span(c.key).start == SourcePosition(line: 3, column: 3))
    }

    @Test("aliases point at their anchor; nothing is copied")
    func aliases() throws {
        let (documents, _) = parseDocuments("base: &b {image: nginx}\nuse: *b\n")
        let document = try #require(documents.first)
        let root = try #require(document.root)
        let use = try #require(document.value("use", in: root))
        #expect(document.kind(use) == .mapping)
        #expect(document.string(try #require(document.value("image", in: use))) == "nginx")
        // root, base, {image: nginx} (3 nodes), use, and one node for the alias.
        #expect(document.nodeCount == 7)
    }

    @Test("an alias bomb stays linear in nodes")
    func aliasBomb() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...30 {
            let previous = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(previous)]\n"
        }
        let (documents, summary) = parseDocuments(text)
        #expect(summary.error == nil)
        let document = try #require(documents.first)
        #expect(document.nodeCount < 1_000)
    }

    @Test("merge keys: explicit keys win, merged ones are found")
    func mergeKeys() throws {
        let text = "defaults: &d {image: nginx, imagePullPolicy: Always}\nc:\n  <<: *d\n  image: redis\n"
        let (documents, _) = parseDocuments(text)
        let document = try #require(documents.first)
        let root = try #require(document.root)
        let c = try #require(document.value("c", in: root))
        #expect(document.string(try #require(document.value("image", in: c))) == "redis")
        #expect(document.string(try #require(document.value("imagePullPolicy", in: c))) == "Always")
        #expect(document.duplicateKeys.isEmpty)
        #expect(document.entries(c).count == 2)
    }

    @Test("a merge graph cannot make lookups explode")
    func mergeBomb() throws {
        var text = "m0: &m0 {a: 1}\n"
        for level in 1...40 {
            let sources = Array(repeating: "*m\(level - 1)", count: 8).joined(separator: ", ")
            text += "m\(level): &m\(level) {<<: [\(sources)]}\n"
        }
        let (documents, _) = parseDocuments(text)
        let document = try #require(documents.first)
        let root = try #require(document.root)
        let last = try #require(document.value("m40", in: root))
        #expect(document.value("missing", in: last) == nil)
        #expect(document.value("a", in: last) != nil)
    }

    @Test("duplicate keys in small and large mappings, in source order")
    func duplicateKeys() throws {
        var large = "{"
        for i in 0..<40 { large += "k\(i): \(i), " }
        large += "k7: again, \"k3\": quoted}\n"
        for text in ["a: 1\nb: 2\na: 3\n", large] {
            let (documents, _) = parseDocuments(text)
            let document = try #require(documents.first)
            #expect(!document.duplicateKeys.isEmpty)
        }
        let (documents, _) = parseDocuments(large)
        let document = try #require(documents.first)
        let names = document.duplicateKeys.map { document.string($0.duplicate) ?? "" }
        #expect(names == ["k7", "k3"])
        for duplicate in document.duplicateKeys {
            #expect(document.string(duplicate.first) == document.string(duplicate.duplicate))
            #expect(document.span(duplicate.first).start < document.span(duplicate.duplicate).start)
        }
    }

    @Test("an alias to an unknown anchor or to its own container is an error")
    func badAliases() {
        let (_, unknown) = parseDocuments("a: *nothing\n")
        #expect(unknown.compositionProblems.map(\.message) == ["alias *nothing refers to an unknown anchor"])
        let (_, cycle) = parseDocuments("a: &x [1, *x]\n")
        #expect(cycle.compositionProblems.map(\.message) == ["alias *x refers to a node that contains it"])
    }

    @Test("nesting up to the limit parses without recursion; one level more stops at its bracket")
    func deepNesting() {
        var limits = YAMLLimits.standard
        limits.maxDepth = 10_000
        let depth = 10_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let (documents, summary) = parseDocuments(text, limits: limits)
        #expect(summary.error == nil)
        #expect(documents.first?.nodeCount == depth)
        for (open, close) in [("[", "]"), ("{", "}")] {
            let deeper = String(repeating: open, count: depth + 1) + String(repeating: close, count: depth + 1) + "\n"
            let (none, stopped) = parseDocuments(deeper, limits: limits)
            #expect(none.isEmpty)
            #expect(stopped.error?.kind == .limit)
            #expect(stopped.error?.position == SourcePosition(line: 1, column: depth + 1))
            #expect(stopped.error?.message.contains("nested more than 10000 levels") == true)
        }
    }

    @Test("the standard nesting limit counts block and flow collections alike")
    func standardDepthLimit() {
        let limit = YAMLLimits.standard.maxDepth
        #expect(limit == 1_000)
        // Block mappings, each one level deeper.
        var block = ""
        for level in 0..<limit { block += String(repeating: " ", count: level) + "k:\n" }
        block += String(repeating: " ", count: limit) + "v\n"
        #expect(parseDocuments(block).summary.error == nil)
        var deeper = ""
        for level in 0...limit { deeper += String(repeating: " ", count: level) + "k:\n" }
        deeper += String(repeating: " ", count: limit + 1) + "v\n"
        let error = parseDocuments(deeper).summary.error
        #expect(error?.kind == .limit)
        #expect(error?.position == SourcePosition(line: limit + 1, column: limit + 1))
    }

    @Test("syntax errors carry libyaml's problem, context and mark")
    func syntaxError() throws {
        let (documents, summary) = parseDocuments("a: 1\n---\nb: [1, 2\nc: 3\n")
        #expect(documents.count == 1)
        let error = try #require(summary.error)
        #expect(error.kind == .syntax)
        #expect(error.message.contains("while parsing a flow sequence"))
        #expect(error.position == SourcePosition(line: 4, column: 2))
    }

    @Test("reader errors are placed by byte offset")
    func readerErrors() {
        let invalid = lint(bytes: Array("a: b\nc: \"d".utf8) + [0xFF] + Array("\"\n".utf8))
        #expect(findingPositions(invalid, rule: "yaml-syntax") == ["2:6"])
        let control = lint(bytes: Array("a: é\nb: ".utf8) + [0x00])
        #expect(findingPositions(control, rule: "yaml-syntax") == ["2:4"])
        #expect(control.hasInputErrors)
    }

    @Test("limits stop hostile input with a clear error")
    func limits() {
        var limits = YAMLLimits.standard
        limits.maxLineBytes = 100_000
        let longLine = lint("a: " + String(repeating: "x", count: 300_000) + "\n", limits: limits)
        #expect(longLine.diagnostics.first?.message.contains("longer than") == true)
        #expect(longLine.hasInputErrors)
        limits = .standard
        limits.maxNodesPerDocument = 1_000
        let many = lint("[" + Array(repeating: "1", count: 5_000).joined(separator: ",") + "]\n", limits: limits)
        #expect(many.diagnostics.first?.message.contains("more than 1000 nodes") == true)
        limits = .standard
        limits.maxStoredScalarBytes = 10
        let (documents, _) = parseDocuments("a: 0123456789abcdef\n", limits: limits)
        let root = documents.first?.root
        let value = root.flatMap { documents.first?.value("a", in: $0) }
        #expect(value.map { documents.first?.isTruncated($0) } == true)
        #expect(value.map { documents.first?.scalarByteLength($0) } == 16)
    }
}
