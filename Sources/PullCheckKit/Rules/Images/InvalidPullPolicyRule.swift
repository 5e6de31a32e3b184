import TextSupport

/// `imagePullPolicy` must be one of three exact words.
struct InvalidPullPolicyRule: ObjectRule {
    static let description = RuleDescription(
        id: "invalid-pull-policy",
        name: "Invalid Pull Policy",
        severity: .error,
        summary: "`imagePullPolicy` is not `Always`, `IfNotPresent` or `Never`.",
        details: """
            The value is compared exactly, as the API server compares it: `always` or `ifNotPresent` \
            in the wrong case, a typo, or a value that is not a string. The finding suggests the \
            nearest valid value.
            """,
        rationale: """
            The API server rejects the object (`Unsupported value: "always": supported values: \
            "Always", "IfNotPresent", "Never"`), so nothing of it is applied.
            """,
        fix: "Use `IfNotPresent` (the usual choice for pinned images), `Always` or `Never`, spelt exactly.",
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
                      imagePullPolicy: ↓ifNotPresent
                """)
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
                      image: nginx:1.27
                      imagePullPolicy: IfNotPresent
                """)
        ],
        exceptions: "None: the API server refuses other values.",
        references: [.init("Kubernetes: image pull policy", "https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy")])

    static let valid = ["Always", "IfNotPresent", "Never"]

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                guard let policy = container.imagePullPolicy, !policy.isEmptyOrNull, !Self.valid.contains(policy.value),
                    policy.placeholder == nil  // templated-value's
                else { continue }
                if let type = policy.nonStringType {
                    context.report(
                        "\(container.displayName) has imagePullPolicy \(policy.value), which YAML reads as \(type), not a string; the API server rejects it (Always, IfNotPresent or Never)",
                        at: policy.span, container: container)
                    continue
                }
                if policy.isCollection {
                    context.report(
                        "\(container.displayName) has an imagePullPolicy that is not a string; the API server rejects it", at: policy.span,
                        container: container)
                    continue
                }
                let nearest =
                    Self.valid.min {
                        editDistance(policy.value.lowercased(), $0.lowercased()) < editDistance(policy.value.lowercased(), $1.lowercased())
                    } ?? "IfNotPresent"
                context.report(
                    "\(container.displayName) has imagePullPolicy \"\(policy.value)\", which the API server rejects; did you mean \(nearest)? (Always, IfNotPresent or Never, case-sensitive)",
                    at: policy.span, container: container)
            }
        }
    }
}
