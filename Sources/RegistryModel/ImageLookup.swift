/// The value types that the linter and the registry client exchange. No I/O and no Foundation here:
/// the offline executable links this target, the registry client (libcurl, loaded on demand) does not
/// get linked into it.

/// A credential that kubelet (or the person running pullcheck) would present to a registry. It lives
/// in memory only: never printed, logged, cached or sent anywhere but the registry and its token realm.
public struct RegistryCredential: Sendable, Hashable {
    public var username: String
    public var password: String
    /// Docker config `identitytoken`: an OAuth2 refresh token for the registry's token realm.
    public var identityToken: String?
    /// Docker config `registrytoken`: a bearer token sent as is.
    public var registryToken: String?
    /// Where it came from, safe to print: `secret shop/regcred, key "ghcr.io"` or `~/.docker/config.json`.
    public var source: String

    public init(username: String, password: String, identityToken: String? = nil, registryToken: String? = nil, source: String) {
        self.username = username
        self.password = password
        self.identityToken = identityToken
        self.registryToken = registryToken
        self.source = source
    }

    /// Who this credential is, without its secret: the part of a cache key that tells answers for
    /// different credentials apart.
    public var identity: String { "\(source)\u{0}\(username)" }
}

/// One question for a registry: does this image exist, and do these credentials get in?
public struct ImageLookup: Sendable, Hashable {
    /// The registry host as the normalized reference names it: `docker.io`, `ghcr.io`, `localhost:5000`.
    public var registry: String
    /// The repository path inside it: `library/nginx`.
    public var repository: String
    public var tag: String?
    public var digest: String?
    /// What kubelet would present, in kubelet's order; empty means an anonymous pull.
    public var podCredentials: [RegistryCredential]
    /// false when the pod's pull secrets are not all readable here (not in the manifests, sealed, or
    /// added at admission): a refusal then says nothing about the pod, only a 404 or a success does.
    public var podCredentialsKnown: Bool
    /// The runner's own credentials for this registry (docker/podman config), to tell "does not exist"
    /// from "exists, but the pod cannot pull it", and for node-authenticated registries.
    public var runnerCredentials: [RegistryCredential]
    /// kubelet gets the credential from the node (ECR, ACR, Artifact Registry, a configured provider):
    /// only the runner's credentials can check existence; without them the lookup is not checked.
    public var nodeAuthenticated: Bool
    /// `os/arch[/variant]` the nodes run, for indexes and manifest lists.
    public var platforms: [String]
    /// Fetch the manifest for the first platform to sum its compressed size (costs a GET).
    public var wantsSize: Bool

    public init(
        registry: String, repository: String, tag: String?, digest: String?, podCredentials: [RegistryCredential] = [],
        podCredentialsKnown: Bool = true, runnerCredentials: [RegistryCredential] = [], nodeAuthenticated: Bool = false,
        platforms: [String] = ["linux/amd64"],
        wantsSize: Bool = false
    ) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
        self.podCredentials = podCredentials
        self.podCredentialsKnown = podCredentialsKnown
        self.runnerCredentials = runnerCredentials
        self.nodeAuthenticated = nodeAuthenticated
        self.platforms = platforms
        self.wantsSize = wantsSize
    }

    /// The manifest reference asked for: the digest when there is one (kubelet pulls by digest then).
    public var reference: String { digest ?? tag ?? "latest" }
}

/// The registry's answer, in the words of `inspect-image --online`'s `"status"`.
public enum LookupStatus: String, Sendable, Hashable {
    case found
    case notFound = "not-found"
    case unauthorized
    case unreachable
    case rateLimited = "rate-limited"
    case notChecked = "not-checked"
}

/// Why a registry could not be reached, as precisely as the transport can tell.
public enum UnreachableCause: Sendable, Hashable {
    /// The host name does not resolve (`no such host`).
    case dns(host: String)
    /// Nothing listens on the port (`connection refused`).
    case refused(host: String)
    /// No answer within the deadline.
    case timeout(host: String, seconds: Double)
    /// `x509: certificate signed by unknown authority`.
    case tlsUnknownAuthority(host: String, detail: String)
    /// `x509: certificate is valid for …, not …`.
    case tlsHostname(host: String, detail: String)
    /// `x509: certificate has expired or is not yet valid`.
    case tlsExpired(host: String, detail: String)
    /// Any other TLS failure.
    case tlsOther(host: String, detail: String)
    /// https was spoken to a plain-HTTP registry (`http: server gave HTTP response to HTTPS client`).
    case plainHTTPServer(host: String)
    /// Plain HTTP was spoken to a TLS registry (`400 Client sent an HTTP request to an HTTPS server`).
    case tlsServer(host: String)
    /// The proxy refused or failed.
    case proxy(detail: String)
    /// Anything else on the wire (reset twice, malformed answer, a redirect loop).
    case other(host: String, detail: String)
    /// The HTTP library itself is not available on this machine.
    case clientUnavailable(detail: String)
}

/// What one lookup found. Nothing in here is secret: `credential` and `triedCredentials` are sources.
public struct LookupResult: Sendable, Hashable {
    public var status: LookupStatus
    public var digest: String?
    public var mediaType: String?
    /// For an index or manifest list: every `os/arch[/variant]` it offers.
    public var platforms: [String] = []
    /// For an index: whether any configured platform is offered (nil when not an index).
    public var platformAvailable: Bool?
    /// Compressed size for the first configured platform (config plus layers), when asked for.
    public var size: Int64?
    public var httpStatus: Int?
    /// One line that says what happened, in the registry's or transport's words; never a credential.
    public var reason: String = ""
    /// Where the credential that answered (or was refused) came from; nil for anonymous.
    public var credential: String?
    /// Every credential source tried for the pod, in order.
    public var triedCredentials: [String] = []
    /// For `not-found`: whether the repository exists (from `tags/list`), nil when it could not be read.
    public var repositoryExists: Bool?
    /// For `not-found` with a readable repository: its tags (bounded), for "did you mean".
    public var tags: [String] = []
    /// A Docker schema 1 manifest, which containerd 2.0+ and Docker 26+ refuse to pull.
    public var schema1 = false
    /// For `rate-limited`: `Retry-After` in seconds and the `ratelimit-remaining` header, when sent.
    public var retryAfter: Double?
    public var rateLimitRemaining: String?
    public var unreachable: UnreachableCause?
    /// For `unauthorized`: the runner's own credentials found the image (it exists; the pod cannot pull it).
    public var visibleToRunner: Bool?
    /// The host actually asked (a mirror from `hosts.toml`, or the registry).
    public var host: String = ""
    /// Answered from the on-disk cache, and how many HTTP requests this lookup made.
    public var fromCache = false
    public var requests = 0

    public init(status: LookupStatus) { self.status = status }
}

/// How lookups are made. One value per run.
public struct OnlineSettings: Sendable, Hashable {
    /// One deadline per lookup covering DNS, connect, TLS and the answer.
    public var timeout: Double = 10
    /// `certs.d` folders in the order they are searched (containerd's, then Docker's).
    public var certsDirectories: [String] = []
    public var useCache = true
    /// `$XDG_CACHE_HOME/pullcheck`; nil turns the disk cache off.
    public var cacheDirectory: String?
    /// How long a tag's answer is trusted; digests are kept for good, failures for a minute.
    public var tagTTL: Double = 600
    public var failureTTL: Double = 60
    public var maxInFlight = 8
    public var maxPerRegistry = 4
    /// Registries reached over plain HTTP (and allowed to receive credentials that way).
    public var insecureRegistries: [String] = []

    public init() {}
}

/// Answers lookups. The registry client implements it; the linter only sees this protocol.
public protocol ImageLookupService: Sendable {
    /// One result per lookup, in the same order. Identical lookups are asked once.
    func lookup(_ lookups: [ImageLookup], settings: OnlineSettings) -> [LookupResult]
}
