/// A docker-registry Secret that kubelet cannot use.
struct InvalidDockerConfigJSONRule: ObjectRule {
    static let description = RuleDescription(
        id: "invalid-dockerconfigjson",
        name: "Invalid Docker Config Secret",
        severity: .error,
        summary:
            "A `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg` Secret is broken in a way that makes kubelet's pulls fail.",
        details: """
            Decodes the Secret as the API server and kubelet do (`data` as standard base64, \
            `stringData` as plain text, both parsed with Go's JSON rules) and reports: the required \
            key (`.dockerconfigjson` / `.dockercfg`) missing; a `data` value that is not valid base64; \
            decoded bytes that are not JSON or not a JSON object; a `.dockerconfigjson` without an \
            `auths` object (the legacy `.dockercfg` layout, which kubelet silently ignores) or with an \
            empty one; an entry that is not an object; an `auth` that is not valid base64 (padded or \
            not, as kubelet decides) or does not decode to `user:password`; an entry with neither \
            `auth` nor `username` and `password`; fields that are not strings; registry keys kubelet \
            cannot parse. Findings point at the fault's character in a one-line `stringData` value, \
            at its line in a literal block, and at the value otherwise. No message ever contains a \
            decoded credential.
            """,
        rationale: """
            What kubelet does depends on the fault. If its JSON decoding fails, it fails every image \
            pull of every pod that names the secret, public images included: one broken pull secret \
            takes down every workload that lists it. If the layout is wrong or an entry holds no \
            credential, kubelet drops it without a word and pulls anonymously, so private images \
            fail with `unauthorized` far away from the cause. The API server itself rejects a Secret \
            whose data is not base64 or not a JSON object.
            """,
        fix: """
            Recreate the secret with `kubectl create secret docker-registry regcred \
            --docker-server=registry.example.com --docker-username=... --docker-password=... \
            --dry-run=client -o yaml`, which writes the right layout: \
            `{"auths": {"registry.example.com": {"auth": "<base64 of user:password>"}}}`.
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
                  .dockerconfigjson: '↓{"registry.example.com": {"auth": "dXNlcjpwYXNz"}}'
                """),
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: regcred
                type: kubernetes.io/dockerconfigjson
                stringData:
                  .dockerconfigjson: |
                    {"auths": {
                      "registry.example.com": {"auth": "not↓ base64!"}
                    }}
                """),
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: regcred
                type: ↓kubernetes.io/dockerconfigjson
                data:
                  config.json: e30=
                """),
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: regcred
                type: kubernetes.io/dockerconfigjson
                data:
                  .dockerconfigjson: eyJhdXRocyI6e319↓!
                """, excludeFromDocumentation: true),
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
                  .dockerconfigjson: '{"auths": {"registry.example.com": {"auth": "dXNlcjpwYXNz"}}}'
                """),
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: settings
                type: Opaque
                data:
                  config.json: not-checked
                """, excludeFromDocumentation: true),
        ],
        exceptions: "None: kubelet cannot use such a secret.",
        references: [
            .init(
                "Kubernetes: pull an image from a private registry",
                "https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"),
            .init(
                "Kubernetes: Secret types (docker config secrets)",
                "https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets"),
        ])

    func check(_ object: ManifestObject, _ context: inout ObjectRuleContext) {
        guard let secret = object.secret else { return }
        for problem in secret.dockerConfigProblems {
            context.report(
                "Secret \(secret.secretName ?? object.name ?? "<unnamed>"): \(problem.message)", at: problem.span,
                blockIndentation: problem.indentation)
        }
    }
}
