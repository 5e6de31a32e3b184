/// Reported after all rules ran, for suppressions that matched nothing.
struct UnusedSuppressionRule: Rule {
    static let description = RuleDescription(
        id: "unused-suppression",
        name: "Unused Suppression",
        severity: .info,
        summary: "A suppression comment or annotation matches no finding.",
        details: """
            Checks both forms of suppression: the annotation \
            `ignore-check.pullcheck.io/<rule-id>: "<reason>"` on an object, and the comment \
            `# pullcheck:ignore <rule-id>[,<rule-id>] -- <reason>` on the line of a finding or \
            the line above it. A suppression that suppresses nothing is reported, and so is one \
            that names a rule pullcheck does not know (usually a typo). A suppression of a rule \
            that is switched off in this run is left alone, since it may matter where the rule is on. \
            `--no-ignore` turns all suppressions off, and with them this rule.
            """,
        rationale: """
            Stale suppressions hide the next real problem on that line or object, and a misspelt \
            rule id suppresses nothing while looking as if it did.
            """,
        fix: "Remove the suppression, or correct the rule id (`pullcheck rules` lists them).",
        triggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27 ↓# pullcheck:ignore latest-tag -- pinned later
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  annotations:
                    ↓ignore-check.pullcheck.io/latest-tags: "typo in the rule id"
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27
                """),
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - name: web
                      # pullcheck:ignore latest-tag -- a throwaway debugging pod
                      image: nginx:latest
                """)
        ],
        exceptions:
            "Switch the rule off in `.pullcheck.yaml` (`unused-suppression: off`) if suppressions are shared between configurations.",
        references: [
            .init("ruff: unused-noqa (RUF100), the same idea for Python", "https://docs.astral.sh/ruff/rules/unused-noqa/")
        ])
}

extension UnusedSuppressionRule {
    /// What is wrong with a suppression that matched no finding; nil when it may be needed
    /// elsewhere (it names only rules switched off here).
    static func message(for suppression: Suppression, known: Set<String>, configuration: Configuration) -> String? {
        let unknown = suppression.ruleIDs.filter { !known.contains($0) }
        if suppression.ruleIDs.isEmpty {
            return "pullcheck:ignore names no rule; write `# pullcheck:ignore <rule-id> -- <reason>`"
        }
        if !unknown.isEmpty {
            return "suppression names unknown rule \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); `pullcheck rules` lists them"
        }
        let enabled = suppression.ruleIDs.filter { id in
            RuleRegistry.description(of: id).map { configuration.isEnabled($0) } ?? false
        }
        // A suppression for a rule switched off here may be needed where it is on.
        guard !enabled.isEmpty else { return nil }
        return "suppression of \(enabled.joined(separator: ", ")) matches no finding; remove it"
    }
}
