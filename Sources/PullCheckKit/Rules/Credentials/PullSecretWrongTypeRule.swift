/// The named Secret exists but kubelet does not read it as a pull secret.
struct PullSecretWrongTypeRule: RunRule {
    static let description = RuleDescription(
        id: "pull-secret-wrong-type",
        name: "Pull Secret of the Wrong Type",
        severity: .error,
        summary: "`imagePullSecrets` names a Secret that is not of a docker-registry type, which kubelet ignores.",
        details: """
            kubelet reads pull credentials only from Secrets of type `kubernetes.io/dockerconfigjson` \
            (key `.dockerconfigjson`) or `kubernetes.io/dockercfg` (key `.dockercfg`). This rule \
            reports a pull secret that resolves to a Secret (or a SealedSecret or ExternalSecret that \
            creates one) of any other type, `Opaque` included, which is also what a Secret without \
            `type` gets.
            """,
        rationale: """
            kubelet skips the secret without a word: no event, no log line at the default level. The \
            pull goes out unauthenticated and fails with `unauthorized`, which sends people looking \
            at the registry and the password instead of the Secret's type.
            """,
        fix: """
            Set `type: kubernetes.io/dockerconfigjson` with the key `.dockerconfigjson` \
            (`kubectl create secret docker-registry` does both). For a SealedSecret set \
            `spec.template.type`, for an ExternalSecret `spec.target.template.type`.
            """,
        triggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: regcred
                data:
                  .dockerconfigjson: eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJhdXRoIjoiZFhObGNqcHdZWE56In19fQ==
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api
                spec:
                  imagePullSecrets:
                    - name: ↓regcred
                  containers:
                    - name: api
                      image: registry.example.com/team/api:2.1
                """)
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: bitnami.com/v1alpha1
                kind: SealedSecret
                metadata:
                  name: regcred
                spec:
                  encryptedData:
                    .dockerconfigjson: AgBy8hQ...
                  template:
                    type: kubernetes.io/dockerconfigjson
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
                      image: registry.example.com/team/api:2.1
                """)
        ],
        exceptions: "None: kubelet does not read such a secret.",
        references: [
            .init(
                "Kubernetes: Secret types (docker config secrets)",
                "https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets"),
            .init(
                "Kubernetes: pull an image from a private registry",
                "https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"),
        ])

    func check(_ facts: RunFacts, _ context: inout RunRuleContext) {
        facts.forEachPullSecretReference { item in
            guard let message = Self.problem(item.reference, namespace: item.namespace, facts: facts) else { return }
            context.report(
                "imagePullSecrets of \(item.object) names \(message)", at: item.reference.span, file: item.file, input: item.input,
                object: item.object, ordinal: item.objectOrdinal)
        }
    }

    static func problem(_ reference: NameReference, namespace: String?, facts: RunFacts) -> String? {
        guard let name = reference.name, let secret = facts.resolveSecret(name, for: namespace), !secret.isDockerRegistryType
        else { return nil }
        let kind = secret.origin.rawValue
        let origin = secret.origin == .secret ? "a Secret" : "\(kind.hasPrefix("E") ? "an" : "a") \(kind) that creates a Secret"
        return
            "\(name), \(origin) of type \(secret.type); kubelet only reads kubernetes.io/dockerconfigjson and kubernetes.io/dockercfg secrets and ignores this one without a word, so private images fail with unauthorized"
    }
}
