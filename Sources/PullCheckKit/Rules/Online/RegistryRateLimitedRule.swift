import RegistryModel

/// The registry answered 429 Too Many Requests, even after the one wait allowed.
struct RegistryRateLimitedRule: OnlineRule {
    static let description = RuleDescription(
        id: "registry-rate-limited",
        name: "Registry Rate Limited",
        severity: .warning,
        summary: "The registry rate-limits pulls of the image (429 Too Many Requests).",
        details: """
            With `--online`, pullcheck reports a `429 Too Many Requests` that persists after one wait \
            of at most 5 seconds on `Retry-After`, with the `Retry-After` and `ratelimit-remaining` the \
            registry sent. Whether the image exists stays unknown.
            """,
        rationale: """
            Nodes that share an address share the limit: Docker Hub allows 100 anonymous pulls per 6 \
            hours per IPv4 address (200 for a free account). Past it, kubelet's pulls fail with \
            `toomanyrequests` and pods sit in `ImagePullBackOff` until the window passes.
            """,
        fix: """
            Authenticate pulls (a pull secret for an account with a higher limit), pull through a \
            mirror or a pull-through cache, or pin by digest with `imagePullPolicy: IfNotPresent` so \
            nodes pull once.
            """,
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
                          image: ↓ratelimited.example.com/app:1.0
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
                      containers:
                        - name: web
                          image: registry.example.com/public/app:1.0
                """, configuration: "online: true")
        ],
        exceptions: "A one-off limit hit while pullcheck itself ran many lookups: rerun later (answers are cached).",
        references: [
            .init("Docker Hub pull usage and limits", "https://docs.docker.com/docker-hub/usage/pulls/"),
            .init("RFC 6585: 429 Too Many Requests", "https://www.rfc-editor.org/rfc/rfc6585#section-4"),
        ],
        isOnline: true)

    func check(_ answer: OnlineAnswer, _ context: inout RunRuleContext) {
        guard answer.result.status == .rateLimited else { return }
        var text =
            "\(answer.container.displayName) pulls \"\(answer.container.image)\", but \(answer.reference.domain) rate-limits pulls (HTTP 429)"
        var details: [String] = []
        if let retry = answer.result.retryAfter { details.append("Retry-After \(RegistryUnreachableRule.seconds(retry)) s") }
        if let remaining = answer.result.rateLimitRemaining { details.append("ratelimit-remaining \(remaining)") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        text +=
            "; nodes that pull now fail with \"toomanyrequests\" and the pod waits in ImagePullBackOff: authenticate pulls, use a mirror, or pin by digest with imagePullPolicy: IfNotPresent"
        context.report(text, at: answer.container.imageSpan, pod: answer.pod, container: answer.container)
    }
}
