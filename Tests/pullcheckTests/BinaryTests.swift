import Foundation
import ProgramTestSupport
import Testing

@Suite("The built binary, end to end")
struct BinaryTests {
    @Test("--online without pullcheck-online next to the binary: one clear error, exit 2, no input read")
    func onlineWithoutTheOnlineExecutable() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: pullcheckBinary, toPath: directory + "/pullcheck")
        let result = try run(directory + "/pullcheck", ["--online", "--no-config", "-"], stdin: Data("not: read".utf8))
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(
            result.error.contains("--online needs pullcheck-online next to pullcheck")
                && result.error.contains("swift build -c release --product pullcheck-online"), "\(result.error)")
    }

    @Test("the README's demo command shows real findings and exits 2 (broken.yaml does not parse)")
    func demo() throws {
        let result = try pullcheck(["--config", "testdata/demo/pullcheck.yaml", "testdata/demo"])
        #expect(result.status == 2)
        for rule in [
            "latest-tag", "missing-tag", "tag-typo", "invalid-image-ref", "always-pull-immutable", "registry-typo",
            "deprecated-registry", "invalid-pull-policy", "missing-image", "duplicate-key", "yaml-syntax", "missing-pull-secret",
            "pull-secret-not-found", "pull-secret-wrong-type", "pull-secret-registry-mismatch", "invalid-dockerconfigjson",
        ] {
            #expect(result.output.contains("[\(rule)]"), "the demo shows no \(rule) finding")
        }
        #expect(!result.output.contains("testdata/demo/clean.yaml"))
        // The demo secrets' password must not leak into the output.
        #expect(!result.output.contains("demo-password"))
    }

    @Test("exit statuses of the real process")
    func exitStatuses() throws {
        let clean = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"nginx:1.27\"}]}\n"
        #expect(try pullcheck(["--no-config", "-"], stdin: clean).status == 0)
        #expect(try pullcheck(["--no-config", "-"], stdin: clean.replacingOccurrences(of: "1.27", with: "latest")).status == 1)
        #expect(try pullcheck(["--no-config", "-"], stdin: "a: [").status == 2)
        let usage = try pullcheck(["--no-such-option"])
        #expect(usage.status == 64)
        #expect(usage.error.contains("unknown option"))
        #expect(usage.output.isEmpty)
    }

    @Test("standard input with --stdin-filename, as editors run it")
    func editorRun() throws {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: \"é👍x\", image: \"nginx:latest\"}\n"
        let result = try pullcheck(["--no-config", "--quiet", "--stdin-filename", "k8s/pod.yaml", "-"], stdin: text)
        #expect(result.status == 1)
        // Columns count characters: é and 👍 are one each (2 and 4 bytes in UTF-8).
        #expect(result.output.hasPrefix("k8s/pod.yaml:6:35: warning: container \"é👍x\" uses \"nginx:latest\""))
    }

    @Test("linting leaves every input byte-identical, with its modification time")
    func inputsUntouched() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let demo = packageRoot + "/testdata/demo"
        let copy = directory + "/demo"
        try FileManager.default.copyItem(atPath: demo, toPath: copy)
        let files = try FileManager.default.subpathsOfDirectory(atPath: copy).map { copy + "/" + $0 }
            .filter { !(try FileManager.default.attributesOfItem(atPath: $0)[.type] as? FileAttributeType == .typeDirectory) }
        // Set an old modification time so a rewrite would show.
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        for file in files { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: file) }
        let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        for format in ["text", "json", "sarif", "github", "junit"] {
            _ = try pullcheck(["--no-config", "--format", format, copy])
        }
        for (file, bytes) in zip(files, before) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == bytes, "\(file) changed")
            let modified = try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date
            #expect(modified == old, "\(file) has a new modification time")
        }
    }

    @Test("the executable is linked statically: nothing to load before the first byte is read")
    func staticExecutable() throws {
        let elf = try Data(contentsOf: URL(fileURLWithPath: pullcheckBinary))
        // A dynamically linked ELF file names its interpreter (ld-linux) in a PT_INTERP segment.
        #expect(elf.range(of: Data("/lib64/ld-linux-x86-64.so.2".utf8)) == nil)
    }
}
