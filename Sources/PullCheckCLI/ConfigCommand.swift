import PullCheckKit

/// `pullcheck config`: the effective configuration as YAML, each value with where it came from.
struct ConfigCommand {
    struct Options {
        var configFile: String?
        var noConfig = false
    }

    static let spec = CommandSpec<Options>(
        name: "config", abstract: "Show the effective configuration and where each value comes from.",
        usage: "pullcheck config [--config <file>] [--no-config]",
        options: [
            OptionSpec(["--config"], value: "file", help: "Read this configuration instead of the nearest .pullcheck.yaml.") {
                options, value throws(UsageError) in options.configFile = value
            },
            OptionSpec(["--no-config"], help: "Ignore .pullcheck.yaml files.") { options, _ throws(UsageError) in options.noConfig = true },
        ],
        positional: nil,
        discussion: "The output is valid .pullcheck.yaml: copy the parts you want to change.")

    static func run(_ arguments: [String], _ environment: CLIEnvironment) throws -> Int32 {
        var options = Options()
        guard try spec.parse(arguments, into: &options, environment) else { return ExitStatus.success }
        let (configuration, file) = try PullCheckCLI.configuration(
            file: options.configFile, noConfig: options.noConfig, environment: environment)
        environment.writeOutput(render(configuration, file: file))
        return ExitStatus.success
    }

    static func render(_ configuration: Configuration, file: String?) -> String {
        var lines: [Line] = []
        let registries = configuration.registries
        lines.append(Line("fail-level: " + configuration.failLevel.rawValue, origin(configuration, "fail-level")))
        lines.append(Line("strict: \(configuration.strict)", origin(configuration, "strict")))
        lines.append(Line("manifests-complete: \(configuration.manifestsComplete)", origin(configuration, "manifests-complete")))
        lines.append(Line("no-ignore: \(configuration.noIgnore)", origin(configuration, "no-ignore")))
        lines.append(Line("immutable-tags: " + list(patterns(configuration.immutableTags)), origin(configuration, "immutable-tags")))
        lines.append(Line("external-secrets: " + list(configuration.externalSecrets), origin(configuration, "external-secrets")))
        lines.append(Line("exclude: " + list(configuration.exclude), origin(configuration, "exclude")))
        let admission = configuration.admissionPullSecrets.sorted { $0.key < $1.key }
            .map { quoted($0.key) + ": " + list($0.value) }
        lines.append(
            Line(
                "admission-pull-secrets: " + (admission.isEmpty ? "{}" : "{" + admission.joined(separator: ", ") + "}"),
                origin(configuration, "admission-pull-secrets")))
        lines.append(Line("registries:", "configured lists are checked first: private, node-authenticated, public"))
        lines.append(Line("  private: " + list(registries.privateHosts.map(\.text)), origin(configuration, "registries.private")))
        lines.append(
            Line(
                "  node-authenticated: " + list(registries.nodeAuthenticatedHosts.map(\.text)),
                origin(configuration, "registries.node-authenticated")))
        lines.append(Line("  public: " + list(registries.publicHosts.map(\.text)), origin(configuration, "registries.public")))
        lines.append(Line("  # built in, node-authenticated: " + list(RegistrySettings.defaultNodeAuthenticated), ""))
        lines.append(Line("  # built in, public: " + list(RegistrySettings.defaultPublic), ""))
        lines.append(Line("  # any other registry: private on the project's evidence (a Secret with a credential for it,", ""))
        lines.append(Line("  # other pods pulling from it with pull secrets), else unknown (missing-pull-secret warns)", ""))
        lines.append(Line("rules:", ""))
        for description in RuleRegistry.descriptions {
            let value = configuration.isEnabled(description) ? configuration.severity(description).rawValue : "off"
            let note = description.isInputError ? "always on" : origin(configuration, "rules." + description.id)
            lines.append(Line("  " + description.id + ": " + value, note))
        }
        var width = 0
        for line in lines { width = max(width, line.text.count) }
        width = min(60, width + 2)
        var out = "# effective configuration"
        if let file {
            out += " (from " + file + ")\n"
        } else {
            out += " (no .pullcheck.yaml found: defaults)\n"
        }
        for line in lines {
            out += line.text
            if !line.note.isEmpty {
                out += String(repeating: " ", count: max(2, width - line.text.count)) + "# " + line.note
            }
            out += "\n"
        }
        return out
    }

    private struct Line {
        let text: String
        let note: String
        init(_ text: String, _ note: String) {
            self.text = text
            self.note = note
        }
    }

    private static func origin(_ configuration: Configuration, _ key: String) -> String {
        configuration.origins[key] ?? "default"
    }

    private static func patterns(_ globs: [GlobPattern]) -> [String] { globs.map { $0.pattern } }

    private static func list(_ items: [String]) -> String {
        items.isEmpty ? "[]" : "[" + items.map { quoted($0) }.joined(separator: ", ") + "]"
    }

    /// A YAML double-quoted string.
    static func quoted(_ text: String) -> String {
        var value = ""
        JSONValue.writeString(text, to: &value)
        return value
    }
}
