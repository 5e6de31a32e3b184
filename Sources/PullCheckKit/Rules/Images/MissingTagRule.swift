/// Neither tag nor digest: kubelet pulls `latest`.
struct MissingTagRule: ObjectRule {
    static let description = RuleDescription(
        id: "missing-tag",
        name: "Missing Tag",
        severity: .warning,
        summary: "The image has neither a tag nor a digest, so kubelet pulls `latest`.",
        details: """
            Reports references without `:tag` and without `@digest`, such as `nginx` or \
            `registry.example.com:5000/team/app` (the `:5000` there is the registry's port, not a tag).
            """,
        rationale: """
            An untagged image is `latest` in disguise: kubelet appends `:latest`, the API server \
            defaults `imagePullPolicy` to `Always`, and what runs changes whenever someone pushes.
            """,
        fix: "Add the version tag you tested, or pin the digest.",
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
                      image: ↓nginx
                    - name: app
                      image: ↓registry.example.com:5000/team/app
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
                    - name: app
                      image: registry.example.com:5000/team/app@sha256:0a6e8a0f3ad0d6b4e3f5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2
                """)
        ],
        exceptions: "Local development manifests that always use the newest build.",
        references: [
            .init("Kubernetes: image names", "https://kubernetes.io/docs/concepts/containers/images/#image-names"),
            .init(
                "Kubernetes: default image pull policy", "https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting"
            ),
        ])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                guard let reference = container.validReference, reference.tag == nil, reference.digest == nil,
                    let image = container.image
                else { continue }
                // A kustomization that includes this file sets the tag (its own entry is checked there).
                if let override = context.override(for: image.value), override.setsTag || override.setsLatest { continue }
                context.report(
                    "\(container.displayName) image \"\(image.value)\" has no tag, so kubelet pulls \(reference.pullReference); pin a version tag or a digest",
                    at: image.contentSpan, container: container)
            }
        }
    }
}
