import TextSupport

/// Turns command-line paths into inputs: files as given, directories walked recursively for
/// `.yaml`, `.yml` and `.json` files, `-` for standard input. A walk knows what it is looking at:
/// hidden folders, `.gitignore`d and `.ignore`d paths and `exclude:` patterns are left out, a Helm
/// chart's `templates/` are never read as YAML, and its values files are linted as values.
struct InputCollector {
    static let manifestExtensions = [".yaml", ".yml", ".json"]
    /// Files of a chart that are neither manifests nor values.
    static let chartMetadata: Set<String> = ["Chart.yaml", "Chart.lock", "values.schema.json", "requirements.yaml", "requirements.lock"]

    /// `exclude:` patterns, relative to the configuration file's folder.
    let exclude: IgnoreRules
    /// Absolute.
    let workingDirectory: String
    /// The folder relative paths are opened from, when the caller named one (nil: the process's
    /// working directory, which the system resolves them against).
    let openingDirectory: String?
    /// Honour `.gitignore` (inside a git work tree) and `.ignore` files while walking.
    var respectIgnoreFiles = true
    /// Treat named files like walked ones (exclude patterns, leniency for non-manifests): for hooks
    /// that pass file names.
    var forceExclude = false
    /// The folder whose kustomizations every run sees, even one that names a single file: the
    /// configuration file's folder, else the repository's root (absolute; nil: none).
    var projectRoot: String?
    /// Read the project's kustomizations beyond the inputs (`--no-project-context` turns it off).
    var projectContext = true

    init(exclude patterns: [String] = [], base: String? = nil, workingDirectory: String?) {
        let directory = ProjectPath.normalize(workingDirectory ?? FileSystem.currentDirectory() ?? "/")
        self.workingDirectory = directory
        openingDirectory = workingDirectory == nil ? nil : directory
        let root = ProjectPath.absolute(base ?? self.workingDirectory, in: self.workingDirectory)
        projectRoot = base != nil ? root : ProjectLayout.repositoryRoot(containing: self.workingDirectory)
        var rules = IgnoreRules()
        rules.add(IgnoreList(base: root, patterns: patterns.compactMap { IgnorePattern($0.trimmingWhitespace()) }))
        exclude = rules
    }

    struct Collected {
        var inputs: [LintInput] = []
        var failures: [InputFailure] = []
        var notes: [InputNote] = []
        /// The folders walked (absolute).
        var walkedRoots: [String] = []
        /// The project's other manifests (absolute paths), when the run does not walk the whole
        /// project: they provide context (kustomizations, Secrets, ServiceAccounts), not findings.
        var context: [LintInput] = []
        /// Whether the run names files (or reads standard input): then it gets the project as context.
        var namesFiles = false
    }

    /// The manifest files under `root` (absolute), found by the same walk as inputs, without
    /// reading any of them (chart templates and values are left out).
    func projectFiles(under root: String) -> [String] {
        guard case .success(let status) = FileStatus.of(root), status.isDirectory else { return [] }
        var collected = Collected()
        var visited: [(UInt64, UInt64)] = []
        var ignores = respectIgnoreFiles ? initialIgnores(for: root) : IgnoreRules()
        var charts = ChartCache()
        var seen = Set<[UInt8]>()
        walk(
            Array(root.utf8), status: status, visited: &visited, ignores: &ignores, charts: &charts, seen: &seen, into: &collected,
            projectOnly: true)
        return collected.inputs.map(\.displayName)
    }

    func absolute(_ path: String) -> String { ProjectPath.absolute(path, in: workingDirectory) }

    /// The path to give the system for a path as the user wrote it (see `openingDirectory`).
    func onDisk(_ path: [UInt8]) -> [UInt8] { PathAccess.resolved(path, in: openingDirectory) }

    func collect(_ paths: [String], standardInput: () -> LintInput?) -> Collected {
        var collected = Collected()
        var seen = Set<[UInt8]>()
        var charts = ChartCache()
        for path in paths {
            if path == "-" {
                guard seen.insert([0]).inserted, var input = standardInput() else { continue }
                // An editor names the buffer's file: judge it as that file.
                if input.displayName != "<stdin>" {
                    let location = absolute(input.displayName)
                    if exclude.isIgnored(location, isDirectory: false) {
                        collected.notes.append(InputNote(file: input.displayName, reason: "excluded by the configuration"))
                        if case .stream(let stream) = input.content { stream.discard() }
                        continue
                    }
                    switch charts.place(of: location) {
                    case .template:
                        collected.notes.append(InputNote(file: input.displayName, reason: Self.templateNote))
                        if case .stream(let stream) = input.content { stream.discard() }
                        continue
                    case .values(let chart): input.role = .helmValues(chart)
                    case .other: break
                    }
                }
                collected.inputs.append(input)
                collected.namesFiles = true
                continue
            }
            switch FileStatus.of(path: onDisk(Array(path.utf8))) {
            case .failure(let error):
                collected.failures.append(InputFailure(file: path, message: "cannot read: \(error)"))
            case .success(let status):
                if status.isDirectory {
                    var visited: [(UInt64, UInt64)] = []
                    var ignores = respectIgnoreFiles ? initialIgnores(for: absolute(path)) : IgnoreRules()
                    collected.walkedRoots.append(absolute(path))
                    walk(
                        Array(path.utf8), status: status, visited: &visited, ignores: &ignores, charts: &charts, seen: &seen,
                        into: &collected)
                } else {
                    let location = absolute(path)
                    if forceExclude, exclude.isIgnored(location, isDirectory: false) {
                        collected.notes.append(InputNote(file: path, reason: "excluded by the configuration"))
                        continue
                    }
                    var input = LintInput.file(path, workingDirectory: openingDirectory)
                    input.discovered = forceExclude
                    switch charts.place(of: location) {
                    case .template:
                        collected.notes.append(InputNote(file: path, reason: Self.templateNote))
                        continue
                    case .values(let chart): input.role = .helmValues(chart)
                    case .other: break
                    }
                    if seen.insert(Array(path.utf8)).inserted {
                        collected.inputs.append(input)
                        collected.namesFiles = true
                    }
                }
            }
        }
        // A run that does not walk the whole project (a hook's file list, an editor's buffer, one
        // folder) still sees the rest of it: an overlay elsewhere may set a base's tag, a Secret
        // or ServiceAccount in another file may hold the pull secrets.
        // Only for inputs of that project: a file of another repository named from this one gets
        // none of this project's Secrets or admission policies.
        if projectContext, let root = projectRoot, collected.namesFiles,
            !collected.walkedRoots.contains(where: { ProjectPath.relative(root, to: $0) != nil }),
            collected.inputs.contains(where: { input in
                guard case .file(let path) = input.content else { return true }  // standard input stands for a file here
                return ProjectPath.relative(absolute(path), to: root) != nil
            })
        {
            let named = Set(
                collected.inputs.compactMap { input -> String? in
                    if case .file(let path) = input.content { return absolute(path) }
                    return input.displayName == "<stdin>" ? nil : absolute(input.displayName)
                })
            collected.context = projectFiles(under: root).filter { !named.contains($0) }.map { path in
                var input = LintInput.file(path)
                input.discovered = true
                input.isContext = true
                return input
            }
        }
        var all = collected.inputs + collected.context
        ProjectLayout.assign(&all, collector: self)
        collected.inputs = Array(all[..<collected.inputs.count])
        collected.context = Array(all[collected.inputs.count...]).filter { input in
            // Kustomizations were read already; the rest only matter for their Secrets and ServiceAccounts.
            input.role != .kustomization
        }
        return collected
    }

    static let templateNote = "a Helm chart template (not YAML until rendered; lint `helm template` output instead)"

    /// `.gitignore` files between the repository's root and the walk's root, and `.git/info/exclude`.
    private func initialIgnores(for root: String) -> IgnoreRules {
        var rules = IgnoreRules()
        guard let repository = ProjectLayout.repositoryRoot(containing: root) else { return rules }
        if case .success(let bytes) = FileSystem.readFile(ProjectPath.join(repository, ".git/info/exclude")) {
            rules.add(IgnoreList(base: repository, text: String(decoding: bytes, as: UTF8.self)))
        }
        // Folders above the walk's root; the walk reads the root's own files.
        var folders: [String] = []
        var current = root
        while current != repository, current != "/", current != "." {
            current = ProjectPath.directory(of: current)
            folders.append(current)
        }
        for folder in folders.reversed() {
            for name in [".gitignore", ".ignore"] {
                if case .success(let bytes) = FileSystem.readFile(ProjectPath.join(folder, name)) {
                    rules.add(IgnoreList(base: folder, text: String(decoding: bytes, as: UTF8.self)))
                }
            }
        }
        return rules
    }

    /// Paths are bytes here: names need not be UTF-8 (they are shown escaped, and opened by
    /// their bytes), and paths may be longer than PATH_MAX (opened relative to directories).
    /// Ignore patterns and chart conventions see the names as shown.
    private func walk(
        _ directory: [UInt8], status: FileStatus, visited: inout [(UInt64, UInt64)], ignores: inout IgnoreRules,
        charts: inout ChartCache, seen: inout Set<[UInt8]>, into collected: inout Collected, projectOnly: Bool = false
    ) {
        // A directory reached again through a symbolic link is a loop: walk it once.
        if visited.contains(where: { $0 == (status.device, status.inode) }) { return }
        visited.append((status.device, status.inode))
        defer { visited.removeLast() }
        let shownDirectory = PathAccess.displayName(directory)
        let entries: [[UInt8]]
        switch FileSystem.directoryEntries(path: onDisk(directory)) {
        case .failure(let error):
            if !projectOnly {
                collected.failures.append(InputFailure(file: shownDirectory, message: "cannot read directory: \(error)"))
            }
            return
        case .success(let names): entries = names
        }
        let names = entries.map { PathAccess.displayName($0) }
        let location = absolute(shownDirectory)
        let savedIgnores = ignores
        defer { ignores = savedIgnores }
        if respectIgnoreFiles {
            for name in [".gitignore", ".ignore"] where names.contains(name) {
                let file = PathAccess.resolved(ProjectPath.join(shownDirectory, name), in: openingDirectory)
                if case .success(let bytes) = FileSystem.readFile(file) {
                    ignores.add(IgnoreList(base: location, text: String(decoding: bytes, as: UTF8.self)))
                }
            }
        }
        let isChart = names.contains("Chart.yaml")
        let chart = isChart && !projectOnly ? charts.chart(at: location) : nil
        for (entry, name) in zip(entries, names) {
            if entry.first == 0x2E { continue }
            let path = directory.last == 0x2F ? directory + entry : directory + [0x2F] + entry
            let shown = shownDirectory.hasSuffix("/") ? shownDirectory + name : shownDirectory + "/" + name
            let childLocation = ProjectPath.join(location, name)
            switch FileStatus.of(path: onDisk(path)) {
            case .failure(let error):
                // A dangling link or a link loop: worth a note, not a failed run.
                if hasManifestExtension(name), !projectOnly {
                    collected.notes.append(InputNote(file: shown, reason: "cannot be read (\(error)); a dangling symbolic link?"))
                }
            case .success(let child):
                if exclude.ignoresEntry(childLocation, isDirectory: child.isDirectory) { continue }
                if ignores.ignoresEntry(childLocation, isDirectory: child.isDirectory) { continue }
                if child.isDirectory {
                    if isChart, name == "templates" {
                        if !projectOnly { collected.notes.append(InputNote(file: shown + "/", reason: Self.templateNote)) }
                        continue
                    }
                    walk(
                        path, status: child, visited: &visited, ignores: &ignores, charts: &charts, seen: &seen, into: &collected,
                        projectOnly: projectOnly)
                } else if projectOnly {
                    if hasManifestExtension(name), !(isChart && (Self.chartMetadata.contains(name) || Self.isValuesFile(name))),
                        PathAccess.isUTF8(path)
                    {
                        collected.inputs.append(.file(childLocation))
                    }
                } else if hasManifestExtension(name), seen.insert(path).inserted {
                    if chart != nil, Self.chartMetadata.contains(name) { continue }
                    var input = LintInput.file(bytes: path, workingDirectory: openingDirectory)
                    input.discovered = true
                    if let chart, Self.isValuesFile(name) { input.role = .helmValues(chart) }
                    collected.inputs.append(input)
                }
            }
        }
    }

    /// `values.yaml`, `values-prod.yaml`, `values.dev.yml`: the values files next to `Chart.yaml`.
    static func isValuesFile(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("values") && (lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")) && lower != "values.schema.json"
    }

    func hasManifestExtension(_ name: String) -> Bool {
        let lower = name.lowercased()
        return Self.manifestExtensions.contains { lower.hasSuffix($0) }
    }
}

/// Helm charts met during a run, read once each.
struct ChartCache {
    private var charts: [String: HelmChart] = [:]
    private var isChart: [String: Bool] = [:]

    enum Place {
        case template
        case values(HelmChart)
        case other
    }

    mutating func chart(at root: String) -> HelmChart {
        if let chart = charts[root] { return chart }
        let chart = HelmChart.read(root: root)
        charts[root] = chart
        return chart
    }

    private mutating func hasChartFile(_ folder: String) -> Bool {
        if let known = isChart[folder] { return known }
        var found = false
        if case .success(let status) = FileStatus.of(ProjectPath.join(folder, "Chart.yaml")), !status.isDirectory { found = true }
        isChart[folder] = found
        return found
    }

    /// Where a file (absolute path) lies in a chart: under its `templates/`, a values file, or neither.
    mutating func place(of path: String) -> Place {
        let folder = ProjectPath.directory(of: path)
        if InputCollector.isValuesFile(ProjectPath.fileName(of: path)), hasChartFile(folder) { return .values(chart(at: folder)) }
        var current = folder
        while current != "/" && current != "." {
            let parent = ProjectPath.directory(of: current)
            if ProjectPath.fileName(of: current) == "templates", hasChartFile(parent) { return .template }
            current = parent
        }
        return .other
    }
}
