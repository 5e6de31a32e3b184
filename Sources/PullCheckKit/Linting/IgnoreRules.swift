/// One line of a `.gitignore`, `.ignore` or an `exclude:` entry, with gitignore's meaning: a
/// pattern without a `/` (other than a trailing one) matches a name at any depth, one with a `/`
/// is anchored to the folder it comes from, a trailing `/` matches only folders, `!` re-includes,
/// `**` crosses folders (`a/**/b` also matches `a/b`), and a leading `./` is the folder itself.
struct IgnorePattern: Sendable {
    let text: String
    let negated: Bool
    let directoryOnly: Bool
    private let globs: [GlobPattern]
    /// Cheap forms of the commonest patterns: a bare name (`node_modules`, any depth) and `*.ext`.
    private let anyDepthName: String?
    private let anyDepthSuffix: String?

    init?(_ line: String) {
        var pattern = Substring(line)
        // Trailing spaces are ignored unless escaped; `\r` from CRLF files too.
        while let last = pattern.last, last == " " || last == "\r" || last == "\t" {
            let beforeLast = pattern.dropLast()
            if last == " ", beforeLast.last == "\\" { break }
            pattern = beforeLast
        }
        guard !pattern.isEmpty, !pattern.hasPrefix("#") else { return nil }
        text = String(pattern)
        var negated = false
        if pattern.hasPrefix("!") {
            negated = true
            pattern = pattern.dropFirst()
        } else if pattern.hasPrefix("\\!") || pattern.hasPrefix("\\#") {
            pattern = pattern.dropFirst()
        }
        self.negated = negated
        var directoryOnly = false
        while pattern.hasSuffix("/") {
            directoryOnly = true
            pattern = pattern.dropLast()
        }
        self.directoryOnly = directoryOnly
        var body = ProjectPath.withoutDotSlash(String(pattern))
        guard !body.isEmpty, body != "." else { return nil }
        let anchored = body.contains("/")
        while body.hasPrefix("/") { body.removeFirst() }
        guard !body.isEmpty else { return nil }
        var variants = [anchored ? body : "**/" + body]
        // `**/` may match no folder at all.
        var index = 0
        while index < variants.count, variants.count < 8 {
            let variant = variants[index]
            if variant.hasPrefix("**/") { variants.append(String(variant.dropFirst(3))) }
            if variant.contains("/**/") {
                let parts = Array(variant.split(separator: "/", omittingEmptySubsequences: false))
                let kept = parts.enumerated().filter { index, part in part != "**" || index == 0 || index == parts.count - 1 }
                variants.append(kept.map { String($0.element) }.joined(separator: "/"))
            }
            index += 1
        }
        var unique: [String] = []
        for variant in variants where !unique.contains(variant) { unique.append(variant) }
        globs = unique.map { GlobPattern($0, separator: "/") }
        let wildcards: Set<Character> = ["*", "?", "[", "\\"]
        if !anchored, !body.contains(where: { wildcards.contains($0) }) {
            anyDepthName = body
            anyDepthSuffix = nil
        } else if !anchored, body.hasPrefix("*"), !body.dropFirst().contains(where: { wildcards.contains($0) }) {
            anyDepthName = nil
            anyDepthSuffix = String(body.dropFirst())
        } else {
            anyDepthName = nil
            anyDepthSuffix = nil
        }
    }

    /// Whether the pattern matches `relative` (a path relative to the pattern's folder).
    func matches(_ relative: String, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        if anyDepthName != nil || anyDepthSuffix != nil {
            let name = ProjectPath.fileName(of: relative)
            if let anyDepthName { return name == anyDepthName }
            if let anyDepthSuffix { return name.utf8.count >= anyDepthSuffix.utf8.count && name.hasSuffix(anyDepthSuffix) }
        }
        return globs.contains { $0.matches(relative) }
    }
}

/// The patterns of one file (or the `exclude:` list), relative to the folder they apply to.
struct IgnoreList: Sendable {
    /// Absolute, normalised.
    let base: String
    let patterns: [IgnorePattern]

    init(base: String, patterns: [IgnorePattern]) {
        self.base = base
        self.patterns = patterns
    }

    init(base: String, text: String) {
        self.base = base
        patterns = text.split(whereSeparator: { $0 == "\n" }).compactMap { IgnorePattern(String($0)) }
    }

    /// true: ignored, false: re-included, nil: no pattern speaks of it.
    func verdict(_ relative: String, isDirectory: Bool) -> Bool? {
        var result: Bool?
        for pattern in patterns where pattern.matches(relative, isDirectory: isDirectory) { result = !pattern.negated }
        return result
    }
}

/// Ignore lists from several folders: a path is ignored when, for itself or any folder it lies
/// in, the deepest list that speaks of it says so (in each list, the last matching pattern wins).
struct IgnoreRules: Sendable {
    private(set) var lists: [IgnoreList] = []

    var isEmpty: Bool { lists.allSatisfy { $0.patterns.isEmpty } }

    mutating func add(_ list: IgnoreList) {
        guard !list.patterns.isEmpty else { return }
        lists.append(list)
    }

    /// Whether a pattern ignores the path itself (not one of its folders): for a walk, which never
    /// enters an ignored folder, and which searches a folder named on the command line even when
    /// it is ignored itself, as ripgrep does.
    func ignoresEntry(_ absolutePath: String, isDirectory: Bool) -> Bool {
        guard !lists.isEmpty else { return false }
        return verdict(absolutePath, isDirectory: isDirectory) == true
    }

    /// `absolutePath`: absolute and normalised.
    func isIgnored(_ absolutePath: String, isDirectory: Bool) -> Bool {
        guard !lists.isEmpty else { return false }
        // The path's folders first: an ignored folder hides everything in it.
        var prefixes: [(String, Bool)] = []
        var current = absolutePath
        var directory = isDirectory
        while current != "/" && current != "." && !current.isEmpty {
            prefixes.append((current, directory))
            current = ProjectPath.directory(of: current)
            directory = true
        }
        for (path, isFolder) in prefixes.reversed() where verdict(path, isDirectory: isFolder) == true {
            return true
        }
        return false
    }

    private func verdict(_ path: String, isDirectory: Bool) -> Bool? {
        var result: Bool?
        for list in lists {
            guard let relative = ProjectPath.relative(path, to: list.base), !relative.isEmpty else { continue }
            if let verdict = list.verdict(relative, isDirectory: isDirectory) { result = verdict }
        }
        return result
    }
}
