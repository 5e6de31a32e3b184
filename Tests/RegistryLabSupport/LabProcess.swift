import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The running `lab.py`: launched with a pipe as its standard input, which it watches, so that
/// closing the pipe (or this process exiting) stops it.
final class LabProcess: @unchecked Sendable {
    private let process: Process
    private let input: FileHandle
    private let lock = NSLock()
    private var stopped = false

    private init(process: Process, input: FileHandle) {
        self.process = process
        self.input = input
    }

    /// Launches the lab and waits for READY on its standard output (or for it to exit, or for
    /// `timeout`); its standard error goes to `stderrPath`, which the error quotes.
    static func launch(python: String, arguments: [String], stderrPath: String, timeout: Double) throws -> LabProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        guard let errorFile = FileHandle(forWritingAtPath: stderrPath) else {
            throw RegistryLabError("cannot write \(stderrPath)")
        }
        // Only the lab may hold the pipe's read end, and only this process its write end:
        // programs the tests start later must not keep the lab alive by inheriting it.
        for handle in [input.fileHandleForReading, input.fileHandleForWriting, output.fileHandleForReading] {
            _ = fcntl(handle.fileDescriptor, F_SETFD, FD_CLOEXEC)
        }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errorFile
        try process.run()
        try? errorFile.close()
        let lab = LabProcess(process: process, input: input.fileHandleForWriting)

        let ready = Locked(false)
        let done = DispatchSemaphore(value: 0)
        let reader = output.fileHandleForReading
        DispatchQueue.global().async {
            var seen = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                seen.append(chunk)
                if String(decoding: seen, as: UTF8.self).split(separator: "\n").contains("READY") {
                    ready.withLock { $0 = true }
                    break
                }
            }
            done.signal()
        }
        let timedOut = done.wait(timeout: .now() + timeout) == .timedOut
        if ready.withLock({ $0 }) { return lab }
        lab.stop()
        let errors = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        let why = timedOut ? "did not print READY within \(Int(timeout)) s" : "exited with status \(process.terminationStatus)"
        throw RegistryLabError(
            "the registry lab (\(arguments.first ?? "lab.py")) \(why):\n"
                + errors.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    var isRunning: Bool { process.isRunning }

    /// Closes the lab's standard input and waits for it to clean up and exit; SIGTERM after
    /// 5 s, SIGKILL after 5 more.
    func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try? input.close()
        if waitForExit(seconds: 5) { return }
        process.terminate()
        if waitForExit(seconds: 5) { return }
        kill(process.processIdentifier, SIGKILL)
        _ = waitForExit(seconds: 2)
    }

    private func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// What a program printed, and its exit status.
public struct ProgramResult: Sendable {
    public let status: Int32
    public let output: String
    public let error: String
}

/// Runs a program to its end and returns its status and output (both pipes read while it runs).
public func runProgram(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProgramResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outData = Locked(Data())
    let errData = Locked(Data())
    let group = DispatchGroup()
    for (pipe, data) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            let read = pipe.fileHandleForReading.readDataToEndOfFile()
            data.withLock { $0 = read }
            group.leave()
        }
    }
    process.waitUntilExit()
    group.wait()
    return ProgramResult(
        status: process.terminationStatus, output: String(decoding: outData.withLock { $0 }, as: UTF8.self),
        error: String(decoding: errData.withLock { $0 }, as: UTF8.self))
}
