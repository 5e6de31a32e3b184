/// A container with no image at all.
struct MissingImageRule: ObjectRule {
    static let description = RuleDescription(
        id: "missing-image",
        name: "Missing Image",
        severity: .error,
        summary: "A container has no `image`, or an empty one.",
        details: """
            Checks containers, init containers and ephemeral containers of every pod spec: the `image` \
            key is missing, empty (`image: ""`) or null (`image:` with nothing after it, `~`, `null`). \
            The finding points at the empty value, or at the container's first key when `image` is absent.
            """,
        rationale: """
            There is nothing to pull. The API server rejects a Pod without an image \
            (`spec.containers[0].image: Required value`); in a workload template the gap often comes \
            from a value that a templating step was supposed to fill in and did not.
            """,
        fix: "Set `image:` to the reference to run, pinned to a version tag or a digest.",
        triggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - ↓name: web
                      ports:
                        - containerPort: 80
                """),
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                spec:
                  template:
                    spec:
                      initContainers:
                        - name: migrate
                          image: ↓""
                      containers:
                        - name: api
                          image:↓
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
                      image: nginx:1.27
                """)
        ],
        exceptions: "None: a container needs an image.",
        references: [.init("Kubernetes: container images", "https://kubernetes.io/docs/concepts/containers/images/")])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                if let image = container.image {
                    guard !image.isCollection, image.isEmptyOrNull else { continue }
                    context.report(
                        "\(container.displayName) has an empty image; there is nothing to pull", at: image.span, container: container)
                } else if !context.isPatch, !container.mayOmitImage {
                    // A kustomize patch names a container to change some of its fields.
                    context.report(
                        "\(container.displayName) has no image; there is nothing to pull",
                        at: SourceSpan(at: container.span.start), container: container)
                }
            }
        }
    }
}
