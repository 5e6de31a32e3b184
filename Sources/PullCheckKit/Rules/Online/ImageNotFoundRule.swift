import RegistryModel
import TextSupport

/// The registry has no manifest for the tag or digest (`manifest unknown`), or no such repository.
struct ImageNotFoundRule: OnlineRule {
    static let description = RuleDescription(
        id: "image-not-found",
        name: "Image Not Found",
        severity: .error,
        summary: "The registry says the image's tag, digest or repository does not exist.",
        details: """
            With `--online`, pullcheck asks the image's registry for the manifest (an HTTP `HEAD`, with \
            the credentials kubelet would use) and reports a 404. It then reads the repository's tag \
            list where it is readable, to say whether only the tag is missing or the whole repository, \
            and names the nearest existing tags. A 404 from a mirror configured in the nodes' \
            `hosts.toml` moves on to the next host, as containerd does.
            """,
        rationale: """
            kubelet's pull fails with `manifest unknown` / `not found`; the pod sits in `ErrImagePull` \
            and then `ImagePullBackOff`, retried with a back-off of up to five minutes, and a rollout \
            that needs it never completes.
            """,
        fix: "Use a tag or digest that exists (push the image first, or fix the tag).",
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
                          image: ↓registry.example.com/public/app:1.27.4
                """, configuration: "online: true"),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - name: web
                      image: ↓registry.example.com/public/ap:1.0
                """, configuration: "online: true", excludeFromDocumentation: true),
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
                          image: registry.example.com/public/app:1.27.3
                """, configuration: "online: true")
        ],
        exceptions: """
            An image that a pipeline pushes after the manifests are checked: run the online check \
            after the push, or suppress the finding for that object.
            """,
        references: [
            .init(
                "OCI distribution spec: pulling manifests",
                "https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests"),
            .init("Kubernetes: ImagePullBackOff", "https://kubernetes.io/docs/concepts/containers/images/#imagepullbackoff"),
        ],
        isOnline: true)

    func check(_ answer: OnlineAnswer, _ context: inout RunRuleContext) {
        guard answer.result.status == .notFound else { return }
        context.report(
            Self.message(answer), at: answer.container.imageSpan, pod: answer.pod, container: answer.container)
    }

    static func message(_ answer: OnlineAnswer) -> String {
        let result = answer.result
        let lookup = answer.lookup
        let registry = answer.reference.domain
        var text = "\(answer.container.displayName) pulls \"\(answer.container.image)\", but "
        if result.repositoryExists == false {
            text += "\(registry) has no repository \(lookup.repository) (NAME_UNKNOWN)"
        } else if let digest = lookup.digest {
            text += "\(registry) has no manifest \(digest) in \(lookup.repository)"
        } else {
            text += "\(registry) has no tag \"\(lookup.tag ?? "latest")\" in \(lookup.repository) (manifest unknown)"
        }
        text += "; kubelet's pull fails with \"not found\" and the pod stays in ImagePullBackOff"
        if lookup.digest == nil {
            let nearest = Self.nearestTags(to: lookup.tag ?? "latest", in: result.tags)
            if !nearest.isEmpty {
                text += "; did you mean " + nearest.map { "\"\($0)\"" }.joined(separator: " or ") + "?"
            }
        }
        return text
    }

    /// Up to two existing tags closest to `tag` by edit distance (ties: the later version first).
    static func nearestTags(to tag: String, in tags: [String]) -> [String] {
        guard !tags.isEmpty else { return [] }
        let limit = max(2, tag.count / 3)
        let scored = tags.prefix(10_000).compactMap { candidate -> (String, Int)? in
            guard abs(candidate.count - tag.count) <= limit else { return nil }
            let distance = editDistance(tag, candidate)
            return distance <= limit ? (candidate, distance) : nil
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 > $1.0 }.prefix(2).map(\.0)
    }
}
