import PullCheckKit
import RegistryModel
import TextSupport

/// What the command line touches: arguments, streams, environment. Tests pass their own.
public struct CLIEnvironment {
    var arguments: [String]
    var writeOutput: (String) -> Void
    var writeError: (String) -> Void
    var readStandardInput: () -> Result<[UInt8], SystemError>
    var outputIsTerminal: Bool
    var variable: (String) -> String?
    var workingDirectory: String?
    /// Lint standard input as a stream (file descriptor 0) instead of `readStandardInput`'s bytes.
    var streamsStandardInput = false
    /// Makes the registry client for `--online`. Only `pullcheck-online` sets it: the offline
    /// executable never links an HTTP client.
    public var makeLookupService: (@Sendable (OnlineSettings) -> Result<any ImageLookupService, OnlineProblem>)?
    /// Replaces the process with `pullcheck-online` and the same arguments, for an online run of an
    /// executable without a registry client; returns only on failure, with the reason.
    public var handOverToOnline: (() -> String)?

    init(
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
        environment.handOverToOnline = { OnlineHandOver.exec() }
        return environment
    }
}

/// The `pullcheck` command line. The executable only calls `run` and exits with its result.
public enum PullCheckCLI {
    /// A subcommand: its name and one-line summary (for the overview), its help, and what it runs.
    struct Command: Sendable {
        let name: String
        let abstract: String
        let help: String
        let run: @Sendable ([String], CLIEnvironment) throws -> Int32

        init<Options>(_ spec: CommandSpec<Options>, _ run: @escaping @Sendable ([String], CLIEnvironment) throws -> Int32) {
            name = spec.name
            abstract = spec.abstract
            help = spec.help
            self.run = run
        }
    }

    /// Every subcommand, in the order the overview lists them; `lint` is the default.
    static let commands: [Command] = [
        Command(LintCommand.spec, LintCommand.run),
        Command(RulesCommand.spec, RulesCommand.run),
        Command(ExplainCommand.spec, ExplainCommand.run),
        Command(InspectImageCommand.spec, InspectImageCommand.run),
        Command(ConfigCommand.spec, ConfigCommand.run),
        Command(GenerateDocsCommand.spec, GenerateDocsCommand.run),
    ]

    static func command(named name: String) -> Command? { commands.first { $0.name == name } }

    public static func run(_ environment: CLIEnvironment) -> Int32 {
        var arguments = environment.arguments
        var command = "lint"
        if let first = arguments.first {
            if first == "help" {
                return help(Array(arguments.dropFirst()), environment)
            } else if Self.command(named: first) != nil {
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
            return try (Self.command(named: command) ?? commands[0]).run(arguments, environment)
        } catch let error as UsageError {
            environment.writeError(
                errorLine(error.message) + "Run 'pullcheck \(command == "lint" ? "" : command + " ")--help' for usage.\n")
            return ExitStatus.usage
        } catch let error as OnlineUnavailable {
            environment.writeError(errorLine(error.message))
            return ExitStatus.inputError
        } catch let error as ConfigurationError {
            for problem in error.problems { environment.writeError(errorLine(problem.description)) }
            return ExitStatus.usage
        } catch {
            environment.writeError(errorLine("\(error)"))
            return ExitStatus.usage
        }
    }

    static var overview: String {
        let rows =
            commands.map { ($0.name, $0.abstract + ($0.name == "lint" ? " The default." : "")) } + [("help", "Show help for a command.")]
        let list = rows.map { "  " + $0.0 + String(repeating: " ", count: max(1, 16 - $0.0.count)) + $0.1 }.joined(separator: "\n")
        return """
            OVERVIEW: Lint Kubernetes manifests for image pulls that will fail: malformed references,
            mutable tags, pull policies, and pull secrets checked as kubelet resolves them.

            USAGE: pullcheck [lint] [OPTIONS] [PATH ...]
                   pullcheck <command> [OPTIONS]

            COMMANDS:
            \(list)

            Exit status: 0 no finding at or above the fail level, 1 findings, 2 an input could not be
            read or parsed, 64 usage or configuration error.

            Run 'pullcheck help <command>' or 'pullcheck <command> --help' for a command's options.

            """
    }

    static func help(_ arguments: [String], _ environment: CLIEnvironment) -> Int32 {
        guard let name = arguments.first else {
            environment.writeOutput(overview)
            return ExitStatus.success
        }
        guard let command = command(named: name) else {
            environment.writeError(errorLine("unknown command \"\(name)\""))
            return ExitStatus.usage
        }
        environment.writeOutput(command.help)
        return ExitStatus.success
    }

    /// Loads the configuration: `--config FILE`, else the nearest `.pullcheck.yaml` unless `--no-config`.
    static func configuration(file: String?, noConfig: Bool, environment: CLIEnvironment) throws(ConfigurationError)
        -> (Configuration, String?)
    {
        if let file { return (try ConfigurationLoader.load(file: file, workingDirectory: environment.workingDirectory), file) }
        guard !noConfig, let directory = environment.workingDirectory, let found = ConfigurationLoader.find(from: directory)
        else { return (Configuration(), nil) }
        return (try ConfigurationLoader.load(file: found), found)
    }
}
