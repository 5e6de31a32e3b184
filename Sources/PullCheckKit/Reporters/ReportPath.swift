/// Paths in the formats CI tools attach to files (GitHub annotations, SARIF URIs, JUnit `file`
/// attributes). Those tools resolve a path against the repository root and do not clean it up:
/// GitHub drops an annotation whose path starts with `./`. So these formats carry the path
/// relative to the working directory (run pullcheck from the repository root), without `./`,
/// `.` segments or doubled slashes. The text format keeps the path the user typed.
enum ReportPath {
    /// `file` relative to `workingDirectory`, cleaned; nil when it is outside it (an absolute
    /// path elsewhere, or a relative path that starts with `..`).
    static func relative(_ file: String, to workingDirectory: String?) -> String? {
        if file.hasPrefix("/") {
            guard let workingDirectory, workingDirectory.hasPrefix("/") else { return nil }
            let base = segments(workingDirectory)
            let path = segments(file)
            guard path.count > base.count, Array(path[..<base.count]) == base else { return nil }
            let rest = path[base.count...]
            return rest.first == ".." ? nil : rest.joined(separator: "/")
        }
        let path = segments(file)
        guard let first = path.first, first != ".." else { return nil }
        return path.joined(separator: "/")
    }

    /// The path a CI tool should attach a finding to: relative to the working directory when it is
    /// inside it, else cleaned as given (`<stdin>` and other names without a directory stay).
    static func attached(_ file: String, workingDirectory: String?) -> String {
        if let relative = relative(file, to: workingDirectory), !relative.isEmpty { return relative }
        let path = segments(file)
        guard !path.isEmpty else { return file }
        return (file.hasPrefix("/") ? "/" : "") + path.joined(separator: "/")
    }

    /// The segments of a path without empty and `.` segments (`..` stays: resolving it needs the
    /// file system, because of symbolic links).
    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    }
}
