/// `imagePullPolicy: Always` on an image that cannot change.
struct AlwaysPullImmutableRule: ObjectRule {
    static let description = RuleDescription(
        id: "always-pull-immutable",
        name: "Always Pull an Immutable Image",
        severity: .warning,
        summary:
            "`imagePullPolicy: Always` on an image pinned by digest (or by an immutable tag) makes every start depend on the registry.",
        details: """
            Reports an explicit `imagePullPolicy: Always` on an image with a digest, or on a tag that \
            matches one of the `immutable-tags` patterns in `.pullcheck.yaml` (none by default: only \
            you know which of your tags are never overwritten, for instance with a registry's tag \
            immutability setting). The finding points at the policy's value.
            """,
        rationale: """
            A digest names exactly one image, so pulling it again can never bring anything new. With \
            `Always`, kubelet still contacts the registry on every container start: each start costs \
            rate-limit budget (Docker Hub allows 100 anonymous pulls per 6 hours per address), and \
            while the registry is down or unreachable, pods cannot start or restart, going into \
            `ImagePullBackOff` although the image is already on the node. `IfNotPresent` pulls once per \
            node and then uses the local copy.

            The other side: in a multi-tenant cluster, `Always` is also how kubelet re-checks that a \
            pod's pull secret grants access to a private image another tenant already pulled onto the \
            node. Until the kubelet feature `KubeletEnsureSecretPulledImages` is enabled, `IfNotPresent` \
            lets any pod on the node run a cached private image without credentials. If you rely on \
            `Always` (or on the `AlwaysPullImages` admission plugin) for that, disable this rule.
            """,
        fix: "Use `imagePullPolicy: IfNotPresent` (or leave it out: with a digest the API server defaults it to `IfNotPresent`).",
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
                          image: nginx@sha256:0a6e8a0f3ad0d6b4e3f5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2
                          imagePullPolicy: ↓Always
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                spec:
                  containers:
                    - name: api
                      image: registry.example.com/team/api:v2.4.1
                      imagePullPolicy: ↓Always
                """, configuration: "immutable-tags: [\"v*.*.*\"]"),
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
                          image: nginx@sha256:0a6e8a0f3ad0d6b4e3f5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2
                          imagePullPolicy: IfNotPresent
                        - name: edge
                          image: registry.example.com/team/edge:main
                          imagePullPolicy: Always
                """)
        ],
        configuration: """
            `immutable-tags` lists glob patterns (`*` any characters, `?` one) of tags that are never \
            overwritten in your registries, for example:

            ```yaml
            immutable-tags: ["v*.*.*", "sha-*"]
            ```
            """,
        exceptions: """
            Multi-tenant clusters that depend on `Always` to re-check pull credentials for cached \
            private images (see above): switch the rule off there with `always-pull-immutable: off`.
            """,
        references: [
            .init("Kubernetes: image pull policy", "https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy"),
            .init(
                "Kubernetes: ensure image pull credential verification",
                "https://kubernetes.io/docs/concepts/containers/images/#ensureimagepullcredentialverification"),
            .init("Docker Hub usage and rate limits", "https://docs.docker.com/docker-hub/usage/"),
        ])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                guard let policy = container.imagePullPolicy, policy.value == "Always", let reference = container.validReference,
                    let image = container.image
                else { continue }
                if reference.digest != nil {
                    context.report(
                        "\(container.displayName) pulls \"\(image.value)\" with imagePullPolicy Always although the digest pins it: every start contacts the registry (rate limits, outages) for an image that cannot change; use IfNotPresent",
                        at: policy.span, container: container)
                } else if let tag = reference.tag, context.configuration.isImmutableTag(tag) {
                    context.report(
                        "\(container.displayName) pulls \"\(image.value)\" with imagePullPolicy Always although its tag \"\(tag)\" is configured as immutable: every start contacts the registry for an image that cannot change; use IfNotPresent",
                        at: policy.span, container: container)
                }
            }
        }
    }
}
