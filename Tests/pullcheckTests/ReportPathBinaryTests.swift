import Foundation
import ProgramTestSupport
import Testing

/// Paths and file names on disk, through the built binary: what a directory walk from `.` gives
/// CI tools, and a file whose name holds control characters.
@Suite("Paths and file names on disk, end to end")
struct ReportPathBinaryTests {
    static let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"nginx:latest\"}]}\n"

    @Test("linting . (or no path) annotates k8s/x.yaml, not ./k8s/x.yaml; text keeps ./")
    func walkFromDot() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/k8s", withIntermediateDirectories: true)
        try Self.pod.write(toFile: directory + "/k8s/x.yaml", atomically: false, encoding: .utf8)
        for paths in [[], ["."], ["./k8s"]] {
            let github = try run(pullcheckBinary, ["--no-config", "--format", "github"] + paths, directory: directory)
            #expect(github.status == 1)
            #expect(github.output.hasPrefix("::warning file=k8s/x.yaml,line=4,"), "\(paths): \(github.output)")
            let junit = try run(pullcheckBinary, ["--no-config", "--format", "junit"] + paths, directory: directory)
            #expect(junit.output.contains("<testsuite name=\"k8s/x.yaml\""))
            #expect(!junit.output.contains("\"./"))
            let sarif = try run(pullcheckBinary, ["--no-config", "--format", "sarif"] + paths, directory: directory)
            #expect(sarif.output.contains("\"uri\": \"k8s/x.yaml\""))
        }
        let text = try run(pullcheckBinary, ["--no-config", "."], directory: directory)
        #expect(text.output.hasPrefix("./k8s/x.yaml:4:45: warning: "))
    }

    @Test("a file named with ESC, LF and a forged workflow command is one escaped line in every format")
    func hostileFileName() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let name = "a\u{1B}[2J\u{7}\n::error title=x::forged\u{2028}.yaml"
        try Self.pod.write(toFile: directory + "/" + name, atomically: false, encoding: .utf8)
        for format in ["text", "github", "junit", "json", "sarif"] {
            let result = try run(pullcheckBinary, ["--no-config", "--quiet", "--format", format, "."], directory: directory)
            #expect(result.status == 1)
            let raw = result.output.unicodeScalars.filter {
                $0 != "\n" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}")
            }
            #expect(raw.isEmpty, "\(format) writes \(raw.map { String($0.value, radix: 16) }) raw")
            #expect(!result.output.split(separator: "\n").contains { $0.hasPrefix("::error title=x") })
            if format == "text" {
                #expect(
                    result.output
                        == "./a\\u{1b}[2J\\u{7}\\n::error title=x::forged\\u{2028}.yaml:4:45: warning: container \"c\" uses \"nginx:latest\" with the mutable tag latest; pin a version tag or a digest [latest-tag]\n"
                )
            }
        }
    }
}
