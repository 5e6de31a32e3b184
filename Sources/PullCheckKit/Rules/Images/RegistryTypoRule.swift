/// A registry host that is one or two letters away from a well-known one.
struct RegistryTypoRule: ObjectRule {
    static let description = RuleDescription(
        id: "registry-typo",
        name: "Registry Typo",
        severity: .warning,
        summary: "The registry host looks like a misspelling of a well-known registry (`docker.oi`, `ghrc.io`, `qauy.io`).",
        details: """
            Compares the image's registry host with well-known ones (Docker Hub's hosts, \
            registry.k8s.io, k8s.gcr.io, gcr.io and its regions, ghcr.io, quay.io, mcr.microsoft.com, \
            public.ecr.aws, registry.gitlab.com, nvcr.io and others). A host one edit away (a letter \
            missing, added, changed, or two neighbours swapped), or two edits away for names longer \
            than seven characters, is reported with the host it probably meant. So is a first \
            component with an uppercase letter and no dot or port (`Prom/statsd-exporter`): the \
            uppercase letter makes it a registry host instead of a Docker Hub account. Real registries with \
            similar names (icr.io, ocir.io, ...), every host the built-in public and \
            node-authenticated lists match (`b.gcr.io` is a real host under `*.gcr.io`), and every \
            host listed under `registries` in `.pullcheck.yaml` are never reported.
            """,
        rationale: """
            A misspelt host does not resolve: kubelet fails with `dial tcp: lookup ghrc.io: no such \
            host`, and the pod stays in `ImagePullBackOff`. A digest does not help: the host is still \
            wrong. Worse, a typo'd domain that someone registers would serve them your pulls.
            """,
        fix: "Correct the host; the message names the registry it probably meant.",
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
                      image: ↓ghrc.io/line/centraldogma:0.64.0
                    - name: proxy
                      image: ↓regsitry.k8s.io/ingress-nginx/controller:v1.11.2
                    - name: exporter
                      image: ↓Prom/statsd-exporter:v0.27.1
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
                      image: ghcr.io/line/centraldogma:0.64.0
                    - name: ibm
                      image: icr.io/ibm/app:1.0
                    - name: internal
                      image: registry.example.com/team/app:1.0
                """)
        ],
        configuration: """
            A host that the built-in registry lists or `registries` (`public`, `private` or \
            `node-authenticated`) in `.pullcheck.yaml` know, exactly or by a glob such as `*.gcr.io`, \
            is never a typo: list a host you really use there.
            """,
        exceptions: "A real registry with a name close to a well-known one: list it under `registries`.",
        references: [.init("Kubernetes: container images", "https://kubernetes.io/docs/concepts/containers/images/")])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        for pod in object.podSpecs {
            for container in pod.containers {
                guard let reference = container.validReference, let domainRange = reference.domainRange, let image = container.image,
                    let explanation = KnownRegistries.typoExplanation(for: reference, configuration: context.configuration),
                    context.override(for: image.value)?.setsName != true  // a kustomization replaces the name
                else { continue }
                context.report(
                    "\(container.displayName) image \"\(image.value)\": \(explanation)", at: image.span(ofCharacters: domainRange),
                    container: container)
            }
        }
    }
}
