/// The tag is `latest`: what runs changes under you.
struct LatestTagRule: ObjectRule {
    static let description = RuleDescription(
        id: "latest-tag",
        name: "Latest Tag",
        severity: .warning,
        summary: "The image uses the tag `latest`, which moves.",
        details: """
            Reports images tagged exactly `latest` (the comparison is case-sensitive, as the API \
            server's is; `Latest` is a typo, see `tag-typo`). An image pinned by digest beside the tag \
            (`nginx:latest@sha256:...`) runs exactly that digest, so the tag does not matter, with one \
            exception that is reported: when `imagePullPolicy` is not written, the API server still \
            defaults it to `Always` because of the tag, so every container start asks the registry.
            """,
        rationale: """
            `latest` is whatever was pushed last: two nodes can run different code from the same \
            manifest, a restart can pick up an untested build, and a rollback to the same manifest \
            does not roll anything back. The API server also defaults `imagePullPolicy` to `Always` for \
            `latest`, so every pod start depends on the registry being reachable and within its rate limits.
            """,
        fix: "Pin a version tag, or better a digest: `nginx:1.27.3` or `nginx@sha256:<digest>`.",
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
                          image: nginx:↓latest
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
                      image: nginx:↓latest@sha256:0a6e8a0f3ad0d6b4e3f5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2
                """),
        ],
        nonTriggeringExamples: [
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
                          image: nginx:1.27.3
                        - name: pinned
                          image: nginx:latest@sha256:0a6e8a0f3ad0d6b4e3f5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2
                          imagePullPolicy: IfNotPresent
                """)
        ],
        exceptions: """
            Throwaway debugging pods and local development clusters, where picking up the newest \
            build is the point. Suppress per object rather than disabling the rule.
            """,
        references: [
            .init("Kubernetes: image names and tags", "https://kubernetes.io/docs/concepts/containers/images/#image-names"),
            .init(
                "Kubernetes configuration best practices: container images",
                "https://kubernetes.io/docs/concepts/configuration/overview/#container-images"),
            .init(
                "Kubernetes: default image pull policy", "https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting"
            ),
        ])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                guard let reference = container.validReference, reference.tag == "latest", let image = container.image,
                    context.override(for: image.value)?.setsTag != true  // a kustomization sets the tag
                else { continue }
                let span = reference.tagRange.map { image.span(ofCharacters: $0) } ?? image.span
                if reference.digest == nil {
                    context.report(
                        "\(container.displayName) uses \"\(image.value)\" with the mutable tag latest; pin a version tag or a digest",
                        at: span, container: container)
                } else if !container.hasExplicitPullPolicy {
                    context.report(
                        "\(container.displayName) pins \"\(image.value)\" by digest, but the tag latest makes the API server default imagePullPolicy to Always, so every container start contacts the registry; drop \":latest\" or set imagePullPolicy: IfNotPresent",
                        at: span, container: container)
                }
            }
        }
    }
}
