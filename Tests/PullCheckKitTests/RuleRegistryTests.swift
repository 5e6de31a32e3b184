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
            let valid = !id.isEmpty && id.first != "-" && id.last != "-" && !id.contains("--")
                && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            #expect(valid, "\(id) is not kebab-case")
        }
    }

    @Test("each kind list is alphabetical by type name, as kept by hand")
    func lists() {
        for list in [RuleRegistry.loaderRules.map { "\($0)" }, RuleRegistry.objectRules.map { "\($0)" }, RuleRegistry.runRules.map { "\($0)" }] {
            #expect(list == list.sorted())
        }
    }

    @Test("descriptions are complete")
    func descriptions() {
        for rule in RuleRegistry.descriptions {
            #expect(!rule.name.isEmpty && !rule.summary.isEmpty && !rule.details.isEmpty && !rule.rationale.isEmpty && !rule.fix.isEmpty, "\(rule.id)")
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
