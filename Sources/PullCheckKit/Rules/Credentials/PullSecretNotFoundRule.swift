import TextSupport

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
            nothing about another's `kubectl create secret`. A Secret of that name that the same \
            application ships only for another, explicitly different namespace is reported as such: \
            pods can only use pull secrets from their own namespace. Objects without `metadata.namespace` can be applied \
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
            Example(
                """
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
                    - name: ↓regcreds
                  containers:
                    - name: api
                      image: registry.example.com/team/api:2.1
                """),
        ],
        nonTriggeringExamples: [
            Example(
                """
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
            .init(
                "Kubernetes: specifying imagePullSecrets on a Pod",
                "https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod")
        ])

    func check(_ facts: RunFacts, _ context: inout RunRuleContext) {
        // Many objects name the same missing Secret: its message is worked out once.
        var messages: [String: String?] = [:]
        facts.forEachPullSecretReference { item in
            let key = (item.namespace.map { "n" + $0 } ?? "-") + "\u{0}" + (item.reference.name ?? "") + "\u{0}" + item.unit
            let message: String?
            if let known = messages[key] {
                message = known
            } else {
                message = Self.problem(
                    item.reference, namespace: item.namespace, unit: item.unit, facts: facts, configuration: context.configuration)
                messages[key] = .some(message)
            }
            guard let message else { return }
            context.report(
                "imagePullSecrets of \(item.object) names \(message)", at: item.reference.span, file: item.file, input: item.input,
                object: item.object, ordinal: item.objectOrdinal)
        }
    }

    /// "Did you mean" compares the missing name with at most this many known names of each
    /// length within two of its own: the names next to it in sorted order (typos mostly keep the
    /// start of a name), so a run with many Secrets and many missing names stays linear.
    static let suggestionNeighbours = 16

    static func problem(_ reference: NameReference, namespace: String?, unit: String, facts: RunFacts, configuration: Configuration)
        -> String?
    {
        guard let name = reference.name else { return nil }
        guard facts.resolveSecret(name, for: namespace) == nil else { return nil }
        guard !configuration.isExternalSecret(name: name, namespace: namespace) else { return nil }
        // In the same application, a Secret in another namespace is the mistake; in an unrelated
        // one (a monorepo of samples) it says nothing.
        if let elsewhere = facts.secretElsewhere(named: name, for: namespace), let other = elsewhere.namespace, let namespace,
            elsewhere.unit == unit || configuration.manifestsComplete
        {
            return
                "secret \(name), which exists in namespace \(other), but the pod runs in \(namespace); kubelet only reads pull secrets from the pod's own namespace and pulls without it"
        }
        guard configuration.manifestsComplete || facts.shouldHoldSecrets(unit: unit, namespace: namespace) else { return nil }
        let hint = suggestion(for: name, namespace: namespace, facts: facts).map { " (did you mean \($0)?)" } ?? ""
        return
            "secret \(name)\(hint), which no manifest of the project defines; kubelet pulls without it, and private images fail with unauthorized"
    }

    /// The nearest known name within two edits, among the sorted neighbours of the missing name
    /// in each length from two shorter to two longer.
    static func suggestion(for name: String, namespace: String?, facts: RunFacts) -> String? {
        let lists: [[String]]
        if let namespace {
            lists = [facts.secretNamesByNamespace[namespace] ?? [], facts.secretNamesWithoutNamespace]
        } else {
            lists = [facts.allSecretNames]
        }
        let length = name.utf8.count
        var best: (name: String, distance: Int)?
        for list in lists where !list.isEmpty {
            // The list is sorted by (length, bytes): find where `name` would go among the names of
            // each nearby length, and compare it with the neighbours on both sides.
            func lowerBound(_ isBefore: (String) -> Bool) -> Int {
                var low = 0
                var high = list.count
                while low < high {
                    let middle = (low + high) / 2
                    if isBefore(list[middle]) { low = middle + 1 } else { high = middle }
                }
                return low
            }
            for candidateLength in max(1, length - 2)...(length + 2) {
                let first = lowerBound { $0.utf8.count < candidateLength }
                let end = lowerBound { $0.utf8.count <= candidateLength }
                guard first < end else { continue }
                let position = lowerBound {
                    $0.utf8.count < candidateLength || ($0.utf8.count == candidateLength && $0.utf8.lexicographicallyPrecedes(name.utf8))
                }
                let low = max(first, position - suggestionNeighbours)
                let high = min(end, position + suggestionNeighbours)
                for candidate in list[low..<high] {
                    let distance = editDistance(name, candidate, limit: 2)
                    guard distance <= 2 else { continue }
                    if best.map({ distance < $0.distance || (distance == $0.distance && candidate < $0.name) }) ?? true {
                        best = (candidate, distance)
                    }
                }
            }
        }
        return best?.name
    }
}
