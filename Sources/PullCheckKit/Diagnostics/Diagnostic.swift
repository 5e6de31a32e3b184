/// The Kubernetes object a finding is about.
struct ObjectReference: Hashable, Sendable, CustomStringConvertible {
    let apiVersion: String?
    let kind: String?
    let name: String?
    let namespace: String?

    init(apiVersion: String?, kind: String?, name: String?, namespace: String?) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// `Deployment prod/web`, `Secret regcred`.
    var description: String {
        let kindText = kind ?? "object"
        let nameText = name ?? "<unnamed>"
        if let namespace { return "\(kindText) \(namespace)/\(nameText)" }
        return "\(kindText) \(nameText)"
    }
}

/// One finding.
struct Diagnostic: Hashable, Sendable {
    let ruleID: String
    var severity: Severity
    let message: String
    /// The file as the user named it (or `--stdin-filename`).
    let file: String
    let span: SourceSpan
    let object: ObjectReference?
    let container: String?
    let image: String?
    /// Which object of its file the finding belongs to (for annotation suppressions).
    let objectOrdinal: Int?
    /// A literal block's indentation still to be added to the columns (resolved per file).
    var blockIndentation: BlockIndentation? = nil

    init(
        ruleID: String, severity: Severity, message: String, file: String, span: SourceSpan,
        object: ObjectReference? = nil, container: String? = nil, image: String? = nil
    ) {
        self.init(
            ruleID: ruleID, severity: severity, message: message, file: file, span: span, object: object,
            container: container, image: image, objectOrdinal: nil)
    }

    init(
        ruleID: String, severity: Severity, message: String, file: String, span: SourceSpan,
        object: ObjectReference?, container: String?, image: String?, objectOrdinal: Int?
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.file = file
        self.span = span
        self.object = object
        self.container = container
        self.image = image
        self.objectOrdinal = objectOrdinal
    }

    var location: SourcePosition { span.start }

    /// The same finding at another span.
    func moved(to span: SourceSpan) -> Diagnostic {
        Diagnostic(
            ruleID: ruleID, severity: severity, message: message, file: file, span: span, object: object,
            container: container, image: image, objectOrdinal: objectOrdinal)
    }

    /// Report order: file, line, column, then rule and message for a stable tie-break.
    static func reportOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.file != b.file { return a.file.utf8.lexicographicallyPrecedes(b.file.utf8) }
        if a.span.start != b.span.start { return a.span.start < b.span.start }
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        if a.message != b.message { return a.message < b.message }
        return a.span.end < b.span.end
    }
}
