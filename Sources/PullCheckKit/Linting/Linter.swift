/// An input that could not be read at all (permissions, not a regular file, ...). It has no
/// position, so it is not a finding: reporters show it as a tool error, and the run exits 2.
public struct InputFailure: Hashable, Sendable {
    let file: String
    let message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
}

/// The outcome of a run.
public struct LintReport: Sendable {
    /// Findings after suppressions, in report order.
    var diagnostics: [Diagnostic] = []
    public var inputFailures: [InputFailure] = []
    /// What was linted, in order (reporters read sources and paths from them).
    public var inputs: [LintInput] = []
    /// Files passed over on purpose (chart templates, non-manifests met while walking, ...).
    var notes: [InputNote] = []
    /// Objects of kinds pullcheck does not know that hold an `image:` field, by kind (their images
    /// are not checked: `custom-resources:` in the configuration can describe them).
    var unknownImageKinds: [String: Int] = [:]
    /// The project's other files considered for context, and how many of them were read.
    var contextFileCount = 0
    var contextFilesRead = 0
    public var fileCount = 0
    var documentCount = 0
    var objectCount = 0
    /// Inputs that could not be read or parsed (exit status 2).
    var unparseableFiles: Set<String> = []
    /// Lines that hold secret data (Secret `data`/`stringData`, SealedSecret `encryptedData`), by
    /// file: source excerpts never show them.
    var sensitiveLines: [String: [ClosedRange<Int>]] = [:]
    /// What the columns of `diagnostics` count (characters unless converted).
    var columnUnit = ColumnUnit.character
    /// The registry lookups of an online run (nil offline).
    var online: OnlineStatistics?

    var hasInputErrors: Bool { !inputFailures.isEmpty || !unparseableFiles.isEmpty }

    func count(_ severity: Severity) -> Int { diagnostics.reduce(0) { $0 + ($1.severity == severity ? 1 : 0) } }

    /// The process exit status: 2 for unreadable or unparseable input (wins), 1 for findings at
    /// or above the fail level, else 0.
    public func exitStatus(failLevel: FailLevel) -> Int32 {
        if hasInputErrors { return ExitStatus.inputError }
        return diagnostics.contains { failLevel.fails(on: $0.severity) } ? ExitStatus.findings : ExitStatus.success
    }
}

/// What linting one file leaves for the run.
struct FileResult: Sendable {
    var diagnostics: [Diagnostic] = []
    var facts = RunFacts()
    var suppressions: [Suppression] = []
    var documents = 0
    var objects = 0
    var failure: InputFailure?
    var unparseable = false
    var sensitiveLines: [ClosedRange<Int>] = []
    var notes: [InputNote] = []
    var unknownImageKinds: [String: Int] = [:]
    /// Which input this is (its index in the run).
    var input = 0
    /// Shares the strings of this file's facts.
    var pool = StringPool()
}

/// An enabled rule with its id and effective severity (a struct, so iterating copies cheaply).
private struct Enabled<Rule: Sendable>: Sendable {
    let rule: Rule
    let id: String
    let severity: Severity
}

/// Lints inputs: files in parallel, one document at a time, then the cross-object rules.
public struct Linter: Sendable {
    let configuration: Configuration
    /// How to ask registries, for runs with `online` on; without it the online rules do not run.
    public var online: OnlineRun?
    private let objectRules: [Enabled<any ObjectRule>]
    private let runRules: [Enabled<any RunRule>]
    private let limits: YAMLLimits

    public init(configuration: Configuration = Configuration()) {
        self.init(configuration: configuration, limits: .standard)
    }

    init(configuration: Configuration, limits: YAMLLimits) {
        self.configuration = configuration
        self.limits = limits
        objectRules = RuleRegistry.objectRules.compactMap { type in
            let description = type.description
            guard configuration.isEnabled(description) else { return nil }
            return Enabled(rule: type.init(), id: description.id, severity: configuration.severity(description))
        }
        runRules = RuleRegistry.runRules.compactMap { type in
            let description = type.description
            guard configuration.isEnabled(description) else { return nil }
            return Enabled(rule: type.init(), id: description.id, severity: configuration.severity(description))
        }
    }

    /// Lints `inputs` with up to `jobs` files in parallel. The result does not depend on `jobs`.
    /// Lints paths as the command line does: files, directories (walked by the project's rules),
    /// and `-` for what `standardInput` returns. The report is complete: the inputs, the files
    /// passed over, and those that could not be read. Relative paths are read from
    /// `workingDirectory` (nil: the process's working directory) and shown as given.
    public func lint(
        paths: [String], workingDirectory: String? = nil, jobs: Int? = nil, standardInput: () -> LintInput? = { nil }
    ) -> LintReport {
        var collector = InputCollector(
            exclude: configuration.exclude, base: configuration.projectDirectory, workingDirectory: workingDirectory)
        collector.respectIgnoreFiles = configuration.respectIgnoreFiles
        collector.forceExclude = configuration.forceExclude
        collector.projectContext = configuration.projectContext
        let collected = collector.collect(paths, standardInput: standardInput)
        var report = lint(collected.inputs, context: collected.context, jobs: jobs ?? ProcessEnvironment.processorCount)
        report.inputFailures = collected.failures + report.inputFailures
        report.notes = collected.notes + report.notes
        report.fileCount += collected.failures.count
        return report
    }

    /// `context`: the project's other files, read only for the facts the cross-object rules need
    /// (Secrets, ServiceAccounts, pods' pull secrets); nothing is reported about them.
    func lint(_ inputs: [LintInput], context: [LintInput] = [], jobs: Int = ProcessEnvironment.processorCount) -> LintReport {
        let linter = self
        let all = inputs + context
        // Context files get indices past the inputs: their findings are dropped below.
        var results = parallelMap(count: all.count, jobs: jobs) { index in linter.lintFile(all[index], index: index) }
        var report = LintReport()
        report.inputs = inputs
        report.fileCount = inputs.count
        var facts = RunFacts()
        report.contextFileCount = context.count
        // Findings and suppressions by input (not by name: standard input may be named like a file).
        var diagnostics: [[Diagnostic]] = []
        var suppressions: [[Suppression]] = []
        for (index, input) in inputs.enumerated() {
            // Taken out of `results`, so each file's facts are freed (or moved) as they merge.
            let result = results[index]
            results[index] = FileResult()
            report.documentCount += result.documents
            report.objectCount += result.objects
            if let failure = result.failure { report.inputFailures.append(failure) }
            report.notes += result.notes
            for (kind, count) in result.unknownImageKinds { report.unknownImageKinds[kind, default: 0] += count }
            if result.unparseable { report.unparseableFiles.insert(input.displayName) }
            if !result.sensitiveLines.isEmpty { report.sensitiveLines[input.displayName, default: []] += result.sensitiveLines }
            diagnostics.append(result.diagnostics)
            facts.append(contentsOf: result.facts)
            suppressions.append(result.suppressions)
        }
        // The project's other files after the inputs: on equal keys, the inputs' objects win.
        for index in inputs.count..<all.count {
            if results[index].documents > 0 { report.contextFilesRead += 1 }
            facts.append(contentsOf: results[index].facts)
            results[index] = FileResult()
        }
        facts.index()
        for entry in runRules {
            var context = RunRuleContext(configuration: configuration, ruleID: entry.id, severity: entry.severity)
            entry.rule.check(facts, &context)
            for (diagnostic, input) in zip(context.diagnostics, context.inputs) where diagnostics.indices.contains(Int(input)) {
                diagnostics[Int(input)].append(diagnostic)
            }
        }
        if configuration.online.enabled, let online {
            let check = OnlineCheck(configuration: configuration, online: online)
            let answers = check.run(facts, inputCount: inputs.count)
            report.online = answers.statistics
            if !answers.settled.isEmpty {
                // The registry has answered what these offline rules guess (whether an anonymous pull works).
                for index in diagnostics.indices {
                    diagnostics[index].removeAll { diagnostic in
                        OnlineCheck.settledRules.contains(diagnostic.ruleID)
                            && answers.settled.contains(
                                OnlineCheck.Settled(input: index, ordinal: diagnostic.objectOrdinal ?? -1, container: diagnostic.container))
                    }
                }
            }
            for finding in answers.findings where diagnostics.indices.contains(finding.input) {
                diagnostics[finding.input].append(finding.diagnostic)
            }
        }
        for index in diagnostics.indices {
            report.diagnostics += applySuppressions(diagnostics[index], suppressions[index], file: inputs[index].displayName)
        }
        report.diagnostics.sort(by: Diagnostic.reportOrder)
        return report
    }

    // MARK: One file

    func lintFile(_ input: LintInput, index: Int = 0) -> FileResult {
        var result = FileResult()
        result.input = index
        let source: ByteSource
        var descriptor: Int32 = -1
        if input.isContext {
            // Only a few documents of a project are Secrets, ServiceAccounts or admission policies:
            // a byte scan finds them, and only they are parsed.
            guard case .file(let path) = input.content, case .success(let bytes) = FileSystem.readFile(path) else { return result }
            for range in ContextScan.interestingDocuments(bytes) {
                _ = YAMLParser.parse(ByteSource(bytes: Array(bytes[range]), limits: limits), limits: limits) { document in
                    lintDocument(document, input: input, into: &result)
                }
            }
            return result
        }
        switch input.content {
        case .bytes(let bytes):
            source = ByteSource(bytes: bytes, limits: limits)
        case .stream(let stream):
            source = ByteSource(stream: stream, limits: limits)
        case .file(let path):
            switch input.openFile(path) {
            case .failure(let error):
                result.failure = InputFailure(file: input.displayName, message: "cannot read: \(error)")
                return result
            case .success(let fd):
                descriptor = fd
                source = ByteSource(descriptor: fd, limits: limits)
            }
        }
        defer { if descriptor >= 0 { FileSystem.closeFile(descriptor) } }

        let summary = YAMLParser.parse(source, limits: limits) { document in
            lintDocument(document, input: input, into: &result)
        }
        finish(input, summary: summary, into: &result)
        return result
    }

    private func lintDocument(
        _ document: YAMLDocument, input: LintInput, into result: inout FileResult
    ) {
        let file = input.displayName
        result.documents += 1
        guard let root = document.root else { return }
        if input.isContext {
            guard input.role == .manifest,
                let objects = ManifestReader.objects(
                    in: document, firstOrdinal: result.objects, customResources: configuration.customResources,
                    keepPullCredentials: configuration.online.enabled)
            else { return }
            result.objects += objects.count
            for object in objects { collectFacts(object, input: input, into: &result) }
            return
        }
        switch input.role {
        case .kustomization:
            result.diagnostics += KustomizationImageChecks(configuration: configuration, file: file).check(document, root: root)
        case .helmValues(let chart):
            // Values are not objects: only the chart's image conventions apply.
            result.diagnostics += HelmValuesChecks(configuration: configuration, file: file, chart: chart).check(document, root: root)
            reportDuplicateKeys(document, objects: [], file: file, into: &result)
            return
        case .manifest, .kustomizePatch:
            break
        }
        guard
            let objects = ManifestReader.objects(
                in: document, firstOrdinal: result.objects, customResources: configuration.customResources,
                keepPullCredentials: configuration.online.enabled)
        else {
            if !(document.kind(root) == .scalar && document.isNull(root)) {
                reportLoader(
                    NonKubernetesYAMLRule.self,
                    NonKubernetesYAMLRule.message(document, root: root),
                    at: SourceSpan(at: document.span(root).start), file: file, into: &result)
            }
            // Other tools' YAML met while walking (workflows, compose files) is not pullcheck's business.
            if !input.discovered || configuration.strict || input.role == .kustomization {
                reportDuplicateKeys(document, objects: [], file: file, into: &result)
            }
            return
        }
        let isPatch = input.role == .kustomizePatch
        result.objects += objects.count
        for object in objects {
            var ruleContext = ObjectRuleContext(configuration: configuration, file: file, object: object)
            ruleContext.imageOverrides = input.imageOverrides
            ruleContext.isPatch = isPatch
            for entry in objectRules {
                ruleContext.ruleID = entry.id
                ruleContext.severity = entry.severity
                entry.rule.check(object, &ruleContext)
            }
            result.diagnostics.append(contentsOf: ruleContext.diagnostics)
            if object.hasUnknownImages, let kind = object.kind, kind != "HelmRelease" && kind != "Application" {
                result.unknownImageKinds[kind, default: 0] += 1
            }
            if object.kind == "HelmRelease" || object.kind == "Application" {
                result.diagnostics += HelmValuesChecks.inlineValues(of: object, configuration: configuration, file: file)
            }
            // A patch's objects are fragments of objects defined elsewhere: no facts from them.
            if !isPatch { collectFacts(object, input: input, into: &result) }
            if object.secret != nil { result.sensitiveLines += object.secretDataLines }
            if !configuration.noIgnore { result.suppressions += Suppression.annotations(of: object) }
        }
        reportDuplicateKeys(document, objects: objects, file: file, into: &result)
    }

    /// The facts of one object that the cross-object rules need.
    private func collectFacts(_ object: ManifestObject, input: LintInput, into result: inout FileResult) {
        let file = input.displayName
        for podSpec in object.podSpecs {
            result.facts.addPod(
                file: file, input: result.input, unit: input.unit, object: object, podSpec: podSpec, configuration: configuration,
                pool: &result.pool)
        }
        if let secret = object.secret, var fact = SecretFact(file: file, input: result.input, object: object, secret: secret) {
            fact.unit = input.unit
            result.facts.secrets.append(fact)
        }
        if object.kind == "ClusterPolicy" || object.kind == "Policy" || object.kind == "Assign",
            let policy = AdmissionPolicyFact(file: file, object: object)
        {
            result.facts.admissionPolicies.append(policy)
        }
        if let account = object.serviceAccount,
            var fact = ServiceAccountFact(file: file, input: result.input, object: object, account: account)
        {
            fact.unit = input.unit
            result.facts.serviceAccounts.append(fact)
        }
    }

    private func reportDuplicateKeys(
        _ document: YAMLDocument, objects: [ManifestObject], file: String, into result: inout FileResult
    ) {
        result.diagnostics += DuplicateKeyRule.findings(in: document, objects: objects, file: file, configuration: configuration)
    }

    private func reportLoader(
        _ rule: any Rule.Type, _ message: String, at span: SourceSpan, file: String, into result: inout FileResult
    ) {
        let description = rule.description
        guard configuration.isEnabled(description) else { return }
        result.diagnostics.append(
            Diagnostic(ruleID: description.id, severity: configuration.severity(description), message: message, file: file, span: span))
        if description.isInputError { result.unparseable = true }
    }

    /// After the stream: syntax errors, templates, comment pragmas, block-scalar columns.
    private func finish(_ input: LintInput, summary: YAMLStreamSummary, into result: inout FileResult) {
        let file = input.displayName
        let lines = SourceLines(input)
        resolveBlockIndentation(in: &result, lines: lines)
        if input.discovered, summary.error != nil || result.failure != nil, result.objects == 0, !Self.looksLikeManifest(lines) {
            // Met while walking, not valid YAML, and nothing like a manifest (tsconfig.json with
            // comments, a template of another tool): not pullcheck's business.
            let reason = summary.error?.message ?? result.failure?.message ?? ""
            result = FileResult()
            result.notes.append(InputNote(file: file, reason: "not a Kubernetes manifest and not valid YAML (\(reason)); skipped"))
            return
        }
        if let error = summary.error {
            var position = error.position
            if position == nil, let offset = error.byteOffset { position = lines.position(ofByteOffset: offset) }
            if summary.hints.mayContainTemplate, let marker = UnrenderedTemplateRule.marker(summary, lines: lines) {
                // The template caused the failure: one clear finding instead of the parser's error.
                if input.discovered {
                    // Met while walking: another tool's template (e2e fixtures, Go templates), like a
                    // chart's; the run notes it instead of failing on it.
                    result.notes.append(InputNote(file: file, reason: UnrenderedTemplateRule.walkedNote(markerLine: marker.line)))
                } else {
                    reportLoader(
                        UnrenderedTemplateRule.self, UnrenderedTemplateRule.message(parserStoppedAt: position),
                        at: SourceSpan(line: marker.line, column: marker.column, length: 2), file: file, into: &result)
                }
            } else if let position {
                reportLoader(YAMLSyntaxRule.self, error.message, at: SourceSpan(at: position), file: file, into: &result)
            } else {
                result.failure = InputFailure(file: file, message: error.message)
            }
        }
        for problem in summary.compositionProblems {
            reportLoader(YAMLSyntaxRule.self, problem.message, at: problem.span, file: file, into: &result)
        }
        if summary.hints.mayContainPragma, !configuration.noIgnore {
            result.suppressions += Suppression.comments(in: lines, excluding: summary.pragmaLikeScalars)
        }
    }

    /// Adds literal blocks' indentation to the columns of the findings inside them, reading the
    /// source once for all of them.
    private func resolveBlockIndentation(in result: inout FileResult, lines: SourceLines) {
        let pending = result.diagnostics.compactMap(\.blockIndentation)
        guard !pending.isEmpty else { return }
        var wanted = Set<Int>()
        for block in pending { wanted.formUnion(block.neededLines) }
        let text = lines.lines(wanted)
        result.diagnostics = result.diagnostics.map { diagnostic in
            guard let block = diagnostic.blockIndentation else { return diagnostic }
            guard let indentation = block.indentation(text) else { return diagnostic.moved(to: block.fallback) }
            var span = diagnostic.span
            span.start.column += indentation
            span.end.column += indentation
            return diagnostic.moved(to: span)
        }
    }

    /// Whether the text names an `apiVersion` and a `kind` somewhere, as every manifest does.
    static func looksLikeManifest(_ lines: SourceLines) -> Bool {
        var sawAPIVersion = false
        var sawKind = false
        _ = lines.forEachLine { _, bytes, _ in
            if !sawAPIVersion, containsBytes(bytes, "apiVersion") { sawAPIVersion = true }
            if !sawKind, containsBytes(bytes, "kind") { sawKind = true }
            return !(sawAPIVersion && sawKind)
        }
        return sawAPIVersion && sawKind
    }

    // MARK: Suppressions

    /// Drops the findings of one input that its suppressions cover. Suppressions are indexed by
    /// position (comment pragmas by line, annotations by object), so each finding is checked
    /// against only the few that can cover it.
    private func applySuppressions(_ diagnostics: [Diagnostic], _ suppressions: [Suppression], file: String) -> [Diagnostic] {
        guard !suppressions.isEmpty else { return diagnostics }
        var byLine: [Int: [Int]] = [:]
        var byObject: [Int: [Int]] = [:]
        for (index, suppression) in suppressions.enumerated() {
            switch suppression.scope {
            case .line(let line): byLine[line, default: []].append(index)
            case .object(let ordinal): byObject[ordinal, default: []].append(index)
            }
        }
        var used = [Bool](repeating: false, count: suppressions.count)
        var kept: [Diagnostic] = []
        kept.reserveCapacity(diagnostics.count)
        for diagnostic in diagnostics {
            // A pragma covers its own line and the next one.
            let line = diagnostic.span.start.line
            var candidates = (byLine[line] ?? []) + (byLine[line - 1] ?? [])
            if let ordinal = diagnostic.objectOrdinal { candidates += byObject[ordinal] ?? [] }
            var suppressed = false
            // Every matching suppression counts as used.
            for index in candidates where suppressions[index].covers(diagnostic) {
                used[index] = true
                suppressed = true
            }
            if !suppressed { kept.append(diagnostic) }
        }
        let description = UnusedSuppressionRule.description
        guard configuration.isEnabled(description) else { return kept }
        let known = Set(RuleRegistry.descriptions.map(\.id))
        for (index, suppression) in suppressions.enumerated() where !used[index] {
            guard let message = UnusedSuppressionRule.message(for: suppression, known: known, configuration: configuration) else {
                continue
            }
            kept.append(
                Diagnostic(
                    ruleID: description.id, severity: configuration.severity(description), message: message,
                    file: file, span: suppression.span))
        }
        return kept
    }
}
