/// Reported by the loader for documents without `apiVersion` and `kind`; off unless `--strict`.
struct NonKubernetesYAMLRule: Rule {
    static let description = RuleDescription(
        id: "non-kubernetes-yaml",
        name: "Not a Kubernetes Object",
        severity: .info,
        enabledByDefault: false,
        summary: "A YAML document has no `apiVersion` and `kind`, so pullcheck skipped it.",
        details: """
            Directory runs meet YAML that is not a manifest: CI workflows, Helm values files, \
            application settings. pullcheck skips such documents silently; with `--strict` (or \
            this rule enabled in `.pullcheck.yaml`) it says so, which helps when a manifest was \
            skipped because its `kind` or `apiVersion` is misspelt or empty. Empty documents and \
            documents of only comments are never reported.
            """,
        rationale: """
            A workload whose `kind:` key is misspelt is not linted at all, and `kubectl apply` \
            rejects it with `Object 'Kind' is missing`.
            """,
        fix: "Add `apiVersion` and `kind`, or exclude the file with `exclude:` in `.pullcheck.yaml`.",
        triggeringExamples: [
            Example(
                """
                ↓apiVersion: apps/v1
                kinds: Deployment
                metadata:
                  name: web
                """, configuration: "strict: true"),
            Example(
                """
                ↓replicaCount: 2
                image:
                  repository: nginx
                """, configuration: "rules:\n  non-kubernetes-yaml: on"),
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                ---
                # only a comment
                """, configuration: "strict: true")
        ],
        exceptions: "Off by default; turn it on for runs over directories that should hold only manifests.",
        references: [
            .init("Kubernetes objects", "https://kubernetes.io/docs/concepts/overview/working-with-objects/")
        ])
}

extension NonKubernetesYAMLRule {
    /// "document 2 is not a Kubernetes object (it has no kind); pullcheck skipped it".
    static func message(_ document: YAMLDocument, root: NodeID) -> String {
        "document \(document.ordinal) is not a Kubernetes object (\(missingIdentity(document, root))); pullcheck skipped it"
    }

    /// "it has no kind", "its apiVersion is empty", ...
    static func missingIdentity(_ document: YAMLDocument, _ root: NodeID) -> String {
        guard document.kind(root) == .mapping else {
            return "it is a \(document.kind(root) == .sequence ? "list" : "single value"), not a mapping"
        }
        var problems: [String] = []
        for (key, name) in [("apiVersion", "apiVersion"), ("kind", "kind")] as [(StaticString, String)] {
            guard let value = document.value(key, in: root) else {
                problems.append("no \(name)")
                continue
            }
            if document.kind(value) != .scalar || document.isNull(value) || (document.string(value) ?? "").isEmpty {
                problems.append("an empty \(name)")
            }
        }
        return "it has " + problems.joined(separator: " and ")
    }
}
