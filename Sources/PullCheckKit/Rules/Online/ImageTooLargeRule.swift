import RegistryModel

/// The compressed image for the nodes' platform is larger than the configured limit.
struct ImageTooLargeRule: OnlineRule {
    static let description = RuleDescription(
        id: "image-too-large",
        name: "Image Too Large",
        severity: .info,
        enabledByDefault: false,
        summary: "The image's compressed size for the nodes' platform is above a limit (default 2 GiB).",
        details: """
            With `--online` and this rule on, pullcheck reads the image's manifest for the first \
            configured platform (a `GET`; for an index, two) and adds up the compressed sizes of its \
            config and layers, as the registry declares them. It reports images above \
            `image-size-limit` (default `2GiB`).
            """,
        rationale: """
            Every node that starts the pod first downloads all of it: large images make scale-ups and \
            rollouts slow, and a pull that makes no progress for kubelet's `runtimeRequestTimeout` \
            (2 minutes by default) is cancelled and retried with a back-off.
            """,
        fix:
            "Shrink the image (multi-stage builds, a slim base, no build tools or caches in the final stage), or pre-pull it onto the nodes.",
        triggeringExamples: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: trainer
                spec:
                  template:
                    spec:
                      containers:
                        - name: trainer
                          image: ↓registry.example.com/public/big:1.0
                """, configuration: "online: true\nrules:\n  image-too-large: on")
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: trainer
                spec:
                  template:
                    spec:
                      containers:
                        - name: trainer
                          image: registry.example.com/public/big:1.0
                """, configuration: "online: true\nimage-size-limit: 4GiB\nrules:\n  image-too-large: on")
        ],
        configuration: "`image-size-limit: 2GiB` in `.pullcheck.yaml` (bytes, or with KB, MB, GB, KiB, MiB, GiB).",
        references: [
            .init("Kubernetes: kubelet runtimeRequestTimeout", "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/"),
            .init("Docker: multi-stage builds", "https://docs.docker.com/build/building/multi-stage/"),
        ],
        isOnline: true)

    func check(_ answer: OnlineAnswer, _ context: inout RunRuleContext) {
        guard answer.result.status == .found, let size = answer.result.size, size > answer.configuration.imageSizeLimit else { return }
        let platform = answer.configuration.platforms.first ?? "linux/amd64"
        context.report(
            "\(answer.container.displayName) pulls \"\(answer.container.image)\", \(OnlineConfiguration.formatSize(size)) compressed for \(platform) (the limit is \(OnlineConfiguration.formatSize(answer.configuration.imageSizeLimit))); every node downloads all of it before the pod starts, slowing rollouts and scale-ups",
            at: answer.container.imageSpan, pod: answer.pod, container: answer.container)
    }
}
