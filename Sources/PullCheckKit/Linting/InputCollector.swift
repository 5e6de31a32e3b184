/// Turns command-line paths into inputs: files as given, directories walked recursively for
/// `.yaml`, `.yml` and `.json` files (hidden folders skipped, symbolic-link loops cut), `-` for
/// standard input.
struct InputCollector {
    static let manifestExtensions = [".yaml", ".yml", ".json"]

    /// The exclusion patterns; `**/x` also matches `x` at the top, as in .gitignore.
    let exclude: [GlobPattern]
    let workingDirectory: String?

    init(exclude: [GlobPattern] = [], workingDirectory: String? = nil) {
        self.exclude = exclude.flatMap { pattern in
            pattern.pattern.hasPrefix("**/")
                ? [pattern, GlobPattern(String(pattern.pattern.dropFirst(3)), separator: "/")] : [pattern]
        }
        self.workingDirectory = workingDirectory
    }

    struct Collected {
        var inputs: [LintInput] = []
        var failures: [InputFailure] = []
    }

    func collect(_ paths: [String], standardInput: () -> LintInput?) -> Collected {
        var collected = Collected()
        var seen = Set<[UInt8]>()
        for path in paths {
            if path == "-" {
                if let input = standardInput(), seen.insert([0]).inserted { collected.inputs.append(input) }
                continue
            }
            switch FileStatus.of(path) {
            case .failure(let error):
                collected.failures.append(InputFailure(file: path, message: "cannot read: \(error)"))
            case .success(let status):
                if status.isDirectory {
                    var visited: [(UInt64, UInt64)] = []
                    walk(Array(path.utf8), status: status, visited: &visited, seen: &seen, into: &collected)
                } else if !isExcluded(path), seen.insert(Array(path.utf8)).inserted {
                    collected.inputs.append(.file(path))
                }
            }
        }
        return collected
    }

    /// Paths are bytes here: names need not be UTF-8 (they are shown escaped, and opened by
    /// their bytes), and paths may be longer than PATH_MAX (opened relative to directories).
    private func walk(
        _ directory: [UInt8], status: FileStatus, visited: inout [(UInt64, UInt64)], seen: inout Set<[UInt8]>,
        into collected: inout Collected
    ) {
        // A directory reached again through a symbolic link is a loop: walk it once.
        if visited.contains(where: { $0 == (status.device, status.inode) }) { return }
        visited.append((status.device, status.inode))
        defer { visited.removeLast() }
        let entries: [[UInt8]]
        switch FileSystem.directoryEntries(path: directory) {
        case .failure(let error):
            collected.failures.append(InputFailure(file: PathAccess.displayName(directory), message: "cannot read directory: \(error)"))
            return
        case .success(let names): entries = names
        }
        for name in entries {
            if name.first == 0x2E { continue }
            let path = directory.last == 0x2F ? directory + name : directory + [0x2F] + name
            let shown = PathAccess.displayName(path)
            if isExcluded(shown) { continue }
            let isManifest = hasManifestExtension(PathAccess.displayName(name))
            switch FileStatus.of(path: path) {
            case .failure(let error):
                // A dangling link or a link loop among the manifests is worth knowing about.
                if isManifest {
                    collected.failures.append(InputFailure(file: shown, message: "cannot read: \(error)"))
                }
            case .success(let child):
                if child.isDirectory {
                    walk(path, status: child, visited: &visited, seen: &seen, into: &collected)
                } else if isManifest, seen.insert(path).inserted {
                    collected.inputs.append(.file(bytes: path))
                }
            }
        }
    }

    func hasManifestExtension(_ name: String) -> Bool {
        let lower = name.lowercased()
        return Self.manifestExtensions.contains { lower.hasSuffix($0) }
    }

    /// Exclusion patterns match the path as shown (without a leading `./`), or relative to the
    /// working directory for absolute paths.
    func isExcluded(_ path: String) -> Bool {
        guard !exclude.isEmpty else { return false }
        var candidate = Substring(path)
        while candidate.hasPrefix("./") { candidate = candidate.dropFirst(2) }
        var forms = [String(candidate)]
        if let workingDirectory, let relative = SARIFReporter.relativePath(path, to: workingDirectory) {
            forms.append(relative)
        }
        return exclude.contains { pattern in
            forms.contains { form in
                pattern.matches(form) || pattern.matches(form + "/")
            }
        }
    }
}
