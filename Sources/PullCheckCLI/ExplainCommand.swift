import PullCheckKit
import TextSupport

/// `pullcheck explain <rule-id>`.
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
        guard try spec.parse(arguments, into: &options, environment) else { return ExitStatus.success }
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
