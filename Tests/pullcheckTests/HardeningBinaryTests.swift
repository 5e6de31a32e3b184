import Foundation
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
}
