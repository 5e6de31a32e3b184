import KubeletCredentials

/// Every pull secret is there and valid, yet none of them holds a key kubelet matches to the image.
struct PullSecretRegistryMismatchRule: RunRule {
    static let description = RuleDescription(
        id: "pull-secret-registry-mismatch",
        name: "Pull Secret for Another Registry",
        severity: .error,
        summary: "The pod's pull secrets are all valid, but none holds a credential kubelet would use for the image's registry.",
        details: """
            Runs only when every pull secret kubelet will get for the pod (its own `imagePullSecrets`, \
            or its ServiceAccount's when it names none) is in the run, readable and valid; secrets \
            whose content cannot be read here (SealedSecrets, ExternalSecrets) make the check stand \
            down. Each private image is then matched against all their registry keys as kubelet's \
            keyring matches: the scheme is ignored; host and port must be equal; a `*` matches \
            exactly one dot-separated label, and the number of labels must agree; a key with a path \
            matches as a string prefix of the image's path; `/v1/` and `/v2/` are dropped from a key. \
            Docker Hub credentials count only under `docker.io`, `index.docker.io` or \
            `https://index.docker.io/v1/` (with the slash). The message names the nearest key and \
            why it does not match.
            """,
        rationale: """
            kubelet offers the registry no credential, the pull is anonymous, and a private image \
            fails with `unauthorized` although the secret is right there, which makes this one of \
            the hardest `ImagePullBackOff` causes to see: `kubectl describe` shows the secret attached.
            """,
        fix: """
            Make the secret's key the image's registry host exactly as the image writes it, with the \
            port if there is one: `registry.example.com:5000`. For Docker Hub use \
            `https://index.docker.io/v1/`. `kubectl create secret docker-registry \
            --docker-server=<host>` writes the key.
            """,
        triggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: regcred
                type: kubernetes.io/dockerconfigjson
                stringData:
                  .dockerconfigjson: '{"auths": {"registry.example.com": {"auth": "dXNlcjpwYXNz"}}}'
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                spec:
                  imagePullSecrets:
                    - name: regcred
                  containers:
                    - name: api
                      image: ↓registry.example.com:5000/team/api:2.1
                """),
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: hub
                type: kubernetes.io/dockerconfigjson
                stringData:
                  .dockerconfigjson: '{"auths": {"https://index.docker.io/v1": {"auth": "dXNlcjpwYXNz"}}}'
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                spec:
                  imagePullSecrets:
                    - name: hub
                  containers:
                    - name: api
                      image: ↓mycompany/private-api:2.1
                """, configuration: "registries:\n  private: [docker.io]"),
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: regcred
                type: kubernetes.io/dockerconfigjson
                stringData:
                  .dockerconfigjson: '{"auths": {"https://registry.example.com:5000/v2/": {"auth": "dXNlcjpwYXNz"}, "*.corp.example": {"username": "u", "password": "p"}}}'
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                spec:
                  imagePullSecrets:
                    - name: regcred
                  containers:
                    - name: api
                      image: registry.example.com:5000/team/api:2.1
                    - name: tools
                      image: build.corp.example/tools/ci:1.4
                    - name: web
                      image: nginx:1.27
                """)
        ],
        exceptions: """
            Nodes that hold credentials for the registry themselves (a credential provider or a \
            node-wide config): list the registry as `node-authenticated` in `.pullcheck.yaml`.
            """,
        references: [
            .init(
                "Kubernetes: how kubelet matches registry credentials (interpretation of config.json)",
                "https://kubernetes.io/docs/concepts/containers/images/#config-json"),
            .init(
                "Kubernetes: pull an image from a private registry",
                "https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"),
        ])

    /// The usable keys of one set of pull secrets, prepared once, and the images matched so far
    /// (a class: updated in place, never copied per pod).
    private final class Keyring {
        let keys: [String]
        let prepared: PreparedKeyring
        var images: [String: Bool] = [:]

        init(keys: [String]) {
            self.keys = keys
            prepared = PreparedKeyring(keys: keys)
        }
    }

    func check(_ facts: RunFacts, _ context: inout RunRuleContext) {
        // Pods share secrets and registries: resolve each set of pull secrets once (nil when
        // one of them is unknown, unreadable or unusable) and match each image once. A Secret
        // listed twice counts once.
        var keyrings: [String: Keyring?] = [:]
        for pod in facts.pods {
            let names = RunFacts.distinct(facts.pullSecretSource(for: pod).names)
            guard !names.isEmpty else { continue }
            let identity = (pod.namespace ?? "") + "\u{0}" + names.joined(separator: "\u{0}")
            let keyring: Keyring?
            if let known = keyrings[identity] {
                keyring = known
            } else {
                keyring = Self.keyring(names, namespace: pod.namespace, facts: facts)
                keyrings[identity] = .some(keyring)
            }
            guard let keyring else { continue }
            let secretNames = names.joined(separator: ", ")
            for container in facts.containers(of: pod) where container.isPrivate {
                guard let reference = container.reference else { continue }
                let verdict = facts.registryVerdict(reference, for: pod, configuration: context.configuration)
                guard verdict.visibility == .private || verdict.visibility == .unknown else { continue }
                let image = reference.normalizedName
                let matched = keyring.images[image] ?? keyring.prepared.lookup(image: image).matched
                keyring.images[image] = matched
                guard !matched else { continue }
                var message =
                    "\(container.displayName) pulls \"\(container.image)\" from \(reference.domain), but no key in its pull secrets (\(secretNames)) matches that registry as kubelet matches them"
                if let nearest = nearestKeyExplanation(keys: keyring.keys, image: image) { message += ": \(nearest)" }
                if verdict.visibility == .private {
                    message += "; the pull goes out unauthenticated and fails"
                    context.report(message, at: container.domainSpan, pod: pod, container: container)
                } else {
                    message +=
                        "; the pull goes out unauthenticated, which fails unless \(reference.domain) is public (pullcheck does not know: declare it under registries.public or registries.private)"
                    context.report(message, at: container.domainSpan, pod: pod, container: container, severity: context.guessSeverity)
                }
            }
        }
    }

    /// The keys of a pod's pull secrets when every one is in the run, readable and usable.
    private static func keyring(_ names: [String], namespace: String?, facts: RunFacts) -> Keyring? {
        var keys: [String] = []
        var seen = Set<String>()
        for name in names {
            guard let secret = facts.resolveSecret(name, for: namespace),
                secret.isDockerRegistryType, let credentials = secret.credentials, credentials.isUsable
            else { return nil }
            for key in credentials.registryKeys where seen.insert(key).inserted { keys.append(key) }
        }
        return keys.isEmpty ? nil : Keyring(keys: keys)
    }
}
