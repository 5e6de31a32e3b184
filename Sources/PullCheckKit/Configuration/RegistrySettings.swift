import DistributionReference
import Synchronization

/// How pullcheck classifies an image's registry.
public enum RegistryVisibility: String, Sendable, Hashable {
    /// Anyone can pull: no pull secret needed (Docker Hub, registry.k8s.io, ghcr.io, ...).
    case `public`
    /// The nodes authenticate through a kubelet credential provider (ECR, ACR, Artifact Registry).
    case nodeAuthenticated = "node-authenticated"
    /// A pull needs credentials from the pod's pull secrets.
    case `private`
    /// Nothing says: not in the built-in lists or the configuration, and (where a run knows the
    /// project) no Secret holds a credential for it and no other pod pulls from it with pull secrets.
    case unknown
}

/// A registry pattern: `host[:port][/path-prefix]`. The host is matched per dot-separated label
/// as kubelet matches credential keys (`*` matches within one label, so `*.azurecr.io` matches
/// `team.azurecr.io` but not `a.b.azurecr.io`), ignoring case as DNS does; a pattern without a
/// port matches any port; a path
/// prefix matches whole path components (`docker.io/acme` matches `acme/app`, not `acmeco/app`).
public struct RegistryPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let host: GlobPattern
    let port: String?
    let pathPrefix: String?

    init(_ text: String) {
        self.text = text
        var hostPart = Substring(text)
        var prefix: String?
        if let slash = hostPart.firstIndex(of: "/") {
            let rest = hostPart[hostPart.index(after: slash)...]
            prefix = rest.hasSuffix("/") ? String(rest.dropLast()) : String(rest)
            hostPart = hostPart[..<slash]
        }
        // Host names are case-insensitive (DNS); paths are not.
        let (host, port) = RegistrySettings.splitPort(String(hostPart).lowercased())
        self.host = GlobPattern(host, separator: ".")
        self.port = port
        pathPrefix = prefix.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String { text }

    /// `path` nil compares the host and port only.
    func matches(host candidate: String, port candidatePort: String?, path: String?) -> Bool {
        if let port, port != candidatePort { return false }
        if let pathPrefix, let path, !(path == pathPrefix || path.hasPrefix(pathPrefix + "/")) { return false }
        return host.matches(candidate.lowercased())
    }
}

/// The registry lists of the configuration, and the built-in ones.
public struct RegistrySettings: Sendable {
    public var publicHosts: [RegistryPattern] = []
    public var privateHosts: [RegistryPattern] = []
    public var nodeAuthenticatedHosts: [RegistryPattern] = []

    init() {}

    /// Shared registries anyone can pull from anonymously.
    public static let defaultPublic: [String] = [
        "docker.io", "registry-1.docker.io", "registry.hub.docker.com",
        "registry.k8s.io", "k8s.gcr.io", "gcr.io", "*.gcr.io", "ghcr.io", "quay.io", "mcr.microsoft.com",
        "public.ecr.aws", "registry.gitlab.com", "nvcr.io", "docker.elastic.co", "registry.access.redhat.com",
        "cgr.dev", "lscr.io",
    ]

    /// Registries whose nodes usually pull through a kubelet credential provider, and OpenShift's
    /// internal registry, for which OpenShift puts a pull secret into every ServiceAccount.
    public static let defaultNodeAuthenticated: [String] =
        [
            "*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr-fips.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.com.cn",
            "*.azurecr.io", "*.azurecr.cn", "*.azurecr.us", "*-docker.pkg.dev",
        ] + openShiftInternal

    /// OpenShift's internal registry (4.x and 3.x service names).
    static let openShiftInternal: [String] = [
        "image-registry.openshift-image-registry.svc", "image-registry.openshift-image-registry.svc.cluster.local",
        "docker-registry.default.svc", "docker-registry.default.svc.cluster.local",
    ]

    static let builtInPublic = defaultPublic.map(RegistryPattern.init)
    static let builtInNodeAuthenticated = defaultNodeAuthenticated.map(RegistryPattern.init)

    /// The verdict for an image's registry (`host` or `host:port`) and repository path, and why.
    func visibility(of domain: String, path: String? = nil) -> (visibility: RegistryVisibility, reason: String) {
        let (host, port) = Self.splitPort(domain)
        func first(_ patterns: [RegistryPattern]) -> RegistryPattern? {
            patterns.isEmpty ? nil : patterns.first { $0.matches(host: host, port: port, path: path) }
        }
        if let pattern = first(privateHosts) { return (.private, "configured private (\(pattern))") }
        if let pattern = first(nodeAuthenticatedHosts) { return (.nodeAuthenticated, "configured node-authenticated (\(pattern))") }
        if let pattern = first(publicHosts) { return (.public, "configured public (\(pattern))") }
        return Self.builtInVisibility(host: host, port: port)
    }

    /// The built-in lists have no paths and never change: their verdicts are remembered per host.
    private static func builtInVisibility(host: String, port: String?) -> (visibility: RegistryVisibility, reason: String) {
        let key = port.map { host + ":" + $0 } ?? host
        if let known = builtInCache.withLock({ $0[key] }) { return known }
        let verdict: (visibility: RegistryVisibility, reason: String)
        if let pattern = builtInNodeAuthenticated.first(where: { $0.matches(host: host, port: port, path: nil) }) {
            verdict =
                openShiftInternal.contains(pattern.text)
                ? (
                    .nodeAuthenticated,
                    "default: OpenShift's internal registry; OpenShift gives every ServiceAccount a pull secret for it (\(pattern))"
                )
                : (.nodeAuthenticated, "default: nodes authenticate through a credential provider (\(pattern))")
        } else if let pattern = builtInPublic.first(where: { $0.matches(host: host, port: port, path: nil) }) {
            verdict = (.public, "default: well-known public registry (\(pattern))")
        } else {
            verdict = (.unknown, "no evidence: not a well-known public or node-authenticated registry, and not in the configuration")
        }
        builtInCache.withLock { cache in
            if cache.count < 4096 { cache[key] = verdict }
        }
        return verdict
    }

    private static let builtInCache = Mutex<[String: (visibility: RegistryVisibility, reason: String)]>([:])

    /// The verdict for a parsed image.
    public func visibility(of reference: ImageReference) -> (visibility: RegistryVisibility, reason: String) {
        visibility(of: reference.domain, path: reference.path)
    }

    /// `host:port` → (host, port); IPv6 literals keep their brackets.
    static func splitPort(_ domain: String) -> (host: String, port: String?) {
        // On UTF-8 bytes: Character-level searches are far slower, and this runs per image.
        let bytes = domain.utf8
        guard let colon = bytes.lastIndex(of: 0x3A) else { return (domain, nil) }
        if bytes.first == 0x5B, let close = bytes.lastIndex(of: 0x5D), close > colon { return (domain, nil) }
        return (String(domain[..<colon]), String(domain[bytes.index(after: colon)...]))
    }
}
