/// Path arithmetic on `/`-separated strings (no file system access): what the project layout
/// needs to relate a kustomization's `resources:` or a chart's `templates/` to the inputs.
enum ProjectPath {
    /// `a/./b/../c` → `a/c`; keeps a leading `/`; `..` above a relative start is kept.
    static func normalize(_ path: String) -> String {
        // Most paths are normal already: no `.` or `..` component, no doubled or trailing slash.
        if isNormal(path) { return path }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// No empty, `.` or `..` component (a leading `/` aside), so `normalize` would return it as is.
    private static func isNormal(_ path: String) -> Bool {
        let bytes = path.utf8
        guard !bytes.isEmpty else { return false }
        var componentLength = 0
        var dots = 0
        var first = true
        for byte in bytes {
            if byte == 0x2F {
                if componentLength == 0 && !(first && bytes.first == 0x2F) { return false }
                if componentLength == dots && (dots == 1 || dots == 2) { return false }
                componentLength = 0
                dots = 0
                first = false
                continue
            }
            componentLength += 1
            if byte == 0x2E { dots += 1 }
        }
        if componentLength == 0 { return bytes.count == 1 && bytes.first == 0x2F ? true : false }
        return !(componentLength == dots && (dots == 1 || dots == 2))
    }

    /// `path` made absolute against `directory` and normalised.
    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? normalize(path) : normalize(directory + "/" + path)
    }

    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The folder part of a path (`.` for a bare name, `/` for a top-level entry).
    static func directory(of path: String) -> String {
        let bytes = path.utf8
        guard let slash = bytes.lastIndex(of: 0x2F) else { return "." }
        if slash == bytes.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func fileName(of path: String) -> String {
        let bytes = path.utf8
        guard let slash = bytes.lastIndex(of: 0x2F) else { return path }
        return String(path[bytes.index(after: slash)...])
    }

    /// `path` relative to `base` when it lies inside it (both absolute and normalised), else nil.
    static func relative(_ path: String, to base: String) -> String? {
        if path == base { return "" }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count))
    }

    /// The folders from `path`'s own folder up to the root, nearest first.
    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = directory(of: path)
        while true {
            result.append(current)
            if current == "/" || current == "." { break }
            current = directory(of: current)
        }
        return result
    }

    /// A path without leading `./` (what CI tools and exclude patterns expect).
    static func withoutDotSlash(_ path: String) -> String {
        var result = Substring(path)
        while result.hasPrefix("./") {
            result = result.dropFirst(2)
            while result.hasPrefix("/") { result = result.dropFirst() }
        }
        return String(result)
    }
}
