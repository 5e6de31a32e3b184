/// Reported by the loader instead of a cryptic parse error when a file is a template.
struct UnrenderedTemplateRule: Rule {
    static let description = RuleDescription(
        id: "unrendered-template",
        name: "Unrendered Template",
        severity: .error,
        summary: "The file holds template markers (`{{ ... }}`) and must be rendered before it is linted.",
        details: """
            A Helm chart's `templates/` or a Go-template manifest is not YAML until it is rendered: \
            `{{ .Values.image }}` outside quotes either breaks the YAML syntax or reads as a nested \
            flow mapping. pullcheck reports one finding at the first marker instead of whatever the \
            parser would make of it. Markers inside quoted strings are left alone: tools such as \
            Argo Workflows keep `"{{inputs.parameters.x}}"` in valid manifests on purpose.
            """,
        rationale: """
            Linting the template itself gives misleading results. The rendered output is what \
            kubelet will pull, so lint that. Any input with this finding makes pullcheck exit with status 2.
            """,
        fix: """
            Render the chart and lint the output through standard input: \
            `helm template my-release ./chart | pullcheck -`, or \
            `kustomize build overlays/prod | pullcheck -`. Exclude template folders from \
            directory runs with `exclude: ["charts/**/templates/**"]` in `.pullcheck.yaml`.
            """,
        triggeringExamples: [
            Example("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                        - name: web
                          image: ↓{{ .Values.image }}
                """),
            Example("""
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
            Example("""
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
                """)
        ],
        exceptions: "None; lint the rendered output instead. The rule cannot be disabled.",
        references: [
            .init("helm template", "https://helm.sh/docs/helm/helm_template/"),
            .init("kustomize build", "https://kubectl.docs.kubernetes.io/references/kustomize/cmd/build/"),
        ],
        isInputError: true)
}
