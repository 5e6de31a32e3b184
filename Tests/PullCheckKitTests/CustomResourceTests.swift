import Testing

@testable import PullCheckKit

/// Every entry of the built-in custom-resource table (`PodShapes.builtIn`) has an example here:
/// `↓` marks where `latest-tag` must be reported for an image at one of its paths.
@Suite("Pod specs of custom resources")
struct CustomResourceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let kind: String
        let code: String
        var testDescription: String { kind }
    }

    static let cases: [Case] = [
        Case(
            kind: "Workflow",
            code: """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: w}
                spec:
                  templates:
                    - name: main
                      container: {image: "alpine:↓latest"}
                    - name: script
                      script: {image: "python:↓latest", source: print(1)}
                    - name: set
                      containerSet:
                        containers: [{name: a, image: "busybox:↓latest"}]
                      initContainers: [{name: i, image: "busybox:↓latest"}]
                      sidecars: [{name: s, image: "nginx:↓latest"}]
                """),
        Case(
            kind: "CronWorkflow",
            code: """
                apiVersion: argoproj.io/v1alpha1
                kind: CronWorkflow
                metadata: {name: c}
                spec:
                  workflowSpec:
                    templates: [{name: m, container: {image: "alpine:↓latest"}}]
                """),
        Case(
            kind: "Task",
            code: """
                apiVersion: tekton.dev/v1
                kind: Task
                metadata: {name: t}
                spec:
                  stepTemplate: {env: [{name: A, value: b}]}
                  steps: [{name: build, image: "golang:↓latest"}]
                  sidecars: [{name: docker, image: "docker:↓latest"}]
                """),
        Case(
            kind: "TaskRun",
            code: """
                apiVersion: tekton.dev/v1
                kind: TaskRun
                metadata: {name: r}
                spec:
                  taskSpec:
                    steps: [{name: s, image: "alpine:↓latest"}]
                """),
        Case(
            kind: "Pipeline",
            code: """
                apiVersion: tekton.dev/v1
                kind: Pipeline
                metadata: {name: p}
                spec:
                  tasks:
                    - name: a
                      taskSpec: {steps: [{name: s, image: "alpine:↓latest"}]}
                  finally:
                    - name: z
                      taskSpec: {steps: [{name: s, image: "alpine:↓latest"}]}
                """),
        Case(
            kind: "PipelineRun",
            code: """
                apiVersion: tekton.dev/v1
                kind: PipelineRun
                metadata: {name: pr}
                spec:
                  pipelineSpec:
                    tasks: [{name: a, taskSpec: {steps: [{name: s, image: "alpine:↓latest"}]}}]
                """),
        Case(
            kind: "Elasticsearch",
            code: """
                apiVersion: elasticsearch.k8s.elastic.co/v1
                kind: Elasticsearch
                metadata: {name: es}
                spec:
                  version: 8.15.0
                  image: "docker.elastic.co/elasticsearch/elasticsearch:↓latest"
                  nodeSets:
                    - name: default
                      podTemplate:
                        spec:
                          containers: [{name: elasticsearch, resources: {}}]
                          initContainers: [{name: sysctl, image: "busybox:↓latest"}]
                """),
        Case(
            kind: "Kibana",
            code: """
                apiVersion: kibana.k8s.elastic.co/v1
                kind: Kibana
                metadata: {name: kb}
                spec:
                  image: "docker.elastic.co/kibana/kibana:↓latest"
                  podTemplate:
                    spec:
                      containers: [{name: kibana}]
                """),
        Case(
            kind: "Beat",
            code: """
                apiVersion: beat.k8s.elastic.co/v1beta1
                kind: Beat
                metadata: {name: fb}
                spec:
                  type: filebeat
                  daemonSet:
                    podTemplate:
                      spec:
                        containers: [{name: filebeat}, {name: sidecar, image: "busybox:↓latest"}]
                """),
        Case(
            kind: "InferenceService",
            code: """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: i}
                spec:
                  predictor:
                    containers: [{name: kserve-container, image: "acme/model:↓latest"}]
                  transformer:
                    containers: [{name: t, image: "acme/transformer:↓latest"}]
                """),
        Case(
            kind: "ServingRuntime",
            code: """
                apiVersion: serving.kserve.io/v1alpha1
                kind: ServingRuntime
                metadata: {name: s}
                spec:
                  containers: [{name: kserve-container, image: "kserve/sklearnserver:↓latest", args: ["--model_name={{.Name}}"]}]
                """),
        Case(
            kind: "Prometheus",
            code: """
                apiVersion: monitoring.coreos.com/v1
                kind: Prometheus
                metadata: {name: k8s}
                spec:
                  image: "quay.io/prometheus/prometheus:↓latest"
                  containers: [{name: prometheus, args: [--log.level=debug]}, {name: proxy, image: "nginx:↓latest"}]
                """),
        Case(
            kind: "SparkApplication",
            code: """
                apiVersion: sparkoperator.k8s.io/v1beta2
                kind: SparkApplication
                metadata: {name: pi}
                spec:
                  image: "spark:↓latest"
                  driver: {image: "spark-driver:↓latest"}
                  executor: {instances: 2}
                """),
        Case(
            kind: "ScheduledSparkApplication",
            code: """
                apiVersion: sparkoperator.k8s.io/v1beta2
                kind: ScheduledSparkApplication
                metadata: {name: nightly}
                spec:
                  template: {image: "spark:↓latest"}
                """),
        Case(
            kind: "PyTorchJob",
            code: """
                apiVersion: kubeflow.org/v1
                kind: PyTorchJob
                metadata: {name: train}
                spec:
                  pytorchReplicaSpecs:
                    Master: {template: {spec: {containers: [{name: pytorch, image: "pytorch/pytorch:↓latest"}]}}}
                    Worker: {template: {spec: {containers: [{name: pytorch, image: "pytorch/pytorch:↓latest"}]}}}
                """),
        Case(
            kind: "RayCluster",
            code: """
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: ray}
                spec:
                  headGroupSpec: {template: {spec: {containers: [{name: head, image: "rayproject/ray:↓latest"}]}}}
                  workerGroupSpecs:
                    - template: {spec: {containers: [{name: worker, image: "rayproject/ray:↓latest"}]}}
                """),
        Case(
            kind: "RayJob",
            code: """
                apiVersion: ray.io/v1
                kind: RayJob
                metadata: {name: job}
                spec:
                  rayClusterSpec:
                    headGroupSpec: {template: {spec: {containers: [{name: head, image: "rayproject/ray:↓latest"}]}}}
                """),
        Case(
            kind: "RayService",
            code: """
                apiVersion: ray.io/v1
                kind: RayService
                metadata: {name: svc}
                spec:
                  rayClusterConfig:
                    workerGroupSpecs:
                      - template: {spec: {containers: [{name: worker, image: "rayproject/ray:↓latest"}]}}
                """),
        Case(
            kind: "Job (Volcano)",
            code: """
                apiVersion: batch.volcano.sh/v1alpha1
                kind: Job
                metadata: {name: v}
                spec:
                  tasks: [{name: t, template: {spec: {containers: [{name: c, image: "busybox:↓latest"}]}}}]
                """),
        Case(
            kind: "JobSet",
            code: """
                apiVersion: jobset.x-k8s.io/v1alpha2
                kind: JobSet
                metadata: {name: js}
                spec:
                  replicatedJobs:
                    - name: workers
                      template: {spec: {template: {spec: {containers: [{name: c, image: "busybox:↓latest"}]}}}}
                """),
        Case(
            kind: "ScaledJob",
            code: """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledJob
                metadata: {name: sj}
                spec:
                  jobTargetRef: {template: {spec: {containers: [{name: c, image: "busybox:↓latest"}]}}}
                """),
        Case(
            kind: "Cluster (CloudNativePG)",
            code: """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: pg}
                spec:
                  imageName: "ghcr.io/cloudnative-pg/postgresql:↓latest"
                """),
        Case(
            kind: "Kafka",
            code: """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: k}
                spec:
                  kafka: {image: "quay.io/strimzi/kafka:↓latest"}
                """),
    ]

    @Test("images at every path of the entry are checked, with exact positions", arguments: cases)
    func builtInShapes(_ test: Case) {
        let example = Example(test.code)
        let report = lint(example.strippedCode)
        let found = report.diagnostics.filter { $0.ruleID == "latest-tag" }.map(\.span.start)
        #expect(found == example.markedPositions, "\(report.diagnostics.map { "\($0.span.start) \($0.ruleID): \($0.message)" })")
        // Operators fill in the containers they generate: no missing-image for a partial one.
        #expect(!report.diagnostics.contains { $0.ruleID == "missing-image" })
    }

    @Test("every built-in entry has an example")
    func everyEntryHasAnExample() {
        let covered = Set(Self.cases.map { $0.kind.split(separator: " ").first.map(String.init) ?? $0.kind })
        for shape in PodShapes.builtIn {
            #expect(!shape.kinds.isDisjoint(with: covered), "no example for \(shape.kinds.sorted())")
        }
    }

    @Test("pull secrets and ServiceAccounts of custom resources feed the credential rules")
    func credentials() {
        let report = lint(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: w}
            spec:
              serviceAccountName: runner
              imagePullSecrets: [{name: missing-pull}]
              templates: [{name: m, container: {image: "registry.corp.example/ci/tool:1.0"}}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: other}
            type: kubernetes.io/dockerconfigjson
            stringData:
              .dockerconfigjson: '{"auths": {"registry.corp.example": {"auth": "dXNlcjpwYXNz"}}}'
            ---
            apiVersion: sparkoperator.k8s.io/v1beta2
            kind: SparkApplication
            metadata: {name: pi}
            spec:
              image: registry.corp.example/spark:3.5.1
              imagePullSecrets: [other]
            """)
        #expect(findingPositions(report, rule: "pull-secret-not-found") == ["6:29"])
        #expect(findingPositions(report, rule: "missing-pull-secret").isEmpty)
    }

    @Test("custom-resources in the configuration describe kinds pullcheck does not know; unknown kinds with images are counted")
    func configured() throws {
        let text = """
            apiVersion: example.com/v1
            kind: Builder
            metadata: {name: b}
            spec:
              steps: [{name: s, image: "alpine:latest"}]
              runner: {image: "busybox:latest"}
            """
        let unknown = lint(text)
        #expect(unknown.diagnostics.isEmpty)
        #expect(unknown.unknownImageKinds == ["Builder": 1])
        let configuration = try ConfigurationLoader.load(
            text: """
                custom-resources:
                  - kind: Builder
                    apiVersion: "example.com/*"
                    containers: ["spec.steps[]"]
                    images: [spec.runner.image]
                """)
        let known = lint(text, configuration: configuration)
        #expect(findingPositions(known, rule: "latest-tag") == ["5:36", "6:28"])
        #expect(known.unknownImageKinds.isEmpty)
        // Mistakes are configuration errors with positions.
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(text: "custom-resources:\n  - kind: X\n    steps: [spec.steps]\n")
        }
    }

    @Test("Argo's templateDefaults give templates their image")
    func argoTemplateDefaults() {
        let withDefaults = lint(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: w}
            spec:
              templateDefaults:
                container: {image: "argoproj/argosay:v1"}
              templates: [{name: m, container: {args: [pwd]}}]
            """)
        #expect(withDefaults.diagnostics.isEmpty)
        let without = lint(
            "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  templates: [{name: m, container: {args: [pwd]}}]\n"
        )
        #expect(findingPositions(without, rule: "missing-image") == ["5:36"])
    }

    @Test("Istio's gateway injection replaces image: auto; elsewhere auto is an image")
    func istio() {
        let injected = lint(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: gw}
            spec:
              template:
                metadata:
                  annotations: {inject.istio.io/templates: gateway}
                  labels: {sidecar.istio.io/inject: "true"}
                spec:
                  containers: [{name: istio-proxy, image: auto}]
            """)
        #expect(injected.diagnostics.isEmpty)
        let plain = lint("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: auto}]\n")
        #expect(findingPositions(plain, rule: "missing-tag").count == 1)
    }
}

@Suite("Pull secrets added at admission")
struct AdmissionPullSecretTests {
    static let pod = """
        apiVersion: v1
        kind: Secret
        metadata: {name: corp, namespace: web}
        type: kubernetes.io/dockerconfigjson
        stringData:
          .dockerconfigjson: '{"auths": {"registry.corp.example": {"auth": "dXNlcjpwYXNz"}}}'
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: web}
        spec:
          containers: [{name: c, image: "registry.corp.example/app:1.0"}]
        """

    @Test("admission-pull-secrets declares them per namespace; other namespaces still need their own")
    func configured() throws {
        #expect(findingPositions(lint(Self.pod), rule: "missing-pull-secret") == ["12:34"])
        let web = try ConfigurationLoader.load(text: "admission-pull-secrets:\n  web: [corp]\n")
        #expect(lint(Self.pod, configuration: web).diagnostics.isEmpty)
        let other = try ConfigurationLoader.load(text: "admission-pull-secrets:\n  shop: [corp]\n")
        #expect(findingPositions(lint(Self.pod, configuration: other), rule: "missing-pull-secret") == ["12:34"])
        let everywhere = try ConfigurationLoader.load(text: "admission-pull-secrets:\n  \"*\": [corp]\n")
        #expect(lint(Self.pod, configuration: everywhere).diagnostics.isEmpty)
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(text: "admission-pull-secrets: [corp]\n") }
    }

    @Test("a Kyverno validate rule that mentions imagePullSecrets adds nothing; a mutate rule does")
    func policies() {
        let policy = { (rule: String) in
            """
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata: {name: pull}
            spec:
              rules:
                - name: r
                  \(rule):
                    patchStrategicMerge: {spec: {imagePullSecrets: [{name: corp}]}}
            ---

            """
        }
        #expect(lint(policy("mutate") + Self.pod).diagnostics.isEmpty)
        #expect(findingPositions(lint(policy("validate") + Self.pod), rule: "missing-pull-secret").count == 1)
    }
}
