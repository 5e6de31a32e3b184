/// Reported by the loader: libyaml's own error, at its mark.
struct YAMLSyntaxRule: Rule {
    static let description = RuleDescription(
        id: "yaml-syntax",
        name: "YAML Syntax",
        severity: .error,
        summary: "The file is not valid YAML, so kubectl cannot apply it.",
        details: """
            pullcheck parses manifests with libyaml and reports its error where libyaml found it: \
            the problem, what it was scanning or parsing at the time, and where that started. \
            Documents before the error are still linted; the rest of the file cannot be. \
            The same rule reports bytes that are not text (NUL bytes, invalid UTF-8, UTF-32), \
            aliases to anchors that do not exist, and inputs beyond pullcheck's safety limits \
            (a line over 16 MiB, a document of over two million nodes).
            """,
        rationale: """
            `kubectl apply` rejects the whole file, so nothing in it is deployed; in a GitOps \
            pipeline the sync fails and the old version keeps running. Any input with this finding \
            makes pullcheck exit with status 2.
            """,
        fix: "Fix the syntax at the position shown. An indentation error is usually on the line before it.",
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
                      image: "nginx:1.27
                ↓
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  labels: {app: web
                spec↓: {}
                """),
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                data:
                  a: ↓*missing
                """),
            Example("a: 1\n↓\u{1}\n", excludeFromDocumentation: true),
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
                      image: "nginx:1.27"
                """)
        ],
        exceptions: "None: a file that does not parse cannot be applied. The rule cannot be disabled.",
        references: [
            .init("YAML 1.1 specification", "https://yaml.org/spec/1.1/"),
            .init("libyaml", "https://pyyaml.org/wiki/LibYAML"),
        ],
        isInputError: true)
}
