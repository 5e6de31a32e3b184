/// One input to lint: a file on disk (streamed, never written) or bytes already in memory
/// (standard input, tests, editor buffers).
public struct LintInput: Sendable {
    public enum Content: Sendable {
        case file(path: String)
        case bytes([UInt8])
        /// Standard input (or another pipe), streamed: read once, as the parser asks for bytes.
        case stream(StreamedInput)
    }

    /// What a file is in its project, which decides how it is linted.
    enum Role: Sendable, Hashable {
        /// Kubernetes objects.
        case manifest
        /// A kustomization: its `images:` entries are checked as the references they produce.
        case kustomization
        /// A patch that a kustomization applies: partial objects (a container may leave out its image).
        case kustomizePatch
        /// A Helm chart's values file: images are checked by the conventions charts use.
        case helmValues(HelmChart)
    }

    /// The name shown in findings: the path as the user gave it, or `--stdin-filename`.
    let displayName: String
    let content: Content
    /// Found by walking a directory (or named by a hook with `--force-exclude`): a file there that
    /// does not parse and does not look like a manifest is skipped, not an error.
    var discovered = false
    var role = Role.manifest
    /// Read for the facts the cross-object rules need (Secrets, ServiceAccounts, pods' pull
    /// secrets), never reported on: the project's files beyond the ones a run names.
    var isContext = false
    /// The application the file belongs to: its kustomization's folder, its chart, or its folder.
    var unit = ""
    /// Images whose tag or name a kustomization that includes this file sets, by image name.
    var imageOverrides: [String: ImageOverride] = [:]
    /// A file's path as raw bytes when they are not UTF-8 (`content` then holds the path as
    /// shown, with the other bytes escaped as `\xNN`).
    let rawPath: [UInt8]?
    /// The folder a relative `.file` path is opened from (absolute); nil: the process's working
    /// directory.
    var workingDirectory: String?

    public init(displayName: String, content: Content) {
        self.displayName = displayName
        self.content = content
        rawPath = nil
    }

    /// A file, shown as `path`; a relative path is opened from `workingDirectory` (nil: the
    /// process's working directory).
    static func file(_ path: String, workingDirectory: String? = nil) -> LintInput {
        var input = LintInput(displayName: path, content: .file(path: path))
        input.workingDirectory = workingDirectory
        return input
    }

    /// A file found on disk, by the bytes of its path.
    static func file(bytes path: [UInt8], workingDirectory: String?) -> LintInput {
        if PathAccess.isUTF8(path) { return .file(String(decoding: path, as: UTF8.self), workingDirectory: workingDirectory) }
        var input = LintInput(escapedPath: PathAccess.displayName(path), rawPath: path)
        input.workingDirectory = workingDirectory
        return input
    }

    private init(escapedPath: String, rawPath: [UInt8]) {
        displayName = escapedPath
        content = .file(path: escapedPath)
        self.rawPath = rawPath
    }

    /// Opens a `.file` input for reading.
    func openFile(_ path: String) -> Result<Int32, FileOpenError> {
        FileSystem.openRegularFile(path: filePath(path))
    }

    /// The bytes of the path to open for a `.file` input's `path`.
    private func filePath(_ path: String) -> [UInt8] {
        PathAccess.resolved(rawPath ?? Array(path.utf8), in: workingDirectory)
    }

    /// Where the input's bytes are read again (comments, error positions, source excerpts).
    var source: SourceBytes {
        switch content {
        case .file(let path): return .file(path: filePath(path))
        case .bytes(let bytes): return .memory(bytes)
        case .stream(let stream): return .stream(stream)
        }
    }

    static func text(_ text: String, name: String = "<stdin>") -> LintInput {
        LintInput(displayName: name, content: .bytes(Array(text.utf8)))
    }
}

/// A file that a run passed over on purpose, and why (shown by `--statistics`).
struct InputNote: Sendable, Hashable {
    let file: String
    let reason: String
}

extension SourceLines {
    /// The lines of an input.
    init(_ input: LintInput) { self.init(input.source) }
}
