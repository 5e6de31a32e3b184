/// Reported by the loader instead of a cryptic parse error when a file is a template.
struct UnrenderedTemplateRule: Rule {
    static let description = RuleDescription(
        id: "unrendered-template",
        name: "Unrendered Template",
        severity: .error,
        summary: "The file does not parse as YAML because of template markers (`{{ ... }}`): it must be rendered before it is linted.",
        details: """
            A Helm chart template or a Go-template manifest is often not YAML until it is rendered: \
            `{{- if .Values.enabled }}` on a line of its own, or `{{ toYaml .Values.resources | nindent 12 }}`, \
            break the YAML structure. When a document fails to parse and a `{{` outside quotes comes \
            at or before the syntax error, pullcheck reports this rule at that marker instead of the \
            parser's error; the documents of the stream before the broken one are still linted. \
            A file that parses is always linted: `{{ }}` in a field pullcheck checks is \
            `templated-value`'s, and in any other string (alert texts, Argo parameters, \
            ApplicationSet paths) it is not pullcheck's business. The rule reports files named on the \
            command line and standard input; in directory runs (and with `--force-exclude`, as the \
            pre-commit hooks run), such a file is another tool's template and is passed over with a note \
            under `--statistics`, and the `templates/` folders of Helm charts (folders with a \
            `Chart.yaml`) are never read at all.
            """,
        rationale: """
            Linting the template itself gives misleading results: the rendered output is what \
            kubelet will pull, so lint that.
            """,
        fix: """
            Render and lint the output through standard input: \
            `helm template my-release ./chart | pullcheck -`. Template files outside a chart can be \
            left out with `exclude:` in `.pullcheck.yaml`.
            """,
        triggeringExamples: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                        - name: web
                          image: nginx:1.27
                          resources:
                            ↓{{- toYaml .Values.resources | nindent 12 }}
                """),
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: builder
                ↓{{- if .Values.pullSecret }}
                imagePullSecrets:
                  - name: regcred
                {{- end }}
                """),
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: ApplicationSet
                metadata:
                  name: clusters
                spec:
                  template:
                    metadata:
                      name: "{{.cluster}}-apps"
                    spec:
                      source:
                        path: apps/{{.cluster}}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - name: web
                      image: {{ .Values.image }}
                """, excludeFromDocumentation: true),
            Example(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: hello
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      container:
                        image: alpine:3.20
                        args: ["{{inputs.parameters.message}}"]
                """),
        ],
        exceptions: """
            Where templates live outside a chart folder on purpose, exclude them (`exclude: ["deploy/templates/**"]`), \
            disable the rule, or suppress it on the marker's line with `# pullcheck:ignore unrendered-template`.
            """,
        references: [
            .init("helm template", "https://helm.sh/docs/helm/helm_template/"),
            .init("kustomize build", "https://kubectl.docs.kubernetes.io/references/kustomize/cmd/build/"),
        ])
}

extension UnrenderedTemplateRule {
    /// Where a document that failed to parse shows itself to be an unrendered template: the first
    /// `{{` of the failed document, at or before the error, that is not inside a quoted string or a
    /// block scalar (template text as data, such as an Alertmanager template in a ConfigMap, is not
    /// a template marker).
    static func marker(_ summary: YAMLStreamSummary, lines: SourceLines) -> SourcePosition? {
        guard let error = summary.error else { return nil }
        let from = summary.failedDocumentStart?.line ?? 1
        guard let marker = firstUnquotedTemplateMarker(lines, from: from, excluding: summary.templateInScalars) else { return nil }
        if let errorAt = error.position, errorAt < marker { return nil }
        return marker
    }

    /// The first `{{` or `{%` that is not inside a quoted string on its line (used when the parse failed).
    static func firstUnquotedTemplateMarker(_ lines: SourceLines, from firstLine: Int, excluding scalars: [SourceSpan])
        -> SourcePosition?
    {
        var found: SourcePosition?
        _ = lines.forEachLine { number, bytes, _ in
            if number < firstLine { return true }
            var quote: UInt8 = 0
            var column = 1
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == 0x22 || byte == 0x27 {
                    quote = byte
                } else if byte == 0x23 && (index == 0 || bytes[index - 1] == 0x20) {
                    break  // a comment
                } else if byte == 0x7B && index + 1 < bytes.count && (bytes[index + 1] == 0x7B || bytes[index + 1] == 0x25) {
                    let position = SourcePosition(line: number, column: column)
                    // Inside a block scalar (whose span runs to the next line's start) it is data.
                    let inScalar = scalars.contains { $0.start <= position && (position < $0.end || position.line < $0.end.line) }
                    if !inScalar {
                        found = position
                        return false
                    }
                }
                if byte & 0xC0 != 0x80 { column += 1 }
                index += 1
            }
            return true
        }
        return found
    }

    static func message(parserStoppedAt position: SourcePosition?) -> String {
        let at = position.map { " (the YAML parser stops at line \($0.line), column \($0.column))" } ?? ""
        return "this document is a template, not YAML: its {{ ... }} markers break the YAML structure\(at); "
            + "render it and lint the output, e.g. `helm template <release> <chart> | pullcheck -`"
    }

    /// What `--statistics` says of such a file met while walking.
    static func walkedNote(markerLine: Int) -> String {
        "a template: its {{ ... }} markers at line \(markerLine) break the YAML structure; lint its rendered output"
    }
}
