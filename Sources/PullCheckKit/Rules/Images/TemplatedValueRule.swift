import DistributionReference
import TextSupport

/// A field that pullcheck checks holds a placeholder another tool fills in.
struct TemplatedValueRule: ObjectRule {
    static let description = RuleDescription(
        id: "templated-value",
        name: "Templated Value",
        severity: .warning,
        summary:
            "An image, pull policy, pull-secret name or ServiceAccount name is a placeholder (`{{ }}`, `${VAR}`, `<image>`, `ko://`) that something else fills in.",
        details: """
            Checks the fields pullcheck judges: containers' `image` and `imagePullPolicy`, the pod's \
            and ServiceAccounts' `imagePullSecrets` names, and `serviceAccountName`. A value is a \
            placeholder when it holds a Go/Helm template (`{{ .Values.image }}`, quoted or not), a shell \
            or Flux variable (`${IMAGE}`, `$(TAG)`, `$IMAGE`), an angle-bracket placeholder \
            (`<your-image>`), ko's `ko://` import path, or an `ALL_CAPS_WITH_UNDERSCORES` name. \
            Template text in any other string (alert descriptions, arguments, ApplicationSet paths) \
            is not pullcheck's business and is never reported. While a value is a placeholder, the \
            rules that judge it (`invalid-image-ref`, the tag rules, the pull-secret rules) stay quiet.
            """,
        rationale: """
            The manifest as written cannot be applied: the API server would store the placeholder \
            and kubelet would fail with `InvalidImageName`, or look up a Secret that does not exist. \
            Whatever fills the value in (Helm, envsubst, Flux post-build substitution, ko, a CI step) \
            must run first, and pullcheck can only judge the result.
            """,
        fix: """
            Lint what the tool produces: `helm template rel ./chart | pullcheck -`, \
            `kustomize build overlay | pullcheck -`, `envsubst < app.yaml | pullcheck --stdin-filename app.yaml -`, \
            `ko resolve -f config/ | pullcheck -`. Where a later step always fills the values in \
            (Flux substitution, ko), disable the rule for those folders or for the project: \
            `rules: {templated-value: {enabled: false}}`.
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
                          image: "↓{{ .Values.image }}"
                        - name: sidecar
                          image: ghcr.io/acme/sidecar:↓${SIDECAR_TAG}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                spec:
                  imagePullSecrets:
                    - name: ↓<your-pull-secret>
                  containers:
                    - name: api
                      image: ↓ko://github.com/acme/api/cmd/server
                      imagePullPolicy: ↓${PULL_POLICY}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                spec:
                  containers:
                    - name: api
                      image: ↓{{ .Values.image }}
                """, excludeFromDocumentation: true),
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata:
                  name: alerts
                spec:
                  groups:
                    - name: pods
                      rules:
                        - alert: PodCrashLooping
                          annotations:
                            description: "{{ $labels.namespace }}/{{ $labels.pod }} restarts"
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
                      image: nginx:1.27
                      args: ["--title={{.Name}}", "$(POD_NAME)"]
                """),
        ],
        exceptions: """
            Projects whose manifests are always substituted before they are applied (Flux \
            `postBuild.substitute`, ko, envsubst in CI) can switch the rule off in `.pullcheck.yaml`, or \
            suppress one line with `# pullcheck:ignore templated-value -- filled in by the pipeline`.
            """,
        references: [
            .init("helm template", "https://helm.sh/docs/helm/helm_template/"),
            .init(
                "Flux post-build variable substitution",
                "https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution"),
            .init("ko: resolving import paths", "https://ko.build/features/k8s/"),
        ])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                if let image = container.image,
                    let placeholder = Self.imagePlaceholder(container) ?? (image.isTemplateMapping ? image.placeholder : nil)
                {
                    context.report(
                        "\(container.displayName) image \(Self.shown(image)) is a placeholder: \(placeholder.message); pullcheck checks the image once it is filled in",
                        at: Self.span(of: placeholder, in: image), container: container)
                }
                if let policy = container.imagePullPolicy, !InvalidPullPolicyRule.valid.contains(policy.value),
                    let placeholder = policy.placeholder
                {
                    context.report(
                        "\(container.displayName) imagePullPolicy \(Self.shown(policy)) is a placeholder; the API server accepts only Always, IfNotPresent or Never, so fill it in before applying",
                        at: Self.span(of: placeholder, in: policy), container: container)
                }
            }
            reportNames(pod.imagePullSecrets, what: "pull secret", &context)
            if let account = pod.serviceAccountName, let placeholder = account.placeholder {
                context.report(
                    "serviceAccountName \(Self.shown(account)) is a placeholder; pullcheck cannot tell which pull secrets the ServiceAccount adds until it is filled in",
                    at: Self.span(of: placeholder, in: account))
            }
        }
        if let account = object.serviceAccount {
            reportNames(account.imagePullSecrets, what: "pull secret", &context)
        }
    }

    private func reportNames(_ references: [NameReference], what: String, _ context: inout ObjectRuleContext) {
        for reference in references {
            guard reference.placeholder != nil else { continue }
            let text = displayText(reference.placeholderText ?? "", limit: 80, escapeQuotes: true)
            context.report(
                "\(what) name \"\(text)\" is a placeholder; kubelet would look up a Secret of that name, so fill it in before applying",
                at: reference.span)
        }
    }

    /// The parse failure of a container's image when it is a placeholder.
    static func imagePlaceholder(_ container: Container) -> ImageReferenceError? {
        if case .failure(let error) = container.reference, error.isPlaceholder { return error }
        return nil
    }

    static func shown(_ field: ScalarField) -> String {
        field.isTemplateMapping ? "{{ ... }}" : "\"\(displayText(field.value, limit: 120, escapeQuotes: true))\""
    }

    static func span(of placeholder: ImageReferenceError, in field: ScalarField) -> SourceSpan {
        guard !field.isTemplateMapping, placeholder.length > 0 else { return field.span }
        return field.span(ofCharacters: placeholder.offset..<(placeholder.offset + placeholder.length))
    }
}
