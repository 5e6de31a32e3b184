import TextSupport

/// A tag that is a near miss of `latest`: the registry answers "manifest unknown".
public struct TagTypoRule: ObjectRule {
    static let description = RuleDescription(
        id: "tag-typo",
        name: "Tag Typo",
        severity: .warning,
        summary: "The tag looks like a misspelling of `latest` (`lates`, `lastest`, `Latest`, ...).",
        details: """
            Reports tags that differ from `latest` only in letter case (`Latest`, `LATEST`: tags are \
            case-sensitive) or by one edit (a letter missing, added, changed, or two neighbours swapped: \
            `lates`, `lastest`, `latets`, `latset`), and seven-letter tags two edits away that start \
            with `la` or end with `st`; only tags made of letters are considered. Real words such as `test`, `last` and `late` are not reported. \
            An image pinned by digest is not checked: the runtime pulls the digest and ignores the tag.
            """,
        rationale: """
            The registry has no such tag, so every pull fails with `manifest unknown` and the pod \
            sits in `ImagePullBackOff`, retried with a growing back-off up to five minutes.
            """,
        fix: "Use the tag you meant; better, a version tag or a digest instead of `latest`.",
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
                      image: nginx:↓lates
                    - name: sidecar
                      image: "envoyproxy/envoy:↓Latest"
                    - name: tools
                      image: busybox:↓lastest
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
                    - name: tests
                      image: registry.example.com/team/app:test
                    - name: pinned
                      image: nginx:lates@sha256:0a6e8a0f3ad0d6b4e3f5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2
                """)
        ],
        exceptions: "A registry that really has such a tag; suppress the finding on that object.",
        references: [.init("Kubernetes: image names and tags", "https://kubernetes.io/docs/concepts/containers/images/#image-names")])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                guard let reference = container.validReference, reference.digest == nil, let tag = reference.tag,
                    Self.isLatestTypo(tag), let image = container.image
                else { continue }
                let span = reference.tagRange.map { image.span(ofCharacters: $0) } ?? image.span
                context.report(
                    "\(container.displayName) image \"\(image.value)\" has the tag \"\(tag)\", which looks like a misspelling of \"latest\"; the registry will answer \"manifest unknown\" and the pod stays in ImagePullBackOff",
                    at: span, container: container)
            }
        }
    }

    /// Words near `latest` that are real tags.
    static let realWords: Set<String> = ["test", "last", "late", "lts", "latent", "tests", "lastly", "slate", "stable"]

    public static func isLatestTypo(_ tag: String) -> Bool {
        // Cheap rejections first (this runs for every tag): near misses of "latest" are 5 to 8
        // ASCII letters.
        guard (5...8).contains(tag.utf8.count), tag != "latest",
            tag.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) })
        else { return false }
        let lower = tag.lowercased()
        if lower == "latest" { return true }
        guard !realWords.contains(lower), (5...8).contains(lower.count) else { return false }
        let distance = editDistance(lower, "latest", limit: 2)
        if distance == 1 { return true }
        return distance == 2 && lower.count == 7 && (lower.hasPrefix("la") || lower.hasSuffix("st"))
    }
}
