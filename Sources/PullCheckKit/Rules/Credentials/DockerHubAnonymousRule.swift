import KubeletCredentials

/// A Docker Hub pull without credentials counts against the anonymous rate limit.
struct DockerHubAnonymousRule: RunRule {
    static let description = RuleDescription(
        id: "docker-hub-anonymous",
        name: "Anonymous Docker Hub Pull",
        severity: .info,
        enabledByDefault: false,
        summary: "A Docker Hub image is pulled without a matching credential, so it counts against the anonymous rate limit.",
        details: """
            Reports Docker Hub images (including short names such as `nginx`) for which none of the \
            pod's pull secrets holds a credential kubelet would match to Docker Hub, or that have no \
            pull secret at all. Secrets whose content cannot be read here (SealedSecrets, \
            ExternalSecrets) are assumed to hold one. Off by default: many clusters pull through a \
            mirror or a node-wide credential.
            """,
        rationale: """
            Docker Hub allows 100 pulls per 6 hours per IP address for anonymous users (200 for a \
            free account). Nodes behind one NAT address share that budget, so a rollout or a node \
            replacement can hit `429 Too Many Requests` and leave pods in `ImagePullBackOff`.
            """,
        fix: """
            Add a pull secret with a Docker Hub credential under `https://index.docker.io/v1/`, pull \
            through a registry mirror, or copy the image to your own registry.
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
                          image: ↓nginx:1.27
                """, configuration: "rules:\n  docker-hub-anonymous: on")
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: hub
                type: kubernetes.io/dockerconfigjson
                stringData:
                  .dockerconfigjson: '{"auths": {"https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"}}}'
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      imagePullSecrets:
                        - name: hub
                      containers:
                        - name: web
                          image: nginx:1.27
                        - name: app
                          image: ghcr.io/acme/app:1.0
                """, configuration: "rules:\n  docker-hub-anonymous: on")
        ],
        exceptions: "Clusters with a Docker Hub mirror or node-wide credentials: leave the rule off.",
        references: [
            .init("Docker Hub usage and rate limits", "https://docs.docker.com/docker-hub/usage/"),
            .init(
                "Kubernetes: pull an image from a private registry",
                "https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"),
        ])

    func check(_ facts: RunFacts, _ context: inout RunRuleContext) {
        for pod in facts.pods {
            let hubImages = facts.containers(of: pod).filter(\.isDockerHub)
            guard !hubImages.isEmpty else { continue }
            var keys: [String] = []
            var opaque = false
            for name in RunFacts.distinct(facts.pullSecretSource(for: pod).names) {
                guard let secret = facts.resolveSecret(name, for: pod.namespace) else { continue }
                if let credentials = secret.credentials {
                    keys += credentials.registryKeys
                } else if secret.isDockerRegistryType {
                    opaque = true
                }
            }
            guard !opaque else { continue }
            for container in hubImages {
                guard let reference = container.reference, !kubeletLookup(keys: keys, image: reference.normalizedName).matched
                else { continue }
                context.report(
                    "\(container.displayName) pulls \"\(container.image)\" from Docker Hub without a credential, so it counts against the anonymous limit of 100 pulls per 6 hours per address",
                    at: container.imageSpan, pod: pod, container: container)
            }
        }
    }
}
