/// Every rule pullcheck has. The lists are kept by hand, alphabetically within each kind; a
/// test checks that ids are unique and that each rule has its page in `rules/`.
///
/// They are typed by kind (rather than one list of `any Rule.Type` cast at run time) because a
/// dynamic cast to a protocol scans the binary's conformance tables, which start-up cannot afford.
public enum RuleRegistry {
    /// Rules the loader and the suppression pass report.
    static let loaderRules: [any Rule.Type] = [
        DuplicateKeyRule.self,
        NonKubernetesYAMLRule.self,
        UnrenderedTemplateRule.self,
        UnusedSuppressionRule.self,
        YAMLSyntaxRule.self,
    ]

    /// Rules that look at one object at a time.
    static let objectRules: [any ObjectRule.Type] = [
        AlwaysPullImmutableRule.self,
        DeprecatedRegistryRule.self,
        InvalidDockerConfigJSONRule.self,
        InvalidImageRefRule.self,
        InvalidPullPolicyRule.self,
        LatestTagRule.self,
        MissingImageRule.self,
        MissingTagRule.self,
        RegistryTypoRule.self,
        TagTypoRule.self,
        TemplatedValueRule.self,
    ]

    /// Rules that look across the objects of a run.
    static let runRules: [any RunRule.Type] = [
        DockerHubAnonymousRule.self,
        MissingPullSecretRule.self,
        PullSecretNotFoundRule.self,
        PullSecretRegistryMismatchRule.self,
        PullSecretWrongTypeRule.self,
    ]

    /// Rules about registries' answers (`--online`).
    static let onlineRules: [any OnlineRule.Type] = [
        ImageNotFoundRule.self,
        ImageTooLargeRule.self,
        PlatformNotAvailableRule.self,
        PullUnauthorizedRule.self,
        RegistryRateLimitedRule.self,
        RegistryUnreachableRule.self,
        Schema1ManifestRule.self,
    ]

    /// All rules, sorted by id.
    static let all: [any Rule.Type] =
        (loaderRules + objectRules.map { $0 as any Rule.Type }
        + runRules.map { $0 as any Rule.Type } + onlineRules.map { $0 as any Rule.Type }).sorted { $0.description.id < $1.description.id }

    /// The descriptions of all rules, sorted by id.
    public static let descriptions: [RuleDescription] = all.map { $0.description }

    public static func description(of id: String) -> RuleDescription? {
        descriptions.first { $0.id == id }
    }
}
