import TextSupport

/// The image string would not parse on the node: kubelet reports `InvalidImageName`.
struct InvalidImageRefRule: ObjectRule {
    static let description = RuleDescription(
        id: "invalid-image-ref",
        name: "Invalid Image Reference",
        severity: .error,
        summary: "The image reference does not follow the grammar kubelet parses, so the pod fails with InvalidImageName.",
        details: """
            Every container's `image` is parsed with the grammar and normalization kubelet uses \
            (distribution/reference's normalized parsing, with go-digest's validation): an optional \
            registry host, a lowercase repository path, an optional tag of at most 128 characters, and \
            an optional digest (`sha256`, `sha384` or `sha512` with exactly 64, 96 or 128 lowercase hex \
            digits). The finding points at the character where the reference goes wrong and says why: \
            uppercase in the repository (`Nginx:1.0`), a URL scheme (`https://registry/app`), a short or \
            uppercase digest, an empty tag (`nginx:`), a leading or trailing space. Placeholders such as `${IMAGE}`, \
            `<image>`, `{{ .Values.image }}` or `ko://...` are left to `templated-value`. \
            `pullcheck inspect-image <reference>` explains one reference.
            """,
        rationale: """
            The API server does not parse image references: the object is accepted, the pod is \
            scheduled, and only then does kubelet fail with `InvalidImageName`. The pod never starts \
            and nothing retries it into a working state. For a Pod, leading or trailing white space is \
            rejected at admission; in a Deployment, StatefulSet or other template it is accepted and \
            then fails on every node.
            """,
        fix: "Write the reference as `[registry[:port]/]path[:tag][@sha256:<64 hex digits>]`, with a lowercase path.",
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
                      image: ↓Nginx:1.27
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
                      containers:
                        - name: api
                          image: ↓https://registry.example.com/team/api:2.1
                        - name: sidecar
                          image: "envoyproxy/envoy@sha256:↓0123456789ab"
                """),
            Example(
                """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: migrate
                spec:
                  template:
                    spec:
                      containers:
                        - name: migrate
                          image: ↓Migrate:1.0
                      initContainers:
                        - name: wait
                          image: "busybox:1.36↓ "
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
                      image: "nginx↓:"
                    - name: tagged
                      image: "registry.example.com:5000/app:v1.2↓:3"
                """, excludeFromDocumentation: true),
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
                    - name: proxy
                      image: Registry.Example.com:5000/team-tools/proxy:v2
                      imagePullPolicy: IfNotPresent
                    - name: pinned
                      image: envoyproxy/envoy@sha256:0a6e8a0f3ad0d6b4e3f5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2
                """, excludeFromDocumentation: true),
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
                """),
        ],
        exceptions: """
            None for a real manifest.
            """,
        references: [
            .init("Kubernetes: container images", "https://kubernetes.io/docs/concepts/containers/images/"),
            .init("distribution/reference grammar", "https://github.com/distribution/reference/blob/main/reference.go"),
            .init(
                "Debugging ImagePullBackOff and InvalidImageName", "https://kubernetes.io/docs/concepts/containers/images/#imagepullbackoff"
            ),
        ])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                // Placeholders are templated-value's.
                guard let image = container.image, !image.isTemplateMapping else { continue }
                if image.isCollection {
                    context.report(
                        "\(container.displayName) has an image that is a \(image.style == nil ? "mapping or list" : "value") instead of a string; the API server rejects it",
                        at: image.span, container: container)
                    continue
                }
                if let type = image.nonStringType {
                    context.report(
                        "\(container.displayName) has the image \(image.value), which YAML reads as \(type), not a string; kubectl rejects the manifest; quote it: image: \"\(image.value)\"",
                        at: image.span, container: container)
                    continue
                }
                guard case .failure(let error) = container.reference, !error.isPlaceholder else { continue }
                var message = "\(container.displayName) image \"\(displayText(image.value, limit: 120))\": \(error.message)"
                if error.category == .invalidFormat, Self.hasEdgeWhitespace(image.value) {
                    message +=
                        object.kind == "Pod"
                        ? "; the API server rejects the pod"
                        : "; the API server accepts it in a pod template, then every pod fails with InvalidImageName"
                } else {
                    message += "; kubelet will fail with InvalidImageName"
                }
                let span = image.span(ofCharacters: error.offset..<(error.offset + max(1, error.length)))
                context.report(message, at: span, container: container)
            }
        }
    }

    static func hasEdgeWhitespace(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        return first.properties.isWhitespace || last.properties.isWhitespace
    }
}
