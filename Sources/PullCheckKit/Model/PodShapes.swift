/// Where a kind keeps its pods, containers and images, as paths from the object's root: `a.b`
/// follows keys, `b[]` takes every item of the list `b`, and `*` every value of a mapping
/// (`spec.tfReplicaSpecs.*.template.spec`).
struct PodShape: Sendable, Hashable {
    /// The kinds it describes.
    let kinds: Set<String>
    /// A glob on `apiVersion` (`argoproj.io/*`).
    let apiVersion: GlobPattern
    /// Full pod specs (`containers`, `initContainers`, `imagePullSecrets`, `serviceAccountName`, ...).
    var podSpecs: [String] = []
    /// Containers outside a pod spec: a path to one container, or to a list of them (ending in `[]`).
    var containers: [String] = []
    /// Image strings outside containers (`spec.image`).
    var images: [String] = []
    /// Where the pull secrets and the ServiceAccount of those containers and images are (the first found).
    var pullSecrets: [String] = []
    var serviceAccount: [String] = []
    /// The containers are patches over ones the operator generates: they may leave out `image`.
    var partial = false
    /// `imagePullSecrets` items are plain strings (Spark), not `{name: ...}`.
    var pullSecretsAreStrings = false
    /// Where defaults for the containers live (Argo's `spec.templateDefaults`): when the object has
    /// them, a container may leave out its image.
    var defaults: [String] = []

    init(kinds: Set<String>, apiVersion: String) {
        self.kinds = kinds
        self.apiVersion = GlobPattern(apiVersion, separator: nil)
    }

    func matches(kind: String, apiVersion version: String) -> Bool {
        kinds.contains(kind) && apiVersion.matches(version)
    }
}

enum PodShapes {
    static func shape(
        _ kinds: Set<String>, _ apiVersion: String, podSpecs: [String] = [], containers: [String] = [], images: [String] = [],
        pullSecrets: [String] = [], serviceAccount: [String] = [], partial: Bool = false, pullSecretsAreStrings: Bool = false,
        defaults: [String] = []
    ) -> PodShape {
        var shape = PodShape(kinds: kinds, apiVersion: apiVersion)
        shape.podSpecs = podSpecs
        shape.containers = containers
        shape.images = images
        shape.pullSecrets = pullSecrets
        shape.serviceAccount = serviceAccount
        shape.partial = partial
        shape.pullSecretsAreStrings = pullSecretsAreStrings
        shape.defaults = defaults
        return shape
    }

    static let argoTemplates = [
        "templates[].container", "templates[].script", "templates[].containerSet.containers[]", "templates[].initContainers[]",
        "templates[].sidecars[]",
    ]

    static let tektonTask = ["steps[]", "sidecars[]"]

    /// The custom resources of popular operators whose pods pullcheck checks.
    static let builtIn: [PodShape] = [
        // Argo Workflows.
        shape(
            ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate"], "argoproj.io/*",
            containers: argoTemplates.map { "spec." + $0 }, pullSecrets: ["spec.imagePullSecrets"],
            serviceAccount: ["spec.serviceAccountName"], defaults: ["spec.templateDefaults"]),
        shape(
            ["CronWorkflow"], "argoproj.io/*", containers: argoTemplates.map { "spec.workflowSpec." + $0 },
            pullSecrets: ["spec.workflowSpec.imagePullSecrets"], serviceAccount: ["spec.workflowSpec.serviceAccountName"],
            defaults: ["spec.workflowSpec.templateDefaults"]),
        // Tekton Pipelines.
        shape(["Task", "ClusterTask"], "tekton.dev/*", containers: tektonTask.map { "spec." + $0 } + ["spec.stepTemplate"]),
        shape(
            ["TaskRun"], "tekton.dev/*", containers: tektonTask.map { "spec.taskSpec." + $0 } + ["spec.taskSpec.stepTemplate"],
            pullSecrets: ["spec.podTemplate.imagePullSecrets"], serviceAccount: ["spec.serviceAccountName"]),
        shape(
            ["Pipeline"], "tekton.dev/*",
            containers: ["tasks", "finally"].flatMap { list in tektonTask.map { "spec.\(list)[].taskSpec.\($0)" } }),
        shape(
            ["PipelineRun"], "tekton.dev/*",
            containers: ["tasks", "finally"].flatMap { list in tektonTask.map { "spec.pipelineSpec.\(list)[].taskSpec.\($0)" } },
            pullSecrets: ["spec.taskRunTemplate.podTemplate.imagePullSecrets", "spec.podTemplate.imagePullSecrets"],
            serviceAccount: ["spec.taskRunTemplate.serviceAccountName", "spec.serviceAccountName"]),
        // Elastic Cloud on Kubernetes: the operator generates the containers; `spec.image` overrides.
        shape(
            ["Elasticsearch"], "elasticsearch.k8s.elastic.co/*", podSpecs: ["spec.nodeSets[].podTemplate.spec"], images: ["spec.image"],
            pullSecrets: ["spec.nodeSets[].podTemplate.spec.imagePullSecrets"],
            serviceAccount: ["spec.nodeSets[].podTemplate.spec.serviceAccountName"], partial: true),
        shape(
            ["Kibana", "ApmServer", "EnterpriseSearch", "Logstash", "ElasticMapsServer"], "*.k8s.elastic.co/*",
            podSpecs: ["spec.podTemplate.spec"], images: ["spec.image"], pullSecrets: ["spec.podTemplate.spec.imagePullSecrets"],
            serviceAccount: ["spec.podTemplate.spec.serviceAccountName"], partial: true),
        shape(
            ["Beat", "Agent"], "*.k8s.elastic.co/*",
            podSpecs: ["daemonSet", "deployment", "statefulSet"].map { "spec.\($0).podTemplate.spec" }, images: ["spec.image"],
            pullSecrets: ["daemonSet", "deployment", "statefulSet"].map { "spec.\($0).podTemplate.spec.imagePullSecrets" },
            serviceAccount: ["daemonSet", "deployment", "statefulSet"].map { "spec.\($0).podTemplate.spec.serviceAccountName" },
            partial: true),
        // KServe.
        shape(["InferenceService"], "serving.kserve.io/*", podSpecs: ["spec.predictor", "spec.transformer", "spec.explainer"]),
        shape(["ServingRuntime", "ClusterServingRuntime"], "serving.kserve.io/*", podSpecs: ["spec"]),
        // Prometheus operator: `spec.containers` patch the generated ones.
        shape(
            ["Prometheus", "PrometheusAgent", "Alertmanager", "ThanosRuler"], "monitoring.coreos.com/*", podSpecs: ["spec"],
            images: ["spec.image"], pullSecrets: ["spec.imagePullSecrets"], serviceAccount: ["spec.serviceAccountName"],
            partial: true),
        // Spark operator.
        shape(
            ["SparkApplication"], "sparkoperator.k8s.io/*", images: ["spec.image", "spec.driver.image", "spec.executor.image"],
            pullSecrets: ["spec.imagePullSecrets"], serviceAccount: ["spec.driver.serviceAccount"], pullSecretsAreStrings: true),
        shape(
            ["ScheduledSparkApplication"], "sparkoperator.k8s.io/*",
            images: ["spec.template.image", "spec.template.driver.image", "spec.template.executor.image"],
            pullSecrets: ["spec.template.imagePullSecrets"], serviceAccount: ["spec.template.driver.serviceAccount"],
            pullSecretsAreStrings: true),
        // Kubeflow training jobs.
        shape(
            ["PyTorchJob", "TFJob", "MPIJob", "XGBoostJob", "PaddleJob", "JAXJob"], "kubeflow.org/*",
            podSpecs: [
                "pytorchReplicaSpecs", "tfReplicaSpecs", "mpiReplicaSpecs", "xgbReplicaSpecs", "paddleReplicaSpecs", "jaxReplicaSpecs",
            ]
            .map { "spec.\($0).*.template.spec" }),
        // Ray.
        shape(
            ["RayCluster"], "ray.io/*", podSpecs: ["spec.headGroupSpec.template.spec", "spec.workerGroupSpecs[].template.spec"]),
        shape(
            ["RayJob"], "ray.io/*",
            podSpecs: ["spec.rayClusterSpec.headGroupSpec.template.spec", "spec.rayClusterSpec.workerGroupSpecs[].template.spec"]),
        shape(
            ["RayService"], "ray.io/*",
            podSpecs: ["spec.rayClusterConfig.headGroupSpec.template.spec", "spec.rayClusterConfig.workerGroupSpecs[].template.spec"]),
        // Batch schedulers.
        shape(["Job"], "batch.volcano.sh/*", podSpecs: ["spec.tasks[].template.spec"]),
        shape(["JobSet"], "jobset.x-k8s.io/*", podSpecs: ["spec.replicatedJobs[].template.spec.template.spec"]),
        shape(["ScaledJob"], "keda.sh/*", podSpecs: ["spec.jobTargetRef.template.spec"]),
        // CloudNativePG.
        shape(
            ["Cluster"], "postgresql.cnpg.io/*", images: ["spec.imageName"], pullSecrets: ["spec.imagePullSecrets"]),
        // Strimzi.
        shape(
            ["Kafka"], "kafka.strimzi.io/*",
            images: [
                "spec.kafka.image", "spec.zookeeper.image", "spec.entityOperator.topicOperator.image",
                "spec.entityOperator.userOperator.image",
            ]),
    ]

    /// The built-in shapes by kind (one lookup per object instead of a scan of the table).
    static let builtInByKind: [String: [PodShape]] = {
        var table: [String: [PodShape]] = [:]
        for shape in builtIn {
            for kind in shape.kinds { table[kind, default: []].append(shape) }
        }
        return table
    }()

    /// The shape for an object: the configuration's first, then the built-in ones.
    static func shape(kind: String, apiVersion: String, custom: [PodShape]) -> PodShape? {
        for shape in custom where shape.matches(kind: kind, apiVersion: apiVersion) { return shape }
        return builtInByKind[kind]?.first { $0.apiVersion.matches(apiVersion) }
    }
}

extension YAMLDocument {
    /// The nodes a shape path reaches from `root`, each with its concrete path
    /// (`spec.templates[2].container`); bounded to 10,000.
    func nodes(at path: String, from root: NodeID) -> [(node: NodeID, path: String)] {
        var current: [(node: NodeID, path: String)] = [(root, "")]
        for segment in path.split(separator: ".") {
            var next: [(node: NodeID, path: String)] = []
            let isList = segment.hasSuffix("[]")
            let key = isList ? segment.dropLast(2) : segment
            for (node, prefix) in current where kind(node) == .mapping {
                var values: [(NodeID, String)] = []
                for (keyNode, value) in entries(node) {
                    guard let name = string(keyNode), key == "*" || name == key else { continue }
                    values.append((value, prefix.isEmpty ? name : prefix + "." + name))
                    if key != "*" { break }
                }
                for (value, valuePath) in values {
                    if isList {
                        guard kind(value) == .sequence else { continue }
                        for (index, item) in items(value).enumerated() { next.append((item, "\(valuePath)[\(index)]")) }
                    } else {
                        next.append((value, valuePath))
                    }
                }
                if next.count > 10_000 { break }
            }
            current = next
            if current.isEmpty { break }
        }
        return current
    }
}
