import PullCheckKit
import TextSupport

/// `pullcheck [lint]`: the default command.
struct LintCommand {
    enum ColorChoice: String, CaseIterable { case auto, always, never }

    struct Options: HasOnlineOptions {
        var paths: [String] = []
        var online = OnlineOptions()
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
        ] + OnlineOptions.specs() + [
            OptionSpec(["--jobs", "-j"], value: "n", help: "Lint this many files in parallel (default: the number of processors).") {
                options, value throws(UsageError) in
                guard let jobs = Int(value), jobs >= 1, jobs <= 1024 else { throw UsageError("--jobs must be a number from 1 to 1024") }
                options.jobs = jobs
            }
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
              pullcheck --online k8s/
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

    /// The command line's settings over the configuration's, in one place.
    static func apply(_ options: Options, to configuration: inout Configuration) throws(UsageError) {
        if let level = options.failLevel { configuration.failLevel = level }
        if options.strict { configuration.strict = true }
        if options.noIgnore { configuration.noIgnore = true }
        if options.manifestsComplete { configuration.manifestsComplete = true }
        if options.noIgnoreVCS { configuration.respectIgnoreFiles = false }
        if options.forceExclude { configuration.forceExclude = true }
        if options.noProjectContext { configuration.projectContext = false }
        options.online.apply(to: &configuration.online)
        for id in options.enable { configuration.rules[id, default: .init()].enabled = true }
        for id in options.disable {
            if RuleRegistry.description(of: id)?.isInputError == true {
                throw UsageError("--disable: \(id) reports input that cannot be parsed and cannot be disabled")
            }
            configuration.rules[id, default: .init()].enabled = false
        }
    }

    static func run(_ arguments: [String], _ environment: CLIEnvironment) throws -> Int32 {
        var options = Options()
        guard try spec.parse(arguments, into: &options, environment) else { return ExitStatus.success }
        if options.columnUnit == .utf8 && options.format == .sarif {
            throw UsageError("SARIF columns count characters or UTF-16 code units; --column-unit utf-8 does not apply")
        }
        if let name = options.stdinFilename,
            case .success(let status) = FileStatus.of(PathAccess.resolved(name, in: environment.workingDirectory)),
            status.isDirectory
        {
            throw UsageError("--stdin-filename names a directory (\(name)); give the file name the input stands for")
        }
        var (configuration, _) = try PullCheckCLI.configuration(
            file: options.configFile, noConfig: options.noConfig, environment: environment)
        try apply(options, to: &configuration)

        var paths = options.paths
        if paths.isEmpty { paths = options.stdinFilename != nil ? ["-"] : ["."] }
        if paths.filter({ $0 == "-" }).count > 1 { throw UsageError("standard input (-) can be read only once") }

        var stdinFailure: InputFailure?
        var linter = Linter(configuration: configuration)
        // Before any input is read: an executable without a registry client hands the run over here.
        linter.online = try OnlineSetup.prepare(configuration, environment)
        var report = linter.lint(paths: paths, workingDirectory: environment.workingDirectory, jobs: options.jobs) {
            let name = options.stdinFilename ?? "<stdin>"
            if environment.streamsStandardInput { return LintInput(displayName: name, content: .stream(StreamedInput(descriptor: 0))) }
            switch environment.readStandardInput() {
            case .success(let bytes): return LintInput(displayName: name, content: .bytes(bytes))
            case .failure(let error):
                stdinFailure = InputFailure(file: name, message: "cannot read standard input: \(error)")
                return nil
            }
        }
        if let stdinFailure {
            report.inputFailures.insert(stdinFailure, at: 0)
            report.fileCount += 1
        }
        report = report.convertingColumns(to: options.columnUnit, inputs: report.inputs)

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
        context.inputs = report.inputs
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
