import Testing

@testable import PullCheckKit

@Suite("Object model")
struct ManifestReaderTests {
    /// A container block to put at a pod spec's position.
    static func podSpec(indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        return """
            \(pad)serviceAccountName: builder
            \(pad)imagePullSecrets:
            \(pad)  - name: regcred
            \(pad)initContainers:
            \(pad)  - name: init
            \(pad)    image: busybox:1.36
            \(pad)containers:
            \(pad)  - name: app
            \(pad)    image: registry.example.com/team/app:1.0
            \(pad)    imagePullPolicy: IfNotPresent
            \(pad)ephemeralContainers:
            \(pad)  - name: debug
            \(pad)    image: busybox:1.36
            """
    }

    struct KindCase: Sendable, CustomTestStringConvertible {
        let kind: String
        let text: String
        var testDescription: String { kind }
    }

    static let kinds: [KindCase] =
        [
            KindCase(kind: "Pod", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n\(podSpec(indent: 2))\n"),
            KindCase(
                kind: "PodTemplate",
                text: "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: x\ntemplate:\n  spec:\n\(podSpec(indent: 4))\n"),
        ]
        + ["Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job"].map { kind in
            KindCase(
                kind: kind,
                text: "apiVersion: apps/v1\nkind: \(kind)\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n\(podSpec(indent: 6))\n")
        }
        + [
            KindCase(
                kind: "CronJob",
                text:
                    "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: x\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n\(podSpec(indent: 10))\n"
            ),
            KindCase(
                kind: "Rollout",
                text:
                    "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n\(podSpec(indent: 6))\n"
            ),
            KindCase(
                kind: "Service",
                text:
                    "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n\(podSpec(indent: 6))\n"
            ),
        ]

    static func objects(_ text: String) -> [ManifestObject] {
        var result: [ManifestObject] = []
        _ = YAMLParser.parse(ByteSource(bytes: Array(text.utf8), limits: .standard)) { document in
            if let objects = ManifestReader.objects(in: document, firstOrdinal: result.count) {
                result += objects
            }
        }
        return result
    }

    @Test("every workload kind yields its pod spec", arguments: kinds)
    func workloadKinds(_ test: KindCase) throws {
        let object = try #require(Self.objects(test.text).first)
        #expect(object.kind == test.kind)
        let pod = try #require(object.podSpec, "\(test.kind) has no pod spec")
        #expect(pod.containers.map(\.kind) == [.container, .initContainer, .ephemeralContainer])
        #expect(pod.containers.map(\.name) == ["app", "init", "debug"])
        #expect(pod.containers[0].image?.value == "registry.example.com/team/app:1.0")
        #expect(pod.containers[0].imagePullPolicy?.value == "IfNotPresent")
        #expect(pod.imagePullSecrets.map(\.name) == ["regcred"])
        #expect(pod.effectiveServiceAccount == "builder")
    }

    @Test("a custom resource without containers at spec.template.spec has no pod spec")
    func customResourceWithoutPodSpec() throws {
        let object = try #require(
            Self.objects("apiVersion: x/v1\nkind: Thing\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      size: 3\n").first)
        #expect(object.podSpec == nil)
    }

    @Test("List items, of v1 List and of any ...List kind, are objects")
    func lists() {
        let text = """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: one}
                spec: {containers: [{name: c, image: nginx}]}
              - apiVersion: apps/v1
                kind: DeploymentList
                items:
                  - apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: b}
                    spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}
              - not an object
            """
        let objects = Self.objects(text)
        #expect(objects.map(\.name) == ["a", "b"])
        #expect(objects.map(\.ordinal) == [0, 1])
        #expect(objects.first?.namespace == "one")
        #expect(objects.allSatisfy { $0.podSpec != nil })
    }

    @Test("metadata, labels and annotations; a missing namespace stays nil")
    func metadata() throws {
        let object = try #require(
            Self.objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  labels: {app: a}\n  annotations:\n    note: hello\n")
                .first)
        #expect(object.namespace == nil)
        #expect(object.labels.map(\.key) == ["app"])
        #expect(object.annotations.map { "\($0.key)=\($0.value)" } == ["note=hello"])
        #expect(object.reference.description == "ConfigMap m")
    }

    @Test("Secrets, SealedSecrets and ExternalSecrets declare the Secret they create")
    func secrets() throws {
        let text = """
            apiVersion: v1
            kind: Secret
            metadata: {name: plain}
            data: {a: YQ==}
            ---
            apiVersion: bitnami.com/v1alpha1
            kind: SealedSecret
            metadata: {name: sealed}
            spec:
              encryptedData: {.dockerconfigjson: AgB}
              template: {type: kubernetes.io/dockerconfigjson}
            ---
            apiVersion: external-secrets.io/v1beta1
            kind: ExternalSecret
            metadata: {name: external}
            spec:
              target:
                name: created
                template: {type: kubernetes.io/dockercfg}
            """
        let secrets = Self.objects(text).compactMap(\.secret)
        #expect(secrets.map(\.origin) == [.secret, .sealedSecret, .externalSecret])
        #expect(secrets.map(\.secretName) == ["plain", "sealed", "created"])
        #expect(secrets.map(\.type) == ["Opaque", SecretObject.dockerConfigJSONType, SecretObject.dockerCfgType])
        #expect(secrets[1].dataKeys == [".dockerconfigjson"])
        #expect(secrets[0].dataKeys == ["a"])
    }

    @Test("ServiceAccounts carry their pull secrets; the deprecated serviceAccount field is read")
    func serviceAccounts() throws {
        let objects = Self.objects(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nimagePullSecrets: [{name: one}, {name: two}, {}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccount: old\n  containers: [{name: c, image: nginx}]\n"
        )
        #expect(objects.first?.serviceAccount?.imagePullSecrets.map(\.name) == ["one", "two", nil])
        #expect(objects.last?.podSpec?.effectiveServiceAccount == "old")
    }

    @Test("YAML that is not a Kubernetes object is skipped, and reported with --strict")
    func nonKubernetes() {
        let text = "name: ci\non: push\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n"
        let quiet = lint(text)
        #expect(quiet.diagnostics.isEmpty)
        #expect(quiet.documentCount == 3 && quiet.objectCount == 1)
        var configuration = Configuration()
        configuration.strict = true
        let strict = lint(text, configuration: configuration)
        #expect(findingPositions(strict, rule: "non-kubernetes-yaml") == ["1:1"])
    }

    @Test("an alias reaches the same container fields as the anchor")
    func aliasedContainers() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - &c {name: a, image: "nginx:latest"}
                - *c
            """
        let report = lint(text)
        // Both containers point at the anchored scalar.
        #expect(findingPositions(report, rule: "latest-tag") == ["6:34", "6:34"])
    }
}
