/// Reported by the loader, which finds duplicates while it builds each mapping.
struct DuplicateKeyRule: Rule {
    static let description = RuleDescription(
        id: "duplicate-key",
        name: "Duplicate Key",
        severity: .error,
        summary: "A mapping has the same key twice.",
        details: """
            Every mapping is checked while it is parsed, at any depth: two keys with the same text \
            (quoted or not) in one mapping. The finding points at the second key and names the \
            line of the first. A key that overrides one brought in by a merge key (`<<: *defaults`) \
            is not a duplicate.
            """,
        rationale: """
            `kubectl apply` rejects the file (`mapping key "image" already defined`), while many \
            other YAML tools silently keep one of the values, so a duplicated `image:` or \
            `imagePullPolicy:` hides what will really run until the apply fails.
            """,
        fix: "Remove one of the two keys; keep the value you mean.",
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
                      image: nginx:1.27
                      ↓image: nginx:1.25
                """),
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                data: {mode: fast, ↓"mode": safe}
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
                    - &base
                      name: web
                      image: nginx:1.27
                    - <<: *base
                      name: sidecar
                """)
        ],
        exceptions: "None: kubectl refuses such a file.",
        references: [
            .init("YAML 1.2: mapping keys must be unique", "https://yaml.org/spec/1.2.2/#mapping"),
            .init("kubectl apply", "https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/"),
        ])
}

extension DuplicateKeyRule {
    /// One finding per key written twice in a mapping of the document, at the second, naming the first.
    static func findings(
        in document: YAMLDocument, objects: [ManifestObject], file: String, configuration: Configuration
    ) -> [Diagnostic] {
        guard !document.duplicateKeys.isEmpty, configuration.isEnabled(description) else { return [] }
        var result: [Diagnostic] = []
        for duplicate in document.duplicateKeys {
            let span = document.span(duplicate.duplicate)
            let first = document.span(duplicate.first).start
            let key = document.string(duplicate.duplicate) ?? ""
            let owner = objects.last { $0.span.contains(span.start) } ?? objects.first
            result.append(
                Diagnostic(
                    ruleID: description.id, severity: configuration.severity(description),
                    message:
                        "duplicate key \"\(key)\": it is already defined at line \(first.line), column \(first.column); kubectl rejects the file and other tools keep only one of the values",
                    file: file, span: span, object: owner?.reference, container: nil, image: nil,
                    objectOrdinal: owner?.ordinal))
        }
        return result
    }
}
