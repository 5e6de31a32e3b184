/// pullcheck's version and home.
public enum PullCheckVersion {
    public static let current = "0.1.0"
    public static let homepage = "https://github.com/pullcheck/pullcheck"
}

/// Generates `rules/<id>.md` from a rule's description. The committed pages must equal what this
/// produces; a test fails when one is stale (`pullcheck generate-docs` rewrites them).
public enum RuleDocumentation {
    public static func url(for description: RuleDescription) -> String {
        "\(PullCheckVersion.homepage)/blob/main/rules/\(description.id).md"
    }

    public static func fileName(for description: RuleDescription) -> String { "\(description.id).md" }

    public static func page(for description: RuleDescription) -> String {
        var out = "# \(description.name) (`\(description.id)`)\n\n"
        out += "Default severity: **\(description.severity.rawValue)**"
        if description.isInputError {
            out += " · Always enabled (input errors cannot be switched off; they make pullcheck exit with status 2)\n\n"
        } else {
            out += " · Enabled by default: **\(description.enabledByDefault ? "yes" : "no")**\n\n"
        }
        out += description.summary + "\n\n"
        out += "## What it checks\n\n" + description.details + "\n\n"
        out += "## Why it matters\n\n" + description.rationale + "\n\n"
        let triggering = description.triggeringExamples.filter { !$0.excludeFromDocumentation }
        if !triggering.isEmpty {
            out += "## Example\n\n"
            out += "pullcheck reports each place marked `↓` (the marker is not part of the manifest):\n\n"
            for example in triggering { out += exampleBlock(example, keepMarkers: true) }
        }
        out += "## Use instead\n\n" + description.fix + "\n\n"
        for example in description.nonTriggeringExamples where !example.excludeFromDocumentation {
            out += exampleBlock(example, keepMarkers: false)
        }
        out += "## Configuration\n\n"
        if description.isInputError {
            out += "None.\n\n"
        } else {
            out += "In `.pullcheck.yaml`:\n\n```yaml\nrules:\n"
            out += "  \(description.id): \(description.enabledByDefault ? "off" : "on")   # or: error, warning, info\n```\n\n"
            if let configuration = description.configuration { out += configuration + "\n\n" }
        }
        out += "## Exceptions\n\n"
        if let exceptions = description.exceptions { out += exceptions + "\n\n" }
        if !description.isInputError {
            out += "To accept a finding, suppress it with a reason, on the object:\n\n"
            out += "```yaml\nmetadata:\n  annotations:\n    ignore-check.pullcheck.io/\(description.id): \"<reason>\"\n```\n\n"
            out += "or on the line of the finding or the line above it:\n\n"
            out += "```yaml\n# pullcheck:ignore \(description.id) -- <reason>\n```\n\n"
        }
        if !description.references.isEmpty {
            out += "## References\n\n"
            for reference in description.references { out += "- [\(reference.title)](\(reference.url))\n" }
            out += "\n"
        }
        return String(out.dropLast())
    }

    private static func exampleBlock(_ example: Example, keepMarkers: Bool) -> String {
        var out = ""
        if let configuration = example.configuration {
            out += "With this `.pullcheck.yaml`:\n\n```yaml\n\(configuration)\n```\n\n"
        }
        let code = keepMarkers ? example.code : example.strippedCode
        out += "```yaml\n" + visible(code) + "\n```\n\n"
        return out
    }

    /// Control characters in examples are shown as `\u{…}` so the page stays readable.
    private static func visible(_ code: String) -> String {
        var out = ""
        for scalar in code.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Markdown reduced to plain text for places that do not render it.
    public static func plainText(_ markdown: String) -> String {
        String(markdown.filter { $0 != "`" && $0 != "*" })
    }

    /// The README's rule table.
    public static func ruleTable() -> String {
        var out = "| Rule | Severity | Default | Summary |\n| --- | --- | --- | --- |\n"
        for description in RuleRegistry.descriptions {
            let enabled = description.isInputError ? "always" : (description.enabledByDefault ? "on" : "off")
            out += "| [`\(description.id)`](rules/\(description.id).md) | \(description.severity.rawValue) | \(enabled) | \(description.summary) |\n"
        }
        return out
    }
}
