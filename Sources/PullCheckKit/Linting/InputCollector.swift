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
        var seen = Set<String>()
        for path in paths {
            if path == "-" {
                if let input = standardInput(), seen.insert("\u{0}stdin").inserted { collected.inputs.append(input) }
                continue
            }
            switch FileStatus.of(path) {
            case .failure(let error):
                collected.failures.append(InputFailure(file: path, message: "cannot read: \(error)"))
            case .success(let status):
                if status.isDirectory {
                    var visited: [(UInt64, UInt64)] = []
                    walk(path, status: status, visited: &visited, seen: &seen, into: &collected)
                } else if !isExcluded(path), seen.insert(path).inserted {
                    collected.inputs.append(.file(path))
                }
            }
        }
        return collected
    }

    private func walk(
        _ directory: String, status: FileStatus, visited: inout [(UInt64, UInt64)], seen: inout Set<String>,
        into collected: inout Collected
    ) {
        // A directory reached again through a symbolic link is a loop: walk it once.
        if visited.contains(where: { $0 == (status.device, status.inode) }) { return }
        visited.append((status.device, status.inode))
        defer { visited.removeLast() }
        let entries: [String]
        switch FileSystem.directoryEntries(directory) {
        case .failure(let error):
            collected.failures.append(InputFailure(file: directory, message: "cannot read directory: \(error)"))
            return
        case .success(let names): entries = names
        }
        for name in entries {
            if name.hasPrefix(".") { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if isExcluded(path) { continue }
            switch FileStatus.of(path) {
            case .failure(let error):
                // A dangling link or a link loop among the manifests is worth knowing about.
                if hasManifestExtension(name) {
                    collected.failures.append(InputFailure(file: path, message: "cannot read: \(error)"))
                }
            case .success(let child):
                if child.isDirectory {
                    walk(path, status: child, visited: &visited, seen: &seen, into: &collected)
                } else if hasManifestExtension(name), seen.insert(path).inserted {
                    collected.inputs.append(.file(path))
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
