import RegistryModel

/// A Docker schema 1 manifest, which containerd 2.0+ and Docker 26+ refuse.
struct Schema1ManifestRule: OnlineRule {
    static let description = RuleDescription(
        id: "schema1-manifest",
        name: "Schema 1 Manifest",
        severity: .error,
        summary: "The image is stored as a Docker schema 1 manifest, which current container runtimes refuse to pull.",
        details: """
            With `--online`, pullcheck reports an image whose manifest is Docker's image manifest \
            schema 1 (`application/vnd.docker.distribution.manifest.v1+json` or its signed form), the \
            format of images pushed before 2017.
            """,
        rationale: """
            containerd 2.0 removed schema 1 support (and Docker 26 followed): the pull fails with \
            `schema 1 image manifests are no longer supported`, so clusters upgraded to containerd 2 \
            cannot start the pod (GKE saw this with old `registry.k8s.io` images).
            """,
        fix:
            "Re-push the image with a current client (`crane copy`, `skopeo copy`, or pull and push with Docker 25 or older), or use a newer image.",
        triggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: legacy
                spec:
                  containers:
                    - name: legacy
                      image: ↓registry.example.com/public/old:1.0
                """, configuration: "online: true")
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: legacy
                spec:
                  containers:
                    - name: legacy
                      image: registry.example.com/public/app:1.0
                """, configuration: "online: true")
        ],
        references: [
            .init(
                "containerd 2.0: schema 1 removed", "https://github.com/containerd/containerd/blob/main/RELEASES.md#deprecated-features"),
            .init(
                "Docker image manifest v2, schema 1 (deprecated)", "https://distribution.github.io/distribution/spec/deprecated-schema-v1/"),
        ],
        isOnline: true)

    func check(_ answer: OnlineAnswer, _ context: inout RunRuleContext) {
        guard answer.result.status == .found, answer.result.schema1 else { return }
        context.report(
            "\(answer.container.displayName) pulls \"\(answer.container.image)\", a Docker schema 1 image; containerd 2.0+ and Docker 26+ refuse it (\"schema 1 image manifests are no longer supported\"): re-push it in a current format or use a newer image",
            at: answer.container.imageSpan, pod: answer.pod, container: answer.container)
    }
}
