/// A rule describes itself completely: its page in `rules/` is generated from this description,
/// and its examples are run by the tests.
public struct RuleDescription: Sendable {
    struct Reference: Sendable {
        let title: String
        let url: String
        init(_ title: String, _ url: String) {
            self.title = title
            self.url = url
        }
    }

    /// kebab-case, stable: configuration, suppressions and tools refer to it.
    public let id: String
    public let name: String
    /// The default severity; configuration can change it.
    public let severity: Severity
    public let enabledByDefault: Bool
    /// One line: what the rule reports.
    public let summary: String
    /// What exactly it checks (Markdown), beyond the summary.
    let details: String
    /// Why it matters: what kubelet or the API server will do (Markdown).
    let rationale: String
    /// How to fix it (Markdown), shown before the non-triggering examples.
    let fix: String
    let triggeringExamples: [Example]
    let nonTriggeringExamples: [Example]
    /// The rule's settings in `.pullcheck.yaml` beyond enabling it and its severity (Markdown).
    let configuration: String?
    /// When the finding is acceptable and how to suppress it (Markdown).
    let exceptions: String?
    let references: [Reference]
    /// Rules about input that could not be read or parsed: always on, always errors, exit code 2.
    public let isInputError: Bool
    /// Rules about a registry's answer: they run only with `--online`, and their examples run
    /// against the test registries.
    public let isOnline: Bool

    init(
        id: String, name: String, severity: Severity, enabledByDefault: Bool = true, summary: String,
        details: String, rationale: String, fix: String, triggeringExamples: [Example],
        nonTriggeringExamples: [Example], configuration: String? = nil, exceptions: String? = nil,
        references: [Reference] = [], isInputError: Bool = false, isOnline: Bool = false
    ) {
        self.id = id
        self.name = name
        self.severity = severity
        self.enabledByDefault = enabledByDefault
        self.summary = summary
        self.details = details
        self.rationale = rationale
        self.fix = fix
        self.triggeringExamples = triggeringExamples
        self.nonTriggeringExamples = nonTriggeringExamples
        self.configuration = configuration
        self.exceptions = exceptions
        self.references = references
        self.isInputError = isInputError
        self.isOnline = isOnline
    }
}

/// A manifest that shows a rule. In triggering examples, `↓` marks each place a finding must
/// start; the marker is removed before linting.
struct Example: Sendable {
    static let marker: Character = "↓"

    let code: String
    /// `.pullcheck.yaml` text to lint the example with (for rules that are off by default or
    /// need settings).
    let configuration: String?
    /// Edge cases that exist for the tests only.
    let excludeFromDocumentation: Bool
    let file: StaticString
    let line: UInt

    init(
        _ code: String, configuration: String? = nil, excludeFromDocumentation: Bool = false,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        self.code = code
        self.configuration = configuration
        self.excludeFromDocumentation = excludeFromDocumentation
        self.file = file
        self.line = line
    }

    /// The code without markers.
    var strippedCode: String { String(code.filter { $0 != Self.marker }) }

    /// Where the markers are, as positions in the stripped code (columns count characters).
    var markedPositions: [SourcePosition] {
        var positions: [SourcePosition] = []
        var line = 1
        var column = 1
        for scalar in code.unicodeScalars {
            if Character(scalar) == Self.marker {
                positions.append(SourcePosition(line: line, column: column))
                continue
            }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return positions
    }
}

/// Every rule type conforms; `description` is all the documentation and tests need.
protocol Rule: Sendable {
    static var description: RuleDescription { get }
}

/// A rule that looks at one object at a time.
protocol ObjectRule: Rule {
    init()
    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext)
}

/// A rule that looks across all objects of a run (pull secrets, ServiceAccounts).
protocol RunRule: Rule {
    init()
    func check(_ facts: RunFacts, _ context: inout RunRuleContext)
}

/// A rule about a registry's answer for one container (online mode only).
protocol OnlineRule: Rule {
    init()
    func check(_ answer: OnlineAnswer, _ context: inout RunRuleContext)
}

/// What an object rule can see and where it reports.
struct ObjectRuleContext {
    let configuration: Configuration
    let file: String
    let object: ManifestObject
    var ruleID = ""
    var severity = Severity.error
    var diagnostics: [Diagnostic] = []
    /// Images whose tag or name a kustomization including this file sets, by image name.
    var imageOverrides: [String: ImageOverride] = [:]
    /// The object is a kustomize patch: a fragment, whose containers may leave out their image.
    var isPatch = false

    /// What kustomizations do to an image of this file.
    func override(for image: String) -> ImageOverride? {
        guard !imageOverrides.isEmpty else { return nil }
        return imageOverrides[Kustomization.imageName(image)]
    }

    mutating func report(
        _ message: String, at span: SourceSpan, container: Container? = nil, blockIndentation: BlockIndentation? = nil
    ) {
        var diagnostic = Diagnostic(
            ruleID: ruleID, severity: severity, message: message, file: file, span: span,
            object: object.reference, container: container?.name,
            image: container?.image.flatMap { $0.isEmptyOrNull || $0.isCollection ? nil : $0.value }, objectOrdinal: object.ordinal)
        diagnostic.blockIndentation = blockIndentation
        diagnostics.append(diagnostic)
    }
}

/// What a run rule can see and where it reports.
struct RunRuleContext {
    let configuration: Configuration
    var ruleID = ""
    var severity = Severity.error
    var diagnostics: [Diagnostic] = []
    /// The input of each diagnostic (suppressions are matched per input, not per file name).
    var inputs: [Int32] = []

    mutating func report(
        _ message: String, at span: SourceSpan, pod: PodFact, container: ContainerFact? = nil, severity: Severity? = nil
    ) {
        let saved = self.severity
        if let severity { self.severity = severity }
        defer { self.severity = saved }
        report(
            message, at: span, file: pod.file, input: pod.input, object: pod.object, ordinal: Int(pod.objectOrdinal),
            container: container?.name, image: container?.image)
    }

    /// The rule's severity, but at most a warning: for findings that rest on a guess.
    var guessSeverity: Severity { min(severity, .warning) }

    mutating func report(
        _ message: String, at span: SourceSpan, file: String, input: Int32, object: ObjectReference, ordinal: Int,
        container: String? = nil, image: String? = nil
    ) {
        inputs.append(input)
        diagnostics.append(
            Diagnostic(
                ruleID: ruleID, severity: severity, message: message, file: file, span: span, object: object,
                container: container, image: image, objectOrdinal: ordinal))
    }
}
