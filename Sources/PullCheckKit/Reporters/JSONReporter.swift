import TextSupport

/// pullcheck's own JSON, a stable contract for other tools (`version` changes only with an
/// incompatible change). Keys that do not apply to a finding are left out; lines and columns are
/// 1-based; columns count what `columnUnit` says (`character`, or `utf-16`/`utf-8` with
/// `--column-unit`), and `endColumn` is the column after the last character.
/// Messages are shown by the display policy, as in every format (`displayText`); the other values
/// (file, names, image) are the input's own, escaped as JSON (`\u001b`, `\u2028`, `\u202e`).
struct JSONReporter: Reporter {
    static let identifier = "json"
    static let version = 1

    var reportsInputFailures: Bool { true }

    struct Output {
        let version: Int
        let columnUnit: String
        let findings: [Finding]
        let summary: Summary
        let statistics: [String: Int]?
        let inputErrors: [InputError]?
        /// With `--statistics` in an online run: what the registry lookups cost.
        var online: OnlineStatistics? = nil
    }

    struct Finding {
        let rule: String
        let severity: String
        let message: String
        let file: String
        let line: Int
        let column: Int
        let endLine: Int
        let endColumn: Int
        let object: Object?
        let container: String?
        let image: String?
    }

    struct Object {
        let apiVersion: String?
        let kind: String?
        let name: String?
        let namespace: String?
    }

    struct Summary {
        let files: Int
        let documents: Int
        let objects: Int
        let findings: Int
        let errors: Int
        let warnings: Int
        let infos: Int
    }

    struct InputError {
        let file: String
        let message: String
    }

    func output(_ report: LintReport, context: ReportContext) -> Output {
        let findings = report.diagnostics.map { diagnostic in
            Finding(
                rule: diagnostic.ruleID, severity: diagnostic.severity.rawValue, message: displayText(diagnostic.message),
                file: diagnostic.file, line: diagnostic.span.start.line, column: diagnostic.span.start.column,
                endLine: diagnostic.span.end.line, endColumn: diagnostic.span.end.column,
                object: diagnostic.object.map {
                    Object(apiVersion: $0.apiVersion, kind: $0.kind, name: $0.name, namespace: $0.namespace)
                },
                container: diagnostic.container, image: diagnostic.image)
        }
        var statistics: [String: Int]?
        if context.statistics {
            statistics = Dictionary(uniqueKeysWithValues: ruleStatistics(report.diagnostics).map { ($0.rule, $0.count) })
        }
        var output = Output(
            version: Self.version, columnUnit: report.columnUnit.rawValue, findings: findings,
            summary: Summary(
                files: report.fileCount, documents: report.documentCount, objects: report.objectCount,
                findings: report.diagnostics.count, errors: report.count(.error), warnings: report.count(.warning),
                infos: report.count(.info)),
            statistics: statistics,
            inputErrors: report.inputFailures.isEmpty
                ? nil : report.inputFailures.map { InputError(file: $0.file, message: displayText($0.message)) })
        if context.statistics { output.online = report.online }
        return output
    }

    func report(_ report: LintReport, context: ReportContext) -> String {
        value(output(report, context: context)).serialized(pretty: true) + "\n"
    }

    /// Built by hand rather than through `Encodable`: a run can have many thousands of findings.
    func value(_ output: Output) -> JSONValue {
        func optional(_ members: inout [(String, JSONValue)], _ key: String, _ value: String?) {
            if let value { members.append((key, .string(value))) }
        }
        let findings = output.findings.map { finding -> JSONValue in
            var members: [(String, JSONValue)] = [
                ("rule", .string(finding.rule)), ("severity", .string(finding.severity)), ("message", .string(finding.message)),
                ("file", .string(finding.file)), ("line", .int(finding.line)), ("column", .int(finding.column)),
                ("endLine", .int(finding.endLine)), ("endColumn", .int(finding.endColumn)),
            ]
            if let object = finding.object {
                var objectMembers: [(String, JSONValue)] = []
                optional(&objectMembers, "apiVersion", object.apiVersion)
                optional(&objectMembers, "kind", object.kind)
                optional(&objectMembers, "name", object.name)
                optional(&objectMembers, "namespace", object.namespace)
                members.append(("object", .object(objectMembers)))
            }
            optional(&members, "container", finding.container)
            optional(&members, "image", finding.image)
            return .object(members)
        }
        let summary = output.summary
        var members: [(String, JSONValue)] = [
            ("version", .int(output.version)),
            ("columnUnit", .string(output.columnUnit)),
            ("findings", .array(findings)),
            (
                "summary",
                .object([
                    ("files", .int(summary.files)), ("documents", .int(summary.documents)), ("objects", .int(summary.objects)),
                    ("findings", .int(summary.findings)), ("errors", .int(summary.errors)), ("warnings", .int(summary.warnings)),
                    ("infos", .int(summary.infos)),
                ])
            ),
        ]
        if let statistics = output.statistics {
            members.append(("statistics", .object(statistics.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })))
        }
        if let online = output.online {
            members.append(
                (
                    "online",
                    .object([
                        ("images", .int(online.images)), ("lookups", .int(online.lookups)), ("cacheHits", .int(online.cacheHits)),
                        ("requests", .int(online.requests)), ("seconds", .double((online.seconds * 1000).rounded() / 1000)),
                        ("notChecked", .array(online.notChecked.map { .string(displayText($0)) })),
                    ])
                ))
        }
        if let errors = output.inputErrors {
            members.append(("inputErrors", .array(errors.map { .object([("file", .string($0.file)), ("message", .string($0.message))]) })))
        }
        return .object(members)
    }
}
