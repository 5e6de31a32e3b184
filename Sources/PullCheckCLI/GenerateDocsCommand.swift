import PullCheckKit
import TextSupport

/// `pullcheck generate-docs`.
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
        guard try spec.parse(arguments, into: &options, environment) else { return ExitStatus.success }
        var stale: [String] = []
        for description in RuleRegistry.descriptions {
            let path = options.output + "/" + RuleDocumentation.fileName(for: description)
            let page = RuleDocumentation.page(for: description)
            let onDisk = PathAccess.resolved(path, in: environment.workingDirectory)
            let current = FileSystem.readFile(onDisk).map { String(decoding: $0, as: UTF8.self) }
            if case .success(page) = current { continue }
            if options.check {
                stale.append(path)
            } else if let error = FileSystem.writeFile(onDisk, contents: page) {
                environment.writeError(errorLine("cannot write \(path): \(error)"))
                return ExitStatus.inputError
            } else {
                environment.writeOutput("wrote \(path)\n")
            }
        }
        // The README's rule table, between its markers.
        let readme = "README.md"
        let readmeOnDisk = PathAccess.resolved(readme, in: environment.workingDirectory)
        if case .success(let bytes) = FileSystem.readFile(readmeOnDisk) {
            let text = String(decoding: bytes, as: UTF8.self)
            if let updated = RuleDocumentation.replacingRuleTable(in: text), updated != text {
                if options.check {
                    stale.append(readme + " (rule table)")
                } else if let error = FileSystem.writeFile(readmeOnDisk, contents: updated) {
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
