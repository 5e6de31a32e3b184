/// Everything that changes what pullcheck reports. Built from defaults, then `.pullcheck.yaml`,
/// then command-line options; `origins` remembers where each setting came from.
public struct Configuration: Sendable {
    /// A rule's settings; nil fields keep the rule's defaults.
    public struct RuleSetting: Sendable, Hashable {
        public var enabled: Bool?
        var severity: Severity?

        public init(enabled: Bool? = nil, severity: Severity? = nil) {
            self.enabled = enabled
            self.severity = severity
        }
    }

    public var rules: [String: RuleSetting] = [:]
    public var failLevel: FailLevel = .warning
    public var registries = RegistrySettings()
    /// Tags that never move (glob patterns such as `v*.*.*`): `imagePullPolicy: Always` on them
    /// is reported like on a digest.
    public var immutableTags: [GlobPattern] = []
    /// Secret names that exist in the cluster but not in the manifests (`name` or `namespace/name`).
    public var externalSecrets: [String] = []
    /// Custom resources whose pods pullcheck should check, beyond the built-in ones.
    var customResources: [PodShape] = []
    /// Pull secrets that an admission webhook adds to every pod of a namespace (`*`: all), by namespace.
    public var admissionPullSecrets: [String: [String]] = [:]
    /// The run holds every object the workloads need: report any pull secret that is not in it.
    public var manifestsComplete = false
    /// Paths left out of runs, in .gitignore's syntax, relative to `projectDirectory`: walked files,
    /// `--stdin-filename`, and named files with `--force-exclude`.
    public var exclude: [String] = []
    /// The folder of the `.pullcheck.yaml` in use (nil: the working directory).
    public var projectDirectory: String?
    /// Honour `.gitignore` and `.ignore` files while walking.
    public var respectIgnoreFiles = true
    /// Treat named files like walked ones (`--force-exclude`).
    public var forceExclude = false
    /// Read the rest of the project for context in runs that name files (`--no-project-context`).
    public var projectContext = true
    /// Report YAML documents that are not Kubernetes objects.
    public var strict = false
    /// Ignore suppression annotations and comments.
    public var noIgnore = false
    /// Asking registries (`--online`): off by default.
    public var online = OnlineConfiguration()
    /// Where each setting came from, by its key in `.pullcheck.yaml` (absent: the default).
    public var origins: [String: String] = [:]

    public init() {}

    public func isEnabled(_ description: RuleDescription) -> Bool {
        if description.isInputError { return true }
        if description.id == NonKubernetesYAMLRule.description.id && strict { return rules[description.id]?.enabled ?? true }
        return rules[description.id]?.enabled ?? description.enabledByDefault
    }

    public func severity(_ description: RuleDescription) -> Severity {
        if description.isInputError { return description.severity }
        return rules[description.id]?.severity ?? description.severity
    }

    /// Whether a Secret name is declared to exist outside the manifests.
    func isExternalSecret(name: String, namespace: String?) -> Bool {
        externalSecrets.contains { entry in
            if entry == name { return true }
            if let namespace { return entry == "\(namespace)/\(name)" }
            return entry.hasSuffix("/\(name)")
        }
    }

    func isImmutableTag(_ tag: String) -> Bool {
        immutableTags.contains { $0.matches(tag) }
    }
}
