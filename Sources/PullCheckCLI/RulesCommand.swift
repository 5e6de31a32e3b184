import PullCheckKit

/// `pullcheck rules`.
struct RulesCommand {
    struct Options { var format = OutputFormat.text }

    static let spec = CommandSpec<Options>(
        name: "rules", abstract: "List pullcheck's rules.", usage: "pullcheck rules [--format text|json]",
        options: [
            OptionSpec(["--format", "-f"], value: "format", help: "text or json (default: text).") {
                options, value throws(UsageError) in
                let format: OutputFormat = try choice(value, "--format")
                guard format == .text || format == .json else { throw UsageError("rules --format must be text or json") }
                options.format = format
            }
        ],
        positional: nil, discussion: nil)

    struct Entry: Encodable {
        let id: String
        let name: String
        let severity: String
        let enabledByDefault: Bool
        let summary: String
        let url: String
        /// Runs only with `--online`.
        let online: Bool
    }

    static func run(_ arguments: [String], _ environment: CLIEnvironment) throws -> Int32 {
        var options = Options()
        guard try spec.parse(arguments, into: &options, environment) else { return ExitStatus.success }
        let descriptions = RuleRegistry.descriptions
        if options.format == .json {
            let entries = descriptions.map {
                Entry(
                    id: $0.id, name: $0.name, severity: $0.severity.rawValue, enabledByDefault: $0.enabledByDefault,
                    summary: $0.summary, url: RuleDocumentation.url(for: $0), online: $0.isOnline)
            }
            environment.writeOutput(((try? JSONValueEncoder().encode(entries)) ?? .null).serialized() + "\n")
            return ExitStatus.success
        }
        let width = descriptions.map(\.id.count).max() ?? 0
        var out = ""
        for description in descriptions {
            var state = description.isInputError || description.enabledByDefault ? "" : " (off by default)"
            if description.isOnline { state += " (--online only)" }
            out += description.id + String(repeating: " ", count: width - description.id.count + 2)
            out += description.severity.rawValue + String(repeating: " ", count: 9 - description.severity.rawValue.count)
            out += RuleDocumentation.plainText(description.summary) + state + "\n"
        }
        environment.writeOutput(out)
        return ExitStatus.success
    }
}
