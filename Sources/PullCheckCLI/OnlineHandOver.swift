import PullCheckKit

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The offline executable is static and links no HTTP client, so its start-up stays cheap. An
/// online run replaces the process with `pullcheck-online` (the same command line with a registry
/// client), found next to this executable, before any input is read.
enum OnlineHandOver {
    static let programName = "pullcheck-online"

    /// Does not return on success; else the reason, for the error line.
    static func exec() -> String {
        guard let directory = executableDirectory() else {
            return "--online needs \(programName), and the folder of this executable cannot be found"
        }
        let path = directory + "/" + programName
        guard access(path, X_OK) == 0 else {
            return
                "--online needs \(programName) next to pullcheck (\(path) is missing): build it with `swift build -c release --product \(programName)`"
        }
        let arguments = [path] + CommandLine.arguments.dropFirst()
        let argv = arguments.map { strdup($0) }
        defer { for pointer in argv { free(pointer) } }
        execv(path, argv + [nil])
        return "--online: cannot run \(path): \(SystemError(code: errno))"
    }

    static func executableDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}
