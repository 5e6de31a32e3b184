import RegistryModel

/// The registry refuses the credentials kubelet would present for the container (or anonymous access).
struct PullUnauthorizedRule: OnlineRule {
    static let description = RuleDescription(
        id: "pull-unauthorized",
        name: "Pull Unauthorized",
        severity: .error,
        summary: "The registry refuses the credentials the pod would pull with.",
        details: """
            With `--online`, pullcheck asks the registry with exactly the credentials kubelet would \
            present for the container: the entries of the pod's `imagePullSecrets` (else its \
            ServiceAccount's) whose registry key matches the image, in kubelet's order, each tried \
            until one gets in; with none, an anonymous pull. It reports when all of them are refused \
            (401 or 403, or a token server that denies the scope), naming the Secret and key tried, or \
            saying that anonymous access was denied. When your own credentials (docker or podman \
            config) can see the image, the message says that the image exists and only the pod cannot \
            pull it. Pods whose pull secrets are not in the manifests (or are sealed, or added at \
            admission) are not judged: pullcheck cannot know what they hold.
            """,
        rationale: """
            kubelet's pull fails with `unauthorized` / `pull access denied`; the pod sits in \
            `ErrImagePull` and then `ImagePullBackOff`. A wrong password, an expired token or a robot \
            account without access to the repository all look the same from the pod.
            """,
        fix: """
            Give the pod a pull secret whose credential can read the repository (check the user's \
            access to it, renew an expired token), or make the repository public.
            """,
        triggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: regcred
                  namespace: shop
                type: kubernetes.io/dockerconfigjson
                data:
                  # {"auths":{"registry.example.com":{"username":"alice","password":"expired"}}}
                  .dockerconfigjson: eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJ1c2VybmFtZSI6ImFsaWNlIiwicGFzc3dvcmQiOiJleHBpcmVkIn19fQ==
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: shop
                spec:
                  template:
                    spec:
                      imagePullSecrets:
                        - name: regcred
                      containers:
                        - name: web
                          image: ↓registry.example.com/private/app:1.0
                """, configuration: "online: true"),
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: web
                  namespace: shop
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  namespace: shop
                spec:
                  serviceAccountName: web
                  containers:
                    - name: web
                      image: ↓registry.example.com/private/app:1.0
                """, configuration: "online: true"),
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  namespace: shop
                spec:
                  containers:
                    - name: web
                      image: registry.example.com/public/app:1.0
                """, configuration: "online: true"),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  namespace: shop
                spec:
                  imagePullSecrets:
                    - name: made-by-the-cluster-admin
                  containers:
                    - name: web
                      image: registry.example.com/private/app:1.0
                """, configuration: "online: true", excludeFromDocumentation: true),
        ],
        exceptions: """
            Nodes that hold credentials of their own for the registry (a kubelet credential provider, \
            a node-wide docker config): list the registry under `registries.node-authenticated`, and \
            pullcheck checks it with your own credentials only.
            """,
        references: [
            .init(
                "Kubernetes: pull an image from a private registry",
                "https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"),
            .init("Docker registry token authentication", "https://distribution.github.io/distribution/spec/auth/token/"),
        ],
        isOnline: true)

    func check(_ answer: OnlineAnswer, _ context: inout RunRuleContext) {
        guard answer.result.status == .unauthorized else { return }
        context.report(Self.message(answer), at: answer.container.imageSpan, pod: answer.pod, container: answer.container)
    }

    static func message(_ answer: OnlineAnswer) -> String {
        let result = answer.result
        let registry = answer.reference.domain
        var text = "\(answer.container.displayName) pulls \"\(answer.container.image)\", but \(registry) "
        if answer.credentials.entries.isEmpty {
            text += "denies anonymous access to \(answer.lookup.repository)"
            if !answer.credentials.noneReason.isEmpty { text += ", and \(answer.credentials.noneReason)" }
        } else {
            let tried = result.triedCredentials.isEmpty ? answer.credentials.entries.map(\.source) : result.triedCredentials
            text += "refuses the credential" + (tried.count > 1 ? "s" : "") + " from " + tried.joined(separator: " and ")
            text += " for \(answer.lookup.repository)"
        }
        if let status = result.httpStatus { text += " (HTTP \(status))" }
        text += "; kubelet's pull fails with \"unauthorized\" / \"pull access denied\" and the pod stays in ImagePullBackOff"
        switch result.visibleToRunner {
        case true?: text += "; the image exists (your own credentials can pull it): the pod's credentials are what fails"
        case false?: text += "; with your own credentials the image does not exist either"
        case nil: break
        }
        return text
    }
}
