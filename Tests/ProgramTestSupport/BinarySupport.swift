// What the tests that run programs share (pullcheckTests, EndToEndTests): where the package and the
// built `pullcheck` are, running a process, temporary directories.

import Foundation

/// The package's root directory, from this file's path.
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The `pullcheck` executable built next to the test bundle (`swift test` builds it too).
public let pullcheckBinary: String = {
    let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
    // The xctest bundle may be a directory on some platforms.
    if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
    let candidate = directory.appendingPathComponent("pullcheck").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    return packageRoot + "/.build/debug/pullcheck"
}()

public struct ProcessResult: Sendable {
    public let status: Int32
    public let output: String
    public let error: String
}

/// Runs a program with arguments, optional standard input and extra environment.
@discardableResult
public func run(
    _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
    directory: String = packageRoot
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    // Read both pipes while the process runs, so a large output cannot block it.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
        outData = out.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    // A program may exit without reading all of its input: that is a broken pipe for the
    // writer, not a reason for the test process to die of SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    if let stdin { try? input.fileHandleForWriting.write(contentsOf: stdin) }
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    return ProcessResult(
        status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
        error: String(decoding: errData, as: UTF8.self))
}

public func pullcheck(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    try run(pullcheckBinary, arguments, stdin: stdin.map { Data($0.utf8) }, environment: environment)
}

/// A fresh temporary directory, removed by the caller.
public func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "pullcheck-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
