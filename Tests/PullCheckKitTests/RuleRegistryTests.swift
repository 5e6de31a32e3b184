import Testing

@testable import PullCheckKit

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Rule registry and documentation")
struct RuleRegistryTests {
    @Test("ids are unique, kebab-case and sorted")
    func ids() {
        let ids = RuleRegistry.descriptions.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        for id in ids {
            let valid =
                !id.isEmpty && id.first != "-" && id.last != "-" && !id.contains("--")
                && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            #expect(valid, "\(id) is not kebab-case")
        }
    }

    @Test("each kind list is alphabetical by type name, as kept by hand")
    func lists() {
        for list in [
            RuleRegistry.loaderRules.map { "\($0)" }, RuleRegistry.objectRules.map { "\($0)" }, RuleRegistry.runRules.map { "\($0)" },
        ] {
            #expect(list == list.sorted())
        }
    }

    @Test("descriptions are complete")
    func descriptions() {
        for rule in RuleRegistry.descriptions {
            #expect(
                !rule.name.isEmpty && !rule.summary.isEmpty && !rule.details.isEmpty && !rule.rationale.isEmpty && !rule.fix.isEmpty,
                "\(rule.id)")
            #expect(!rule.summary.contains("\n"), "\(rule.id): the summary is one line")
            #expect(!rule.references.isEmpty, "\(rule.id) has no references")
        }
    }

    @Test("rules/<id>.md is committed and equal to the generated page", arguments: RuleRegistry.descriptions.map(\.id))
    func pageIsCurrent(_ id: String) throws {
        let description = try #require(RuleRegistry.description(of: id))
        let path = packageRoot + "/rules/" + RuleDocumentation.fileName(for: description)
        let committed = try #require(readText(path), "\(path) is missing; run `swift run pullcheck generate-docs`")
        #expect(committed == RuleDocumentation.page(for: description), "\(path) is stale; run `swift run pullcheck generate-docs`")
    }

    @Test("no page in rules/ without a rule")
    func noOrphanPages() throws {
        let names = try #require(listDirectory(packageRoot + "/rules"))
        let ids = Set(RuleRegistry.descriptions.map(\.id))
        for name in names where name.hasSuffix(".md") {
            #expect(ids.contains(String(name.dropLast(3))), "rules/\(name) has no rule")
        }
    }

    @Test("the README's rule table is current")
    func readmeTable() throws {
        let readme = try #require(readText(packageRoot + "/README.md"))
        #expect(readme.contains(RuleDocumentation.ruleTable()), "README.md's rule table is stale; paste `RuleDocumentation.ruleTable()`")
    }
}

@Suite("generate-docs")
struct GenerateDocsTests {
    @Test("--check passes on the committed pages and fails on a missing or stale one; writing restores them")
    func checkAndWrite() throws {
        // The committed pages are current.
        #expect(runCLI(["generate-docs", "--check"]).status == 0)
        let directory = "/tmp/pullcheck-docs-\(getpid())"
        mkdir(directory, 0o755)
        defer {
            for description in RuleRegistry.descriptions { unlink(directory + "/" + RuleDocumentation.fileName(for: description)) }
            rmdir(directory)
        }
        // An empty folder: every page is missing.
        let missing = runCLI(["generate-docs", "--check", "--output", directory])
        #expect(missing.status == 1)
        #expect(missing.error.contains("stale or missing: \(directory)/latest-tag.md"))
        // Writing creates them, after which --check passes.
        let written = runCLI(["generate-docs", "--output", directory])
        #expect(written.status == 0)
        #expect(written.output.contains("wrote \(directory)/latest-tag.md"))
        #expect(runCLI(["generate-docs", "--check", "--output", directory]).status == 0)
        // A hand edit is stale.
        let page = directory + "/latest-tag.md"
        let file = fopen(page, "a")
        fputs("edited by hand\n", file)
        fclose(file)
        #expect(runCLI(["generate-docs", "--check", "--output", directory]).error.contains("stale or missing: \(page)"))
    }
}

func readText(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

func listDirectory(_ path: String) -> [String]? {
    guard let dir = opendir(path) else { return nil }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}
