/// One input to lint: a file on disk (streamed, never written) or bytes already in memory
/// (standard input, tests, editor buffers).
public struct LintInput: Sendable {
    public enum Content: Sendable {
        case file(path: String)
        case bytes([UInt8])
    }

    /// The name shown in findings: the path as the user gave it, or `--stdin-filename`.
    public let displayName: String
    public let content: Content

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
