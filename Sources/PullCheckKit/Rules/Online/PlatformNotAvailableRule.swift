import RegistryModel

/// An index or manifest list that offers none of the nodes' platforms.
struct PlatformNotAvailableRule: OnlineRule {
    static let description = RuleDescription(
        id: "platform-not-available",
        name: "Platform Not Available",
        severity: .error,
        summary: "The image is a multi-platform index with no entry for the nodes' platform.",
        details: """
            With `--online`, when the registry answers with an OCI image index or a Docker manifest \
            list, pullcheck reads it (a `GET`, which Docker Hub counts as a pull) and reports when it \
            offers none of the configured platforms (`--platform`, or `platforms:` in \
            `.pullcheck.yaml`; default `linux/amd64`). A single-platform image is not judged: its \
            platform is in its config blob, which pullcheck does not download.
            """,
        rationale: """
            containerd fails the pull with `no match for platform in manifest: not found`; the pod sits \
            in `ErrImagePull` / `ImagePullBackOff` on every node of that platform (an arm64-only image \
            on amd64 nodes, or the reverse).
            """,
        fix:
            "Build and push the image for the nodes' platform (`docker buildx build --platform linux/amd64,linux/arm64`), or schedule the pod on nodes of a platform it offers.",
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
                          image: ↓registry.example.com/public/armonly:1.0
                """, configuration: "online: true")
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
                      nodeSelector:
                        kubernetes.io/arch: arm64
                      containers:
                        - name: web
                          image: registry.example.com/public/armonly:1.0
                """, configuration: "online: true\nplatforms: [linux/arm64]")
        ],
        configuration: """
            `platforms: [linux/amd64, linux/arm64]` in `.pullcheck.yaml` (or `--platform \
            linux/amd64,linux/arm64`): the platforms of the cluster's nodes; an index must offer at \
            least one of them.
            """,
        references: [
            .init("OCI image index", "https://github.com/opencontainers/image-spec/blob/main/image-index.md"),
            .init("Docker: multi-platform images", "https://docs.docker.com/build/building/multi-platform/"),
        ],
        isOnline: true)

    func check(_ answer: OnlineAnswer, _ context: inout RunRuleContext) {
        guard answer.result.status == .found, answer.result.platformAvailable == false else { return }
        let offered = answer.result.platforms.isEmpty ? "no platform at all" : answer.result.platforms.joined(separator: ", ")
        let wanted = answer.configuration.platforms.joined(separator: ", ")
        context.report(
            "\(answer.container.displayName) pulls \"\(answer.container.image)\", an index that offers only \(offered), not \(wanted); containerd fails the pull with \"no match for platform in manifest\" and the pod stays in ImagePullBackOff: push the image for \(wanted), or set platforms: in .pullcheck.yaml to the nodes' platforms",
            at: answer.container.imageSpan, pod: answer.pod, container: answer.container)
    }
}
