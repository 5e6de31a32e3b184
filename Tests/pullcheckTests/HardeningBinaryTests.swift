import Foundation
import ProgramTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Paths that are not regular files, loops and permissions, through the real binary.
@Suite("Hostile paths, end to end")
struct HardeningBinaryTests {
    static let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"nginx:latest\"}]}\n"

    @Test("a FIFO or a device passed as a path is refused at once; the other files are linted")
    func specialFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/pipe.yaml"
        #expect(mkfifo(fifo, 0o644) == 0)
        let good = directory + "/good.yaml"
        try Self.pod.write(toFile: good, atomically: true, encoding: .utf8)
        // Nobody writes to the FIFO: a read would block forever.
        let result = try pullcheck(["--no-config", "--quiet", fifo, "/dev/null", good])
        #expect(result.status == 2)
        #expect(result.error.contains("pipe.yaml: cannot read: is a FIFO, not a regular file"))
        #expect(result.error.contains("/dev/null: cannot read: is a character device, not a regular file"))
        #expect(result.output.contains("good.yaml:4:"))
    }

    @Test("a directory with a symbolic-link loop is walked once")
    func symlinkLoop() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/a/b", withIntermediateDirectories: true)
        try Self.pod.write(toFile: directory + "/a/b/pod.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory + "/a/b/up", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: directory + "/a/self", withDestinationPath: directory + "/a")
        // A link that points at itself, named like a manifest.
        try FileManager.default.createSymbolicLink(atPath: directory + "/a/loop.yaml", withDestinationPath: directory + "/a/loop.yaml")
        let result = try pullcheck(["--no-config", "--quiet", "--statistics", directory])
        // A link that cannot be followed while walking is noted, not a failed run.
        #expect(result.status == 1)
        #expect(result.output.components(separatedBy: "[latest-tag]").count == 2, "the pod was linted more than once: \(result.output)")
        #expect(result.output.contains("loop.yaml: cannot be read (Too many levels of symbolic links)"))
        // Named, it is an error.
        let named = try pullcheck(["--no-config", "--quiet", directory + "/a/loop.yaml"])
        #expect(named.status == 2)
        #expect(named.error.contains("loop.yaml: cannot read: Too many levels of symbolic links"))
    }

    @Test("an unreadable file is reported and the others are linted")
    func unreadable() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let good = directory + "/good.yaml"
        try Self.pod.write(toFile: good, atomically: true, encoding: .utf8)
        let secret = directory + "/locked.yaml"
        try Self.pod.write(toFile: secret, atomically: true, encoding: .utf8)
        chmod(secret, 0)
        let dangling = directory + "/gone.yaml"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: directory + "/nowhere.yaml")
        let result = try pullcheck(["--no-config", "--quiet", "--statistics", directory])
        // The dangling link is noted; a file that exists but cannot be read is an error.
        #expect(result.output.contains("gone.yaml: cannot be read (No such file or directory); a dangling symbolic link?"))
        if geteuid() != 0 {
            #expect(result.status == 2)
            #expect(result.error.contains("locked.yaml: cannot read: Permission denied"))
        } else {
            #expect(result.status == 1)
        }
        #expect(result.output.contains("good.yaml:4:"))
    }

    @Test("named binary files, NUL bytes and invalid UTF-8 give positioned errors, exit 2; met while walking, they are skipped with a note")
    func binaryFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: directory + "/blob.yaml"))
        try Data("a: \"x".utf8 + [0xFF] + "\"\n".utf8).write(to: URL(fileURLWithPath: directory + "/latin1.yaml"))
        let walked = try pullcheck(["--no-config", "--quiet", "--statistics", directory])
        #expect(walked.status == 0)
        #expect(walked.output.contains("blob.yaml: not a Kubernetes manifest and not valid YAML"))
        // A broken file that looks like a manifest is still an error while walking.
        try Data("apiVersion: v1\nkind: Pod\nmetadata: [\n".utf8).write(to: URL(fileURLWithPath: directory + "/pod.yaml"))
        let broken = try pullcheck(["--no-config", "--quiet", directory])
        #expect(broken.status == 2)
        #expect(broken.output.contains("pod.yaml:4:1: error:"))
        try FileManager.default.removeItem(atPath: directory + "/pod.yaml")
        let result = try pullcheck(["--no-config", "--quiet", directory + "/blob.yaml", directory + "/latin1.yaml"])
        #expect(result.status == 2)
        #expect(result.output.contains("blob.yaml:1:1: error:"))
        #expect(result.output.contains("latin1.yaml:1:6: error: invalid leading UTF-8 octet"))
    }

    /// Runs a shell script in `directory` (paths past PATH_MAX and non-UTF-8 names are easiest
    /// made and removed from a shell, one directory at a time).
    func shell(_ script: String, in directory: String) throws -> ProcessResult {
        try run("/bin/bash", ["-c", script], environment: ["PULLCHECK": pullcheckBinary], directory: directory)
    }

    @Test("a manifest 110 folders deep (a path past PATH_MAX) is linted")
    func pathPastPathMax() throws {
        let directory = try temporaryDirectory()
        defer { _ = try? shell("rm -rf deep", in: directory) }
        let made = try shell(
            """
            set -e
            mkdir deep && cd deep
            for i in $(seq 1 110); do d=folder-$i-abcdefghijklmnopqrstuvwxyz; mkdir $d && cd $d; done
            printf '%s' '\(Self.pod)' > pod.yaml
            """, in: directory)
        #expect(made.status == 0, "\(made.error)")
        let result = try run(pullcheckBinary, ["--no-config", "--quiet", "deep"], directory: directory)
        #expect(result.status == 1, "\(result.error)")
        #expect(result.output.hasPrefix("deep/folder-1-"))
        #expect(result.output.contains("/folder-110-abcdefghijklmnopqrstuvwxyz/pod.yaml:4:45: warning:"))
        #expect(result.output.utf8.count > 4_096 + 40)
        #expect(result.error.isEmpty)
    }

    @Test("a file name that is not UTF-8 is read, and shown with the byte escaped")
    func nonUTF8Name() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let made = try shell("mkdir latin && printf '%s' '\(Self.pod)' > $'latin/caf\\xe9.yaml'", in: directory)
        #expect(made.status == 0, "\(made.error)")
        let result = try run(pullcheckBinary, ["--no-config", "--quiet", "latin"], directory: directory)
        #expect(result.status == 1, "\(result.error)")
        #expect(result.output.hasPrefix("latin/caf\\xE9.yaml:4:45: warning:"))
        _ = try shell("rm -rf latin", in: directory)
    }

    @Test("standard input named like a file on disk: the file's pragma does not suppress stdin's finding")
    func stdinNamedLikeAFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let suppressed =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      # pullcheck:ignore latest-tag\n      image: nginx:latest\n"
        try suppressed.write(toFile: directory + "/x.yaml", atomically: true, encoding: .utf8)
        let plain = suppressed.replacingOccurrences(of: "      # pullcheck:ignore latest-tag\n", with: "\n")
        let result = try run(
            pullcheckBinary, ["--no-config", "--quiet", "--stdin-filename", "x.yaml", "-", "x.yaml"], stdin: Data(plain.utf8),
            directory: directory)
        #expect(result.status == 1)
        #expect(
            result.output.components(separatedBy: "\n").filter { !$0.isEmpty } == [
                "x.yaml:8:20: warning: container \"c\" uses \"nginx:latest\" with the mutable tag latest; pin a version tag or a digest [latest-tag]"
            ])
    }

    @Test("endless standard input is streamed: a positioned error at the node limit, exit 2, no crash")
    func endlessStandardInput() throws {
        let result = try shell("yes 'a: b' | \"$PULLCHECK\" --no-config --quiet -", in: packageRoot)
        #expect(result.status == 2)
        #expect(result.output.hasPrefix("<stdin>:1000000:4: error: document has more than 2000000 nodes"))
    }

    @Test("standard input is read again from its copy: pragmas and excerpts work on a pipe")
    func standardInputPragmas() throws {
        let text =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      # pullcheck:ignore latest-tag\n      image: nginx:latest\n"
        let result = try pullcheck(["--no-config", "--quiet", "-"], stdin: text)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(".pullcheck.yaml: over 1 MiB, or nested too deep, is a clear configuration error")
    func configurationLimits() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.pod.write(toFile: directory + "/pod.yaml", atomically: true, encoding: .utf8)
        let big = "rules:\n  latest-tag: on\n" + String(repeating: "# padding padding padding padding padding\n", count: 30_000)
        try big.write(toFile: directory + "/big.yaml", atomically: true, encoding: .utf8)
        let tooBig = try run(pullcheckBinary, ["--config", "big.yaml", "pod.yaml"], directory: directory)
        #expect(tooBig.status == 64)
        #expect(tooBig.error.contains("big.yaml: the configuration is larger than 1 MiB"))
        let deep = "exclude: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        try deep.write(toFile: directory + "/deep.yaml", atomically: true, encoding: .utf8)
        let nested = try run(pullcheckBinary, ["--config", "deep.yaml", "pod.yaml"], directory: directory)
        #expect(nested.status == 64)
        #expect(nested.error.contains("deep.yaml:1:1009: collections are nested more than 1000 levels deep"))
    }

    @Test("without a usable TMPDIR, standard input is kept in memory (bounded) and still read twice")
    func standardInputWithoutTemporaryFiles() throws {
        let text =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      # pullcheck:ignore latest-tag\n      image: nginx:latest\n"
        let result = try pullcheck(["--no-config", "--quiet", "-"], stdin: text, environment: ["TMPDIR": "/nonexistent/pullcheck"])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let broken = try pullcheck(["--no-config", "--quiet", "-"], stdin: "a: [1,\n", environment: ["TMPDIR": "/nonexistent/pullcheck"])
        #expect(broken.status == 2)
        #expect(broken.output.hasPrefix("<stdin>:2:1: error:"))
    }
}
