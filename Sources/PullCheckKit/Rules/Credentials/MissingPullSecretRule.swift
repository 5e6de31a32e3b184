/// A private image and no pull secret at all.
struct MissingPullSecretRule: RunRule {
    static let description = RuleDescription(
        id: "missing-pull-secret",
        name: "Missing Pull Secret",
        severity: .error,
        summary: "An image on a private registry, and neither the pod nor its ServiceAccount offers a pull secret.",
        details: """
            For each image on a registry that is not public, checks that kubelet will get at least \
            one pull secret: the pod's own `imagePullSecrets`, or, when the pod names none, those of \
            its ServiceAccount (`serviceAccountName`, else `default`), which the ServiceAccount \
            admission plugin copies into the pod, or those a mutating admission policy in the project \
            (Kyverno, Gatekeeper) or `admission-pull-secrets` adds. The severity follows the evidence: \
            an error when the registry is known to be private (the configuration, or the project: a \
            Secret holds a credential for it, another pod pulls from it with pull secrets), a warning \
            that says pullcheck does not know when nothing says whether the registry needs \
            credentials (a home lab, an unknown vendor registry). Well-known public registries and \
            registries whose nodes authenticate themselves (ECR, ACR, Artifact Registry, OpenShift's \
            internal registry) never need one. ServiceAccounts and Secrets in other files of the \
            project count, even in a run that names one file.
            """,
        rationale: """
            Without credentials the registry answers `unauthorized` or `not found` (many registries \
            hide private repositories), kubelet reports `ErrImagePull`, and the pod sits in \
            `ImagePullBackOff`, retried with a growing back-off up to five minutes.
            """,
        fix: """
            Add `imagePullSecrets: [{name: regcred}]` to the pod spec, or to its ServiceAccount, with a \
            `kubernetes.io/dockerconfigjson` Secret for the registry. If the registry is public, or \
            the nodes authenticate to it themselves, list it under `registries` in `.pullcheck.yaml`.
            """,
        triggeringExamples: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                  namespace: prod
                spec:
                  template:
                    spec:
                      containers:
                        - name: api
                          image: ↓registry.example.com/team/api:2.1
                """),
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: builder
                  namespace: ci
                ---
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: build
                  namespace: ci
                spec:
                  template:
                    spec:
                      serviceAccountName: builder
                      containers:
                        - name: build
                          image: ↓10.0.0.5:5000/tools/builder:3.2
                """),
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: api
                  namespace: prod
                imagePullSecrets:
                  - name: regcred
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                  namespace: prod
                spec:
                  template:
                    spec:
                      serviceAccountName: api
                      containers:
                        - name: api
                          image: registry.example.com/team/api:2.1
                        - name: proxy
                          image: nginx:1.27
                        - name: ecr
                          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/tool:1.0
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - name: web
                      image: registry.example.com/public/web:1.0
                """, configuration: "registries:\n  public: [registry.example.com]"),
        ],
        configuration: """
            Registries are classified by `registries` in `.pullcheck.yaml` (globs match one host label \
            per `*`, as kubelet's keyring does):

            ```yaml
            registries:
              public: [registry.example.com]            # anyone can pull
              node-authenticated: ["*.registry.corp"]    # nodes have credentials of their own
              private: ["internal.gcr.io"]              # needs a pull secret even if a default says public
            ```
            """,
        exceptions: """
            Nodes that authenticate through a kubelet credential provider or a node-wide docker \
            config for a registry pullcheck does not know: list the registry as `node-authenticated`.
            """,
        references: [
            .init(
                "Kubernetes: pull an image from a private registry",
                "https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"),
            .init(
                "Kubernetes: add imagePullSecrets to a ServiceAccount",
                "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#add-imagepullsecrets-to-a-service-account"
            ),
            .init(
                "Kubernetes: kubelet credential providers",
                "https://kubernetes.io/docs/tasks/administer-cluster/kubelet-credential-provider/"),
        ])

    func check(_ facts: RunFacts, _ context: inout RunRuleContext) {
        for pod in facts.pods {
            guard case .none(let account) = facts.pullSecretSource(for: pod) else { continue }
            // Pull secrets added at admission (a mutating policy in the project, or declared).
            if let injected = facts.admissionPullSecrets(for: pod.namespace, configuration: context.configuration), !injected.isEmpty {
                continue
            }
            // Facts keep only the containers that may need a credential (typos excluded).
            for container in facts.containers(of: pod) where container.isPrivate {
                guard let reference = container.reference else { continue }
                let verdict = facts.registryVerdict(reference, for: pod, configuration: context.configuration)
                guard verdict.visibility == .private || verdict.visibility == .unknown else { continue }
                let why: String
                if let account {
                    why = "neither the pod nor its ServiceAccount \(account.name) has imagePullSecrets"
                } else {
                    why = "the pod has no imagePullSecrets and its ServiceAccount \(pod.serviceAccount) is not in the project"
                }
                let domain = reference.domain
                if verdict.visibility == .private {
                    context.report(
                        "\(container.displayName) pulls \"\(container.image)\" from the private registry \(domain) (\(verdict.reason)), but \(why); the pull will fail with unauthorized and the pod stays in ImagePullBackOff",
                        at: container.imageSpan, pod: pod, container: container)
                } else {
                    context.report(
                        "\(container.displayName) pulls \"\(container.image)\" from \(domain), and \(why); pullcheck does not know whether \(domain) needs credentials (if it does, the pull fails with unauthorized): declare it in .pullcheck.yaml under registries.public, or registries.private to make this an error",
                        at: container.imageSpan, pod: pod, container: container, severity: context.guessSeverity)
                }
            }
        }
    }
}
