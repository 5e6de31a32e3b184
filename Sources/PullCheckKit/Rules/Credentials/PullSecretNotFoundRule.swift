/// `imagePullSecrets` names a Secret that is not in the run.
struct PullSecretNotFoundRule: RunRule {
    static let description = RuleDescription(
        id: "pull-secret-not-found",
        name: "Pull Secret Not Found",
        severity: .warning,
        summary: "`imagePullSecrets` names a Secret that the linted manifests do not define.",
        details: """
            Looks up each name in a pod's (or ServiceAccount's) `imagePullSecrets` among the Secrets, \
            SealedSecrets (their `spec.template`) and ExternalSecrets (their `spec.target`) of the \
            project: the files of the run and, when a run names only some files (pre-commit, an \
            editor), the project's other manifests too. A missing Secret is reported only on evidence \
            that the manifests should hold it: the same application ships Secrets (the nearest folder \
            with a `kustomization.yaml`, the Helm chart, or else the same folder), or a Secret is \
            written into the same explicit namespace, or `manifests-complete: true` says the run is \
            the whole picture. In a monorepo of independent samples, one sample's Secret says \
            nothing about another's `kubectl create secret`. A Secret of that name that exists only \
            in another, explicitly different namespace is always reported: pods can only use pull \
            secrets from their own namespace. Objects without `metadata.namespace` can be applied \
            anywhere, so they are never reported as being in the wrong namespace. Names listed under \
            `external-secrets` are never reported.
            """,
        rationale: """
            kubelet looks the secret up in the pod's namespace; when it is missing, it logs a warning \
            and pulls without it, so a private image fails with `unauthorized` and the pod sits in \
            `ImagePullBackOff`.
            """,
        fix: """
            Create the secret in the pod's namespace (or fix the name). If it is created outside these \
            manifests (by hand, by a controller), add its name to `external-secrets` in `.pullcheck.yaml`.
            """,
        triggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: regcred
                  namespace: build
                type: kubernetes.io/dockerconfigjson
                stringData:
                  .dockerconfigjson: '{"auths": {"registry.example.com": {"auth": "dXNlcjpwYXNz"}}}'
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                  namespace: prod
                spec:
                  imagePullSecrets:
                    - name: ↓regcred
                  containers:
                    - name: api
                      image: registry.example.com/team/api:2.1
                """),
            Example("""
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
                    - name: ↓regcreds
                  containers:
                    - name: api
                      image: registry.example.com/team/api:2.1
                """),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                  namespace: prod
                spec:
                  imagePullSecrets:
                    - name: regcred
                  containers:
                    - name: api
                      image: registry.example.com/team/api:2.1
                """),
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: other
                type: Opaque
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                spec:
                  imagePullSecrets:
                    - name: vault-regcred
                  containers:
                    - name: api
                      image: registry.example.com/team/api:2.1
                """, configuration: "external-secrets: [vault-regcred]"),
        ],
        configuration: """
            ```yaml
            manifests-complete: true          # every Secret the pods need is in the linted files
            external-secrets: [regcred, prod/vault-regcred]   # created elsewhere; never reported
            ```
            """,
        exceptions: "Secrets created outside the manifests: list them under `external-secrets`.",
        references: [
            .init("Kubernetes: specifying imagePullSecrets on a Pod", "https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod")
        ])

    func check(_ facts: RunFacts, _ context: inout RunRuleContext) {
        for item in facts.pullSecretReferences {
            guard
                let message = Self.problem(
                    item.reference, namespace: item.namespace, unit: item.unit, facts: facts, configuration: context.configuration)
            else { continue }
            context.report(
                "imagePullSecrets of \(item.object) names \(message)", at: item.reference.span, file: item.file,
                object: item.object, ordinal: item.objectOrdinal)
        }
    }

    static func problem(_ reference: NameReference, namespace: String?, unit: String, facts: RunFacts, configuration: Configuration)
        -> String?
    {
        guard let name = reference.name else { return nil }
        guard facts.secrets(named: name, for: namespace).isEmpty else { return nil }
        guard !configuration.isExternalSecret(name: name, namespace: namespace) else { return nil }
        let elsewhere = facts.secretsElsewhere(named: name, for: namespace).compactMap(\.namespace)
        if let other = elsewhere.first, let namespace {
            return "secret \(name), which exists in namespace \(other), but the pod runs in \(namespace); kubelet only reads pull secrets from the pod's own namespace and pulls without it"
        }
        guard configuration.manifestsComplete || facts.shouldHoldSecrets(unit: unit, namespace: namespace) else { return nil }
        // "Did you mean": the nearest name within two edits (skipped for huge runs).
        let known = facts.secretNames(for: namespace).sorted()
        let nearest = known.count > 5_000 ? nil : known.map { ($0, editDistance(name, $0, limit: 2)) }.min { $0.1 < $1.1 }
        let hint = nearest.flatMap { $0.1 <= 2 ? " (did you mean \($0.0)?)" : nil } ?? ""
        return "secret \(name)\(hint), which no manifest of the project defines; kubelet pulls without it, and private images fail with unauthorized"
    }
}
