/// pullcheck's own JSON, a stable contract for other tools (`version` changes only with an
/// incompatible change). Keys that do not apply to a finding are left out; lines and columns are
/// 1-based, columns count characters, `endColumn` is the column after the last character.
struct JSONReporter: Reporter {
    static let identifier = "json"
    static let version = 1

    var reportsInputFailures: Bool { true }

    struct Output: Encodable {
        let version: Int
        let findings: [Finding]
        let summary: Summary
        let statistics: [String: Int]?
        let inputErrors: [InputError]?

        enum CodingKeys: String, CodingKey { case version, findings, summary, statistics, inputErrors }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(findings, forKey: .findings)
            try container.encode(summary, forKey: .summary)
            if let statistics {
                // Sorted by rule id for a stable order.
                var nested = container.nestedContainer(keyedBy: AnyKey.self, forKey: .statistics)
                for (rule, count) in statistics.sorted(by: { $0.key < $1.key }) {
                    try nested.encode(count, forKey: AnyKey(rule))
                }
            }
            try container.encodeIfPresent(inputErrors, forKey: .inputErrors)
        }
    }

    struct Finding: Encodable {
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

    struct Object: Encodable {
        let apiVersion: String?
        let kind: String?
        let name: String?
        let namespace: String?
    }

    struct Summary: Encodable {
        let files: Int
        let documents: Int
        let objects: Int
        let findings: Int
        let errors: Int
        let warnings: Int
        let infos: Int
    }

    struct InputError: Encodable {
        let file: String
        let message: String
    }

    func output(_ report: LintReport, context: ReportContext) -> Output {
        let findings = report.diagnostics.map { diagnostic in
            Finding(
                rule: diagnostic.ruleID, severity: diagnostic.severity.rawValue, message: diagnostic.message,
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
        return Output(
            version: Self.version, findings: findings,
            summary: Summary(
                files: report.fileCount, documents: report.documentCount, objects: report.objectCount,
                findings: report.diagnostics.count, errors: report.count(.error), warnings: report.count(.warning),
                infos: report.count(.info)),
            statistics: statistics,
            inputErrors: report.inputFailures.isEmpty
                ? nil : report.inputFailures.map { InputError(file: $0.file, message: $0.message) })
    }

    func report(_ report: LintReport, context: ReportContext) -> String {
        let value = (try? JSONValueEncoder().encode(output(report, context: context))) ?? .null
        return value.serialized(pretty: true) + "\n"
    }
}

/// A coding key made from any string.
struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
