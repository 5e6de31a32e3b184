/// What the command line touches: arguments, streams, environment. Tests pass their own.
public struct CLIEnvironment {
    public var arguments: [String]
    public var writeOutput: (String) -> Void
    public var writeError: (String) -> Void
    public var readStandardInput: () -> Result<[UInt8], SystemError>
    public var outputIsTerminal: Bool
    public var variable: (String) -> String?
    public var workingDirectory: String?
    /// Lint standard input as a stream (file descriptor 0) instead of `readStandardInput`'s bytes.
    public var streamsStandardInput = false

    public init(
        arguments: [String], writeOutput: @escaping (String) -> Void, writeError: @escaping (String) -> Void,
        readStandardInput: @escaping () -> Result<[UInt8], SystemError>, outputIsTerminal: Bool,
        variable: @escaping (String) -> String?, workingDirectory: String?
    ) {
        self.arguments = arguments
        self.writeOutput = writeOutput
        self.writeError = writeError
        self.readStandardInput = readStandardInput
        self.outputIsTerminal = outputIsTerminal
        self.variable = variable
        self.workingDirectory = workingDirectory
    }

    /// The real process: `CommandLine.arguments` without the program name.
    public static func process() -> CLIEnvironment {
        var environment = CLIEnvironment(
            arguments: Array(CommandLine.arguments.dropFirst()),
            writeOutput: { StandardStream.output.write($0) },
            writeError: { StandardStream.error.write($0) },
            readStandardInput: { FileSystem.readAll(0) },
            outputIsTerminal: StandardStream.output.isTerminal,
            variable: { ProcessEnvironment.variable($0) },
            workingDirectory: FileSystem.currentDirectory())
        environment.streamsStandardInput = true
        return environment
    }
}

/// Exit statuses (documented in the README).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let findings: Int32 = 1
    public static let inputError: Int32 = 2
    public static let usage: Int32 = 64
}

/// The `pullcheck` command line. The executable only calls `run` and exits with its result.
public enum PullCheckCLI {
    static let commands = ["lint", "rules", "explain", "inspect-image", "config", "generate-docs", "help"]

    public static func run(_ environment: CLIEnvironment) -> Int32 {
        var arguments = environment.arguments
        var command = "lint"
        if let first = arguments.first {
            if commands.contains(first) {
                command = first
                arguments.removeFirst()
            } else if first == "--version" {
                environment.writeOutput(PullCheckVersion.current + "\n")
                return ExitStatus.success
            } else if first == "--help" || first == "-h" {
                environment.writeOutput(overview)
                return ExitStatus.success
            }
        }
        do {
            switch command {
            case "rules": return try RulesCommand.run(arguments, environment)
            case "explain": return try ExplainCommand.run(arguments, environment)
            case "inspect-image": return try InspectImageCommand.run(arguments, environment)
            case "config": return try ConfigCommand.run(arguments, environment)
            case "generate-docs": return try GenerateDocsCommand.run(arguments, environment)
            case "help": return help(arguments, environment)
            default: return try LintCommand.run(arguments, environment)
            }
        } catch let error as UsageError {
            environment.writeError(
                errorLine(error.message) + "Run 'pullcheck \(command == "lint" ? "" : command + " ")--help' for usage.\n")
            return ExitStatus.usage
        } catch let error as ConfigurationError {
            for problem in error.problems { environment.writeError(errorLine(problem.description)) }
            return ExitStatus.usage
        } catch {
            environment.writeError(errorLine("\(error)"))
            return ExitStatus.usage
        }
    }

    static let overview = """
        OVERVIEW: Lint Kubernetes manifests for image pulls that will fail: malformed references,
        mutable tags, pull policies, and pull secrets checked as kubelet resolves them.

        USAGE: pullcheck [lint] [OPTIONS] [PATH ...]
               pullcheck <command> [OPTIONS]

        COMMANDS:
          lint            Lint files, directories, or standard input (-). The default.
          rules           List the rules.
          explain         Show a rule's documentation.
          inspect-image   Show how kubelet parses image references, and what pullcheck thinks of them.
          config          Show the effective configuration and where each value comes from.
          generate-docs   Write (or --check) the rule pages in rules/.
          help            Show help for a command.

        Exit status: 0 no finding at or above the fail level, 1 findings, 2 an input could not be
        read or parsed, 64 usage or configuration error.

        Run 'pullcheck help <command>' or 'pullcheck <command> --help' for a command's options.

        """

    static func help(_ arguments: [String], _ environment: CLIEnvironment) -> Int32 {
        switch arguments.first {
        case "lint": environment.writeOutput(LintCommand.spec.help)
        case "rules": environment.writeOutput(RulesCommand.spec.help)
        case "explain": environment.writeOutput(ExplainCommand.spec.help)
        case "inspect-image": environment.writeOutput(InspectImageCommand.spec.help)
        case "config": environment.writeOutput(ConfigCommand.spec.help)
        case "generate-docs": environment.writeOutput(GenerateDocsCommand.spec.help)
        case nil: environment.writeOutput(overview)
        case let other?:
            environment.writeError(errorLine("unknown command \"\(other)\""))
            return ExitStatus.usage
        }
        return ExitStatus.success
    }

    /// Loads the configuration: `--config FILE`, else the nearest `.pullcheck.yaml` unless `--no-config`.
    static func configuration(file: String?, noConfig: Bool, environment: CLIEnvironment) throws(ConfigurationError)
        -> (Configuration, String?)
    {
        if let file { return (try ConfigurationLoader.load(file: file), file) }
        guard !noConfig, let directory = environment.workingDirectory, let found = ConfigurationLoader.find(from: directory)
        else { return (Configuration(), nil) }
        return (try ConfigurationLoader.load(file: found), found)
    }
}

// MARK: lint

struct LintCommand {
    enum ColorChoice: String, CaseIterable { case auto, always, never }

    struct Options {
        var paths: [String] = []
        var format = OutputFormat.text
        var stdinFilename: String?
        var configFile: String?
        var noConfig = false
        var failLevel: FailLevel?
        var quiet = false
        var statistics = false
        var noIgnore = false
        var strict = false
        var jobs: Int?
        var color = ColorChoice.auto
        var enable: [String] = []
        var disable: [String] = []
        var manifestsComplete = false
        var noSource = false
        var columnUnit = ColumnUnit.character
        var exitZero = false
        var forceExclude = false
        var noIgnoreVCS = false
        var noProjectContext = false
        var rulesBaseURL: String?
    }

    static let spec = CommandSpec<Options>(
        name: "lint",
        abstract: "Lint Kubernetes manifests for image pulls that will fail.",
        usage: "pullcheck [lint] [OPTIONS] [PATH ...]",
        options: [
            OptionSpec(["--format", "-f"], value: "format", help: "Output format: text, json, sarif, github, junit (default: text).") {
                options, value throws(UsageError) in options.format = try choice(value, "--format")
            },
            OptionSpec(
                ["--fail-level"], value: "level", help: "Exit 1 on findings at or above: error, warning, info, none (default: warning)."
            ) {
                options, value throws(UsageError) in options.failLevel = try choice(value, "--fail-level")
            },
            OptionSpec(["--stdin-filename"], value: "name", help: "The file name to show for standard input (-).") {
                options, value throws(UsageError) in options.stdinFilename = value
            },
            OptionSpec(["--config"], value: "file", help: "Read this configuration instead of the nearest .pullcheck.yaml.") {
                options, value throws(UsageError) in options.configFile = value
            },
            OptionSpec(["--no-config"], help: "Ignore .pullcheck.yaml files.") { options, _ throws(UsageError) in options.noConfig = true },
            OptionSpec(["--enable"], value: "rules", help: "Enable rules (comma-separated ids), e.g. docker-hub-anonymous.") {
                options, value throws(UsageError) in options.enable += try ruleList(value, "--enable")
            },
            OptionSpec(["--disable"], value: "rules", help: "Disable rules (comma-separated ids).") {
                options, value throws(UsageError) in options.disable += try ruleList(value, "--disable")
            },
            OptionSpec(["--strict"], help: "Also report YAML documents that are not Kubernetes objects.") {
                options, _ throws(UsageError) in options.strict = true
            },
            OptionSpec(["--manifests-complete"], help: "The inputs hold every Secret the pods need: report any that is missing.") {
                options, _ throws(UsageError) in options.manifestsComplete = true
            },
            OptionSpec(["--no-ignore"], help: "Ignore suppression annotations and comments (for audits).") {
                options, _ throws(UsageError) in options.noIgnore = true
            },
            OptionSpec(["--quiet", "-q"], help: "Print only the findings, no summary.") { options, _ throws(UsageError) in
                options.quiet = true
            },
            OptionSpec(["--statistics"], help: "Also print the number of findings per rule.") {
                options, _ throws(UsageError) in options.statistics = true
            },
            OptionSpec(
                ["--color"], value: "when", help: "Colour the text output: auto, always, never (default: auto; NO_COLOR is honoured)."
            ) {
                options, value throws(UsageError) in options.color = try choice(value, "--color")
            },
            OptionSpec(["--no-source"], help: "Do not show source lines under findings on a terminal.") {
                options, _ throws(UsageError) in options.noSource = true
            },
            OptionSpec(["--column-unit"], value: "unit", help: "Columns count character (default), utf-16 (VS Code) or utf-8 (bytes).") {
                options, value throws(UsageError) in options.columnUnit = try choice(value, "--column-unit")
            },
            OptionSpec(["--exit-zero"], help: "Exit 0 even when there are findings or unreadable input (report-only runs).") {
                options, _ throws(UsageError) in options.exitZero = true
            },
            OptionSpec(
                ["--force-exclude"],
                help: "Treat named files like walked ones: apply exclude, skip non-manifests that do not parse (for hooks)."
            ) {
                options, _ throws(UsageError) in options.forceExclude = true
            },
            OptionSpec(["--no-ignore-vcs"], help: "Walk files that .gitignore and .ignore leave out.") {
                options, _ throws(UsageError) in options.noIgnoreVCS = true
            },
            OptionSpec(
                ["--no-project-context"],
                help: "Read only the inputs, not the rest of the project (kustomizations, Secrets, ServiceAccounts)."
            ) {
                options, _ throws(UsageError) in options.noProjectContext = true
            },
            OptionSpec(
                ["--rules-base-url"], value: "url", help: "Where the rule pages are, for SARIF helpUri (default: this project's rules/)."
            ) {
                options, value throws(UsageError) in options.rulesBaseURL = try validatedRulesBaseURL(value)
            },
            OptionSpec(["--jobs", "-j"], value: "n", help: "Lint this many files in parallel (default: the number of processors).") {
                options, value throws(UsageError) in
                guard let jobs = Int(value), jobs >= 1, jobs <= 1024 else { throw UsageError("--jobs must be a number from 1 to 1024") }
                options.jobs = jobs
            },
        ],
        positional: { options, value throws(UsageError) in options.paths.append(value) },
        discussion: """
            PATH is a file, a directory (searched recursively for .yaml, .yml and .json files,
            skipping hidden folders, .gitignore'd paths and Helm chart templates), or - for
            standard input. Without a PATH, pullcheck lints
            standard input when --stdin-filename is given, else the current directory.

            Examples:
              pullcheck k8s/
              helm template my-release ./chart | pullcheck -
              pullcheck --format sarif k8s/ > pullcheck.sarif
              pullcheck --quiet --stdin-filename deploy.yaml - < deploy.yaml
            """)

    static func ruleList(_ value: String, _ option: String) throws(UsageError) -> [String] {
        let ids = value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        for id in ids where RuleRegistry.description(of: id) == nil {
            throw UsageError("\(option): unknown rule \"\(id)\"; `pullcheck rules` lists them")
        }
        return ids
    }

    static func run(_ arguments: [String], _ environment: CLIEnvironment) throws -> Int32 {
        var options = Options()
        guard try spec.parse(arguments, into: &options) else {
            environment.writeOutput(spec.help)
            return ExitStatus.success
        }
        if options.columnUnit == .utf8 && options.format == .sarif {
            throw UsageError("SARIF columns count characters or UTF-16 code units; --column-unit utf-8 does not apply")
        }
        if let name = options.stdinFilename, case .success(let status) = FileStatus.of(name), status.isDirectory {
            throw UsageError("--stdin-filename names a directory (\(name)); give the file name the input stands for")
        }
        var (configuration, _) = try PullCheckCLI.configuration(
            file: options.configFile, noConfig: options.noConfig, environment: environment)
        if let level = options.failLevel { configuration.failLevel = level }
        if options.strict { configuration.strict = true }
        if options.noIgnore { configuration.noIgnore = true }
        if options.manifestsComplete { configuration.manifestsComplete = true }
        for id in options.enable { configuration.rules[id, default: .init()].enabled = true }
        for id in options.disable {
            if RuleRegistry.description(of: id)?.isInputError == true {
                throw UsageError("--disable: \(id) reports input that cannot be parsed and cannot be disabled")
            }
            configuration.rules[id, default: .init()].enabled = false
        }

        var paths = options.paths
        if paths.isEmpty { paths = options.stdinFilename != nil ? ["-"] : ["."] }
        if paths.filter({ $0 == "-" }).count > 1 { throw UsageError("standard input (-) can be read only once") }

        var stdinFailure: InputFailure?
        var collector = InputCollector(
            exclude: configuration.exclude, base: configuration.projectDirectory, workingDirectory: environment.workingDirectory)
        collector.respectIgnoreFiles = configuration.respectIgnoreFiles && !options.noIgnoreVCS
        collector.forceExclude = options.forceExclude
        collector.projectContext = !options.noProjectContext
        var collected = collector.collect(paths) {
            let name = options.stdinFilename ?? "<stdin>"
            if environment.streamsStandardInput { return LintInput(displayName: name, content: .stream(StreamedInput(descriptor: 0))) }
            switch environment.readStandardInput() {
            case .success(let bytes): return LintInput(displayName: name, content: .bytes(bytes))
            case .failure(let error):
                stdinFailure = InputFailure(file: name, message: "cannot read standard input: \(error)")
                return nil
            }
        }
        if let stdinFailure { collected.failures.append(stdinFailure) }

        let linter = Linter(configuration: configuration)
        var report = linter.lint(collected.inputs, context: collected.context, jobs: options.jobs ?? ProcessEnvironment.processorCount)
        report.inputFailures = collected.failures + report.inputFailures
        report.notes = collected.notes + report.notes
        report.fileCount += collected.failures.count
        report = report.convertingColumns(to: options.columnUnit, inputs: collected.inputs)

        var context = ReportContext()
        let terminal = environment.outputIsTerminal
        let noColor = environment.variable("NO_COLOR").map { !$0.isEmpty } ?? false
        switch options.color {
        case .always: context.colors = true
        case .never: context.colors = false
        case .auto: context.colors = terminal && !noColor
        }
        context.showSource = terminal && options.format == .text && !options.noSource
        context.quiet = options.quiet
        context.statistics = options.statistics
        context.workingDirectory = environment.workingDirectory
        context.inputs = collected.inputs
        context.configuration = configuration
        context.rulesBaseURL = options.rulesBaseURL

        let reporter = options.format.reporter
        if !reporter.reportsInputFailures {
            for failure in report.inputFailures {
                environment.writeError(inputFailureLine(failure))
            }
        }
        environment.writeOutput(reporter.report(report, context: context))
        return options.exitZero ? ExitStatus.success : report.exitStatus(failLevel: configuration.failLevel)
    }
}

// MARK: rules, explain

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
    }

    static func run(_ arguments: [String], _ environment: CLIEnvironment) throws -> Int32 {
        var options = Options()
        guard try spec.parse(arguments, into: &options) else {
            environment.writeOutput(spec.help)
            return ExitStatus.success
        }
        let descriptions = RuleRegistry.descriptions
        if options.format == .json {
            let entries = descriptions.map {
                Entry(
                    id: $0.id, name: $0.name, severity: $0.severity.rawValue, enabledByDefault: $0.enabledByDefault,
                    summary: $0.summary, url: RuleDocumentation.url(for: $0))
            }
            environment.writeOutput(((try? JSONValueEncoder().encode(entries)) ?? .null).serialized() + "\n")
            return ExitStatus.success
        }
        let width = descriptions.map(\.id.count).max() ?? 0
        var out = ""
        for description in descriptions {
            let state = description.isInputError || description.enabledByDefault ? "" : " (off by default)"
            out += description.id + String(repeating: " ", count: width - description.id.count + 2)
            out += description.severity.rawValue + String(repeating: " ", count: 9 - description.severity.rawValue.count)
            out += RuleDocumentation.plainText(description.summary) + state + "\n"
        }
        environment.writeOutput(out)
        return ExitStatus.success
    }
}

struct ExplainCommand {
    struct Options { var id: String? }

    static let spec = CommandSpec<Options>(
        name: "explain", abstract: "Show a rule's documentation.", usage: "pullcheck explain <rule-id>", options: [],
        positional: { options, value throws(UsageError) in
            guard options.id == nil else { throw UsageError("explain takes one rule id") }
            options.id = value
        }, discussion: nil)

    static func run(_ arguments: [String], _ environment: CLIEnvironment) throws -> Int32 {
        var options = Options()
        guard try spec.parse(arguments, into: &options) else {
            environment.writeOutput(spec.help)
            return ExitStatus.success
        }
        guard let id = options.id else { throw UsageError("explain needs a rule id; `pullcheck rules` lists them") }
        guard let description = RuleRegistry.description(of: id) else {
            let ids = RuleRegistry.descriptions.map(\.id)
            let best = ids.map { ($0, editDistance(id, $0)) }.min { $0.1 < $1.1 }
            let hint = best.flatMap { $0.1 <= 3 ? " (did you mean \($0.0)?)" : nil } ?? ""
            throw UsageError("unknown rule \"\(id)\"\(hint); `pullcheck rules` lists them")
        }
        environment.writeOutput(RuleDocumentation.page(for: description))
        return ExitStatus.success
    }
}

// MARK: generate-docs

struct GenerateDocsCommand {
    struct Options {
        var output = "rules"
        var check = false
    }

    static let spec = CommandSpec<Options>(
        name: "generate-docs", abstract: "Write the rule pages (rules/<id>.md) from the rules' descriptions.",
        usage: "pullcheck generate-docs [--output <dir>] [--check]",
        options: [
            OptionSpec(["--output", "-o"], value: "dir", help: "Where to write the pages (default: rules).") {
                options, value throws(UsageError) in options.output = value
            },
            OptionSpec(["--check"], help: "Write nothing; exit 1 if a page is missing or stale.") {
                options, _ throws(UsageError) in options.check = true
            },
        ],
        positional: nil, discussion: nil)

    static func run(_ arguments: [String], _ environment: CLIEnvironment) throws -> Int32 {
        var options = Options()
        guard try spec.parse(arguments, into: &options) else {
            environment.writeOutput(spec.help)
            return ExitStatus.success
        }
        var stale: [String] = []
        for description in RuleRegistry.descriptions {
            let path = options.output + "/" + RuleDocumentation.fileName(for: description)
            let page = RuleDocumentation.page(for: description)
            let current = FileSystem.readFile(path).map { String(decoding: $0, as: UTF8.self) }
            if case .success(page) = current { continue }
            if options.check {
                stale.append(path)
            } else if let error = FileSystem.writeFile(path, contents: page) {
                environment.writeError(errorLine("cannot write \(path): \(error)"))
                return ExitStatus.inputError
            } else {
                environment.writeOutput("wrote \(path)\n")
            }
        }
        // The README's rule table, between its markers.
        let readme = "README.md"
        if case .success(let bytes) = FileSystem.readFile(readme) {
            let text = String(decoding: bytes, as: UTF8.self)
            if let updated = RuleDocumentation.replacingRuleTable(in: text), updated != text {
                if options.check {
                    stale.append(readme + " (rule table)")
                } else if let error = FileSystem.writeFile(readme, contents: updated) {
                    environment.writeError(errorLine("cannot write \(readme): \(error)"))
                    return ExitStatus.inputError
                } else {
                    environment.writeOutput("wrote \(readme) (rule table)\n")
                }
            }
        }
        if options.check, !stale.isEmpty {
            environment.writeError(stale.map { "stale or missing: \($0)\n" }.joined() + "Run 'pullcheck generate-docs' to update them.\n")
            return ExitStatus.findings
        }
        return ExitStatus.success
    }
}
