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

    /// The verdict for an image's registry (`host` or `host:port`) and repository path, and why.
    /// Configured patterns may carry a path (`docker.io/acme`) to classify part of a registry.
    public func visibility(of domain: String, path: String = "") -> (visibility: RegistryVisibility, reason: String) {
        if let pattern = Self.firstMatch(privateHosts, domain, path) {
            return (.private, "configured private (\(pattern))")
        }
        if let pattern = Self.firstMatch(nodeAuthenticatedHosts, domain, path) {
            return (.nodeAuthenticated, "configured node-authenticated (\(pattern))")
        }
        if let pattern = Self.firstMatch(publicHosts, domain, path) {
            return (.public, "configured public (\(pattern))")
        }
        if let pattern = Self.firstMatch(Self.compiledDefaultNodeAuthenticated, domain, path) {
            return (.nodeAuthenticated, "default: nodes authenticate through a credential provider (\(pattern))")
        }
        if let pattern = Self.firstMatch(Self.compiledDefaultPublic, domain, path) {
            return (.public, "default: well-known public registry (\(pattern))")
        }
        return (.private, "default: not a well-known public registry")
    }

    /// The verdict for a parsed image.
    public func visibility(of reference: ImageReference) -> (visibility: RegistryVisibility, reason: String) {
        visibility(of: reference.domain, path: reference.path)
    }

    /// Whether any configured list names this registry (host patterns only).
    func isConfigured(_ domain: String) -> Bool {
        Self.firstMatch(privateHosts + nodeAuthenticatedHosts + publicHosts, domain, nil) != nil
    }

    /// `pattern` is `host[:port][/path-prefix]`; a missing port matches any port, a path prefix
    /// matches whole path components. With `path` nil, only the host part is compared.
    private static func firstMatch(_ patterns: [GlobPattern], _ domain: String, _ path: String?) -> String? {
        let (host, port) = splitPort(domain)
        for pattern in patterns {
            var hostPart = pattern.pattern
            var prefix: String?
            if let slash = hostPart.firstIndex(of: "/") {
                prefix = String(hostPart[hostPart.index(after: slash)...])
                hostPart = String(hostPart[..<slash])
            }
            if let prefix, let path {
                let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
                guard path == trimmed || path.hasPrefix(trimmed + "/") else { continue }
            }
            let (patternHost, patternPort) = splitPort(hostPart)
            if let patternPort, patternPort != port { continue }
            if GlobPattern(patternHost, separator: ".").matches(host) { return pattern.pattern }
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
