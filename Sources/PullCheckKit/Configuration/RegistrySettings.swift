/// How pullcheck classifies an image's registry.
public enum RegistryVisibility: String, Sendable, Hashable {
    /// Anyone can pull: no pull secret needed (Docker Hub, registry.k8s.io, ghcr.io, ...).
    case `public`
    /// The nodes authenticate through a kubelet credential provider (ECR, ACR, Artifact Registry).
    case nodeAuthenticated = "node-authenticated"
    /// A pull needs credentials from the pod's pull secrets.
    case `private`
}

/// Registry host patterns, matched per dot-separated label as kubelet matches credential keys:
/// `*` matches within one label, so `*.azurecr.io` matches `team.azurecr.io` but not
/// `a.b.azurecr.io`. A pattern without a port matches the host on any port.
public struct RegistrySettings: Sendable {
    public var publicHosts: [GlobPattern] = []
    public var privateHosts: [GlobPattern] = []
    public var nodeAuthenticatedHosts: [GlobPattern] = []

    public init() {}

    /// Shared registries anyone can pull from anonymously.
    public static let defaultPublic: [String] = [
        "docker.io", "registry-1.docker.io", "registry.hub.docker.com",
        "registry.k8s.io", "k8s.gcr.io", "gcr.io", "*.gcr.io", "ghcr.io", "quay.io", "mcr.microsoft.com",
        "public.ecr.aws", "registry.gitlab.com", "nvcr.io", "docker.elastic.co", "registry.access.redhat.com",
        "cgr.dev", "lscr.io",
    ]

    /// Registries whose nodes usually pull through a kubelet credential provider.
    public static let defaultNodeAuthenticated: [String] = [
        "*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr-fips.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.com.cn",
        "*.azurecr.io", "*.azurecr.cn", "*.azurecr.us", "*-docker.pkg.dev",
    ]

    static let compiledDefaultPublic = defaultPublic.map { GlobPattern($0, separator: ".") }
    static let compiledDefaultNodeAuthenticated = defaultNodeAuthenticated.map { GlobPattern($0, separator: ".") }

    /// The verdict for a registry domain (`host` or `host:port`), and why.
    public func visibility(of domain: String) -> (visibility: RegistryVisibility, reason: String) {
        if let pattern = Self.firstMatch(privateHosts, domain) {
            return (.private, "configured private (\(pattern))")
        }
        if let pattern = Self.firstMatch(nodeAuthenticatedHosts, domain) {
            return (.nodeAuthenticated, "configured node-authenticated (\(pattern))")
        }
        if let pattern = Self.firstMatch(publicHosts, domain) {
            return (.public, "configured public (\(pattern))")
        }
        if let pattern = Self.firstMatch(Self.compiledDefaultNodeAuthenticated, domain) {
            return (.nodeAuthenticated, "default: nodes authenticate through a credential provider (\(pattern))")
        }
        if let pattern = Self.firstMatch(Self.compiledDefaultPublic, domain) {
            return (.public, "default: well-known public registry (\(pattern))")
        }
        return (.private, "default: not a well-known public registry")
    }

    private static func firstMatch(_ patterns: [GlobPattern], _ domain: String) -> String? {
        let (host, port) = splitPort(domain)
        for pattern in patterns {
            let (patternHost, patternPort) = splitPort(pattern.pattern)
            if let patternPort, patternPort != port { continue }
            let hostPattern = patternPort == nil ? pattern : GlobPattern(patternHost, separator: ".")
            if hostPattern.matches(host) { return pattern.pattern }
        }
        return nil
    }

    /// `host:port` → (host, port); IPv6 literals keep their brackets.
    static func splitPort(_ domain: String) -> (host: String, port: String?) {
        guard let colon = domain.lastIndex(of: ":") else { return (domain, nil) }
        if domain.hasPrefix("["), let close = domain.lastIndex(of: "]"), close > colon { return (domain, nil) }
        return (String(domain[..<colon]), String(domain[domain.index(after: colon)...]))
    }
}
