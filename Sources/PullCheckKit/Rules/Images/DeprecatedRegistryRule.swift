/// Registries (or repositories) that were frozen, moved or removed.
struct DeprecatedRegistryRule: ObjectRule {
    static let description = RuleDescription(
        id: "deprecated-registry",
        name: "Deprecated Registry",
        severity: .warning,
        summary: "The image comes from a registry that is frozen or gone (`k8s.gcr.io`, `docker.pkg.github.com`, Bitnami's old catalog).",
        details: """
            Checks each image against a small table of retired registries and repositories, with the \
            date and the announcement:

            - `k8s.gcr.io` (and `gcr.io/google-containers`, which backs it): frozen on 2023-04-03; \
            use `registry.k8s.io`.
            - `docker.pkg.github.com`: replaced by `ghcr.io`.
            - `docker.io/bitnami/...`: versioned images moved to the unmaintained `docker.io/bitnamilegacy` \
            in August and September 2025 (`sealed-secrets-controller` and `minideb` stayed).

            A frozen registry still serves the images it had, so an image pinned there by digest is \
            not reported; a removed one is reported even with a digest.
            """,
        rationale: """
            A frozen registry never gets the patch release you will need next, and a moved or removed \
            repository answers `not found`: the pod goes into `ImagePullBackOff` the next time a node \
            pulls, usually during an unrelated incident or a node upgrade.
            """,
        fix: "Pull from the replacement the message names (for Kubernetes images, `registry.k8s.io` with the same path).",
        triggeringExamples: [
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: proxy
                spec:
                  template:
                    spec:
                      containers:
                        - name: kube-proxy
                          image: ↓k8s.gcr.io/kube-proxy:v1.26.3
                        - name: cache
                          image: ↓bitnami/redis:7.2.4
                """)
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: proxy
                spec:
                  template:
                    spec:
                      containers:
                        - name: kube-proxy
                          image: registry.k8s.io/kube-proxy:v1.31.1
                        - name: pinned
                          image: k8s.gcr.io/pause@sha256:3d380ca8864549e74af4b29c10f9cb0956236dfb01c40ca076fb6c37253234db
                        - name: controller
                          image: bitnami/sealed-secrets-controller:0.27.1
                """)
        ],
        exceptions: "A private mirror that keeps the old name on purpose: suppress on the object.",
        references: [
            .init("k8s.gcr.io image registry freeze", "https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/"),
            .init(
                "Migrating from GitHub's Docker registry to the Container registry",
                "https://docs.github.com/packages/working-with-a-github-packages-registry/migrating-to-the-container-registry-from-the-docker-registry"
            ),
            .init("Upcoming changes to the Bitnami catalog", "https://github.com/bitnami/containers/issues/83267"),
        ])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                guard let reference = container.validReference, let image = container.image,
                    let retirement = KnownRegistries.retirement(for: reference),
                    context.override(for: image.value)?.setsName != true  // a kustomization replaces the name
                else { continue }
                if retirement.state == .frozen && reference.digest != nil { continue }
                let span = reference.domainRange.map { image.span(ofCharacters: $0) } ?? image.span(ofCharacters: reference.pathRange)
                context.report(
                    "\(container.displayName) pulls \"\(image.value)\": \(retirement.what); use \(retirement.replacement) (\(retirement.reference))",
                    at: span, container: container)
            }
        }
    }
}
