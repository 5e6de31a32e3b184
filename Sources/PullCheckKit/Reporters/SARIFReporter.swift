import TextSupport

/// SARIF 2.1.0, as GitHub code scanning accepts it: rule metadata with help (the rule's page, as
/// text and Markdown) and `helpUri` (the page under `--rules-base-url`),
/// character columns (`columnKind: unicodeCodePoints`), URIs relative to the working directory
/// under `%SRCROOT%`, and stable `partialFingerprints` that do not change when lines move.
struct SARIFReporter: Reporter {
    static let identifier = "sarif"
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

    var reportsInputFailures: Bool { true }

    func report(_ report: LintReport, context: ReportContext) -> String {
        let value = (try? JSONValueEncoder().encode(log(report, context: context))) ?? .null
        return value.serialized(pretty: true) + "\n"
    }

    func log(_ report: LintReport, context: ReportContext) -> Log {
        let descriptions = RuleRegistry.descriptions
        let index = Dictionary(uniqueKeysWithValues: descriptions.enumerated().map { ($0.element.id, $0.offset) })
        let rules = descriptions.map { description in
            ReportingDescriptor(
                id: description.id,
                name: Self.pascalCase(description.id),
                shortDescription: Message(text: description.summary),
                fullDescription: Message(text: RuleDocumentation.plainText(description.details)),
                help: MultiformatMessage(
                    text: RuleDocumentation.plainText(description.rationale + "\n\n" + description.fix),
                    markdown: RuleDocumentation.page(for: description)),
                helpUri: RuleDocumentation.url(for: description, base: context.rulesBaseURL),
                defaultConfiguration: Configuration(
                    level: Self.level(context.configuration.severity(description)),
                    enabled: context.configuration.isEnabled(description)),
                properties: Properties(tags: ["kubernetes", "images"]))
        }
        let base = context.workingDirectory.map { Self.directoryURI($0) }
        // Findings with the same fingerprint (the same problem twice in one object) are told apart
        // by the occurrence after the colon, as GitHub's own line hashes are.
        var occurrences: [String: Int] = [:]
        let results = report.diagnostics.map { diagnostic in
            let hash = Self.fingerprint(diagnostic)
            occurrences[hash, default: 0] += 1
            return Result(
                ruleId: diagnostic.ruleID,
                ruleIndex: index[diagnostic.ruleID] ?? 0,
                level: Self.level(diagnostic.severity),
                message: Message(text: displayText(diagnostic.message)),
                locations: [
                    Location(
                        physicalLocation: PhysicalLocation(
                            artifactLocation: artifact(diagnostic.file, workingDirectory: context.workingDirectory, base: base),
                            region: Region(
                                startLine: diagnostic.span.start.line, startColumn: diagnostic.span.start.column,
                                endLine: diagnostic.span.end.line, endColumn: diagnostic.span.end.column)),
                        logicalLocations: diagnostic.object.map { object in
                            [
                                LogicalLocation(
                                    name: object.name ?? "<unnamed>",
                                    fullyQualifiedName: [object.namespace, object.kind, object.name].compactMap { $0 }
                                        .joined(separator: "/"),
                                    kind: "object")
                            ]
                        })
                ],
                partialFingerprints: ["primaryLocationLineHash": "\(hash):\(occurrences[hash] ?? 1)"])
        }
        let notifications = report.inputFailures.map { failure in
            Notification(
                level: "error", message: Message(text: displayText("\(failure.file): \(failure.message)")),
                locations: [
                    Location(
                        physicalLocation: PhysicalLocation(
                            artifactLocation: artifact(failure.file, workingDirectory: context.workingDirectory, base: base),
                            region: nil),
                        logicalLocations: nil)
                ])
        }
        let run = Run(
            tool: Tool(
                driver: ToolComponent(
                    name: "pullcheck", version: PullCheckVersion.current, semanticVersion: PullCheckVersion.current,
                    informationUri: PullCheckVersion.homepage, rules: rules)),
            invocations: [
                Invocation(
                    executionSuccessful: !report.hasInputErrors,
                    toolExecutionNotifications: notifications.isEmpty ? nil : notifications)
            ],
            originalUriBaseIds: base.map { ["%SRCROOT%": ArtifactLocation(uri: $0, uriBaseId: nil)] },
            columnKind: report.columnUnit == .utf16 ? "utf16CodeUnits" : "unicodeCodePoints",
            results: results)
        return Log(schema: Self.schema, version: "2.1.0", runs: [run])
    }

    private func artifact(_ file: String, workingDirectory: String?, base: String?) -> ArtifactLocation {
        if let workingDirectory, base != nil, let relative = ReportPath.relative(file, to: workingDirectory), !relative.isEmpty {
            return ArtifactLocation(uri: Self.percentEncode(relative), uriBaseId: "%SRCROOT%")
        }
        if file.hasPrefix("/") { return ArtifactLocation(uri: "file://" + Self.percentEncode(file), uriBaseId: nil) }
        return ArtifactLocation(uri: Self.percentEncode(ReportPath.attached(file, workingDirectory: nil)), uriBaseId: nil)
    }

    static func directoryURI(_ directory: String) -> String {
        "file://" + percentEncode(directory.hasSuffix("/") ? directory : directory + "/")
    }

    /// RFC 3986: keep unreserved characters and `/`, encode the rest as UTF-8 `%XX`.
    static func percentEncode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + hexByte(byte)
            }
        }
        return out
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    /// `latest-tag` → `LatestTag`.
    static func pascalCase(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A fingerprint of what the finding is about, not of its line number, so that an alert keeps
    /// its identity when lines above it move: FNV-1a over rule, file, object, container, image and
    /// the message without digits. The result's value adds `:<occurrence>`.
    static func fingerprint(_ diagnostic: Diagnostic) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            hash ^= 0xFF
            hash = hash &* 0x100_0000_01b3
        }
        mix(diagnostic.ruleID)
        mix(diagnostic.file)
        mix(diagnostic.object.map { "\($0.namespace ?? "")/\($0.kind ?? "")/\($0.name ?? "")" } ?? "")
        mix(diagnostic.container ?? "")
        mix(diagnostic.image ?? "")
        mix(String(diagnostic.message.unicodeScalars.filter { !("0"..."9").contains($0) }))
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: The SARIF object model (the subset pullcheck writes)

    struct Log: Encodable {
        let schema: String
        let version: String
        let runs: [Run]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    struct Run: Encodable {
        let tool: Tool
        let invocations: [Invocation]
        let originalUriBaseIds: [String: ArtifactLocation]?
        let columnKind: String
        let results: [Result]
    }

    struct Tool: Encodable { let driver: ToolComponent }

    struct ToolComponent: Encodable {
        let name: String
        let version: String
        let semanticVersion: String
        let informationUri: String
        let rules: [ReportingDescriptor]
    }

    struct ReportingDescriptor: Encodable {
        let id: String
        let name: String
        let shortDescription: Message
        let fullDescription: Message
        let help: MultiformatMessage
        let helpUri: String
        let defaultConfiguration: Configuration
        let properties: Properties
    }

    struct Configuration: Encodable {
        let level: String
        let enabled: Bool
    }

    struct Properties: Encodable { let tags: [String] }

    struct Message: Encodable { let text: String }

    struct MultiformatMessage: Encodable {
        let text: String
        let markdown: String
    }

    struct Invocation: Encodable {
        let executionSuccessful: Bool
        let toolExecutionNotifications: [Notification]?
    }

    struct Notification: Encodable {
        let level: String
        let message: Message
        let locations: [Location]
    }

    struct Result: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let level: String
        let message: Message
        let locations: [Location]
        let partialFingerprints: [String: String]
    }

    struct Location: Encodable {
        let physicalLocation: PhysicalLocation
        let logicalLocations: [LogicalLocation]?
    }

    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        let region: Region?
    }

    struct ArtifactLocation: Encodable {
        let uri: String
        let uriBaseId: String?
    }

    struct Region: Encodable {
        let startLine: Int
        let startColumn: Int
        let endLine: Int
        let endColumn: Int
    }

    struct LogicalLocation: Encodable {
        let name: String
        let fullyQualifiedName: String
        let kind: String
    }
}
