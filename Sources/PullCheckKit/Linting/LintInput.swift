/// One input to lint: a file on disk (streamed, never written) or bytes already in memory
/// (standard input, tests, editor buffers).
public struct LintInput: Sendable {
    public enum Content: Sendable {
        case file(path: String)
        case bytes([UInt8])
    }

    /// What a file is in its project, which decides how it is linted.
    public enum Role: Sendable, Hashable {
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
    public let displayName: String
    public let content: Content
    /// Found by walking a directory (or named by a hook with `--force-exclude`): a file there that
    /// does not parse and does not look like a manifest is skipped, not an error.
    public var discovered = false
    public var role = Role.manifest
    /// Read for the facts the cross-object rules need (Secrets, ServiceAccounts, pods' pull
    /// secrets), never reported on: the project's files beyond the ones a run names.
    public var isContext = false
    /// The application the file belongs to: its kustomization's folder, its chart, or its folder.
    public var unit = ""
    /// Images whose tag or name a kustomization that includes this file sets, by image name.
    public var imageOverrides: [String: ImageOverride] = [:]

    public init(displayName: String, content: Content) {
        self.displayName = displayName
        self.content = content
    }

    public static func file(_ path: String) -> LintInput {
        LintInput(displayName: path, content: .file(path: path))
    }

    public static func text(_ text: String, name: String = "<stdin>") -> LintInput {
        LintInput(displayName: name, content: .bytes(Array(text.utf8)))
    }
}

/// A file that a run passed over on purpose, and why (shown by `--statistics`).
public struct InputNote: Sendable, Hashable {
    public let file: String
    public let reason: String
}
