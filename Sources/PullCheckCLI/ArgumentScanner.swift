import PullCheckKit
import TextSupport

/// A usage error: the message is printed with a hint to `--help`, and the process exits 64.
struct UsageError: Error, Sendable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// One option of a command: its names, whether it takes a value, its help, and how it applies.
///
/// pullcheck parses its command line with this small table-driven parser rather than
/// swift-argument-parser: that library's reflection-based parsing alone took 4.2 ms (12 million
/// instructions) per start on the benchmark machine, more than the whole budget for linting a
/// small file on save (see bench/README.md).
struct OptionSpec<Options>: Sendable {
    let names: [String]
    /// nil for a flag; the placeholder shown in help for an option with a value.
    let valueName: String?
    let help: String
    let apply: @Sendable (inout Options, String) throws(UsageError) -> Void

    init(
        _ names: [String], value: String? = nil, help: String,
        apply: @escaping @Sendable (inout Options, String) throws(UsageError) -> Void
    ) {
        self.names = names
        self.valueName = value
        self.help = help
        self.apply = apply
    }

    var helpLabel: String {
        let joined = names.joined(separator: ", ")
        return valueName.map { "\(joined) <\($0)>" } ?? joined
    }
}

/// A command's grammar: options, then positional arguments.
struct CommandSpec<Options>: Sendable {
    let name: String
    let abstract: String
    let usage: String
    let options: [OptionSpec<Options>]
    let positional: (@Sendable (inout Options, String) throws(UsageError) -> Void)?
    let discussion: String?

    /// Parses `arguments` (after the command name). `--` ends the options; `-` alone is a
    /// positional argument (standard input).
    /// Parses `arguments` into `options`; on `--help` writes the command's help and returns
    /// false, so the command returns success at once.
    func parse(_ arguments: [String], into options: inout Options, _ environment: CLIEnvironment) throws(UsageError) -> Bool {
        guard try parse(arguments, into: &options) else {
            environment.writeOutput(help)
            return false
        }
        return true
    }

    func parse(_ arguments: [String], into options: inout Options) throws(UsageError) -> Bool {
        var index = 0
        var onlyPositional = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositional || argument == "-" || !argument.hasPrefix("-") {
                guard let positional else { throw UsageError("unexpected argument \"\(argument)\" for \(name)") }
                try positional(&options, argument)
                continue
            }
            if argument == "--" {
                onlyPositional = true
                continue
            }
            if argument == "--help" || argument == "-h" { return false }
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let spec = spec(named: name) else {
                let known = self.options.flatMap(\.names)
                let hint = known.map { ($0, editDistance(name, $0)) }.min { $0.1 < $1.1 }
                let suggestion = hint.flatMap { $0.1 <= 3 ? " (did you mean \($0.0)?)" : nil } ?? ""
                throw UsageError("unknown option \(name)\(suggestion)")
            }
            if spec.valueName == nil {
                if inlineValue != nil { throw UsageError("\(name) does not take a value") }
                try spec.apply(&options, "")
                continue
            }
            if let inlineValue {
                try spec.apply(&options, inlineValue)
            } else {
                guard index < arguments.count else { throw UsageError("\(name) needs a value <\(spec.valueName ?? "value")>") }
                try spec.apply(&options, arguments[index])
                index += 1
            }
        }
        return true
    }

    private func spec(named name: String) -> OptionSpec<Options>? {
        options.first { $0.names.contains(name) }
    }

    var help: String {
        var out = "OVERVIEW: \(abstract)\n\nUSAGE: \(usage)\n"
        if !options.isEmpty {
            out += "\nOPTIONS:\n"
            let width = min(34, (options.map(\.helpLabel.count).max() ?? 0) + 2)
            for option in options {
                let label = option.helpLabel
                out += "  " + label
                if label.count + 2 <= width {
                    out += String(repeating: " ", count: width - label.count) + option.help + "\n"
                } else {
                    out += "\n  " + String(repeating: " ", count: width) + option.help + "\n"
                }
            }
            out += "  -h, --help" + String(repeating: " ", count: max(2, width - 10)) + "Show help information.\n"
        }
        if let discussion { out += "\n" + discussion + "\n" }
        return out
    }
}

/// Parses a choice among an enum's raw values.
func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ option: String) throws(UsageError) -> T
where T.RawValue == String {
    guard let value = T(rawValue: text) else {
        throw UsageError("\(option) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")) (not \"\(text)\")")
    }
    return value
}

/// `--rules-base-url`: an absolute `http` or `https` URL (SARIF's `helpUri` is a URI, and code
/// scanning links it), without a trailing `/`. Forks and mirrors point it at their own `rules/`.
func validatedRulesBaseURL(_ value: String) throws(UsageError) -> String {
    var url = value
    while url.hasSuffix("/") { url.removeLast() }
    let lower = url.lowercased()
    let scheme = lower.hasPrefix("https://") ? 8 : lower.hasPrefix("http://") ? 7 : 0
    guard scheme > 0, url.count > scheme,
        !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F || "\"<>\\^`{|}".unicodeScalars.contains($0) })
    else {
        throw UsageError(
            "--rules-base-url must be an absolute http(s) URL without spaces, such as https://github.com/you/pullcheck/blob/main/rules (not \"\(displayText(value))\")"
        )
    }
    return url
}
