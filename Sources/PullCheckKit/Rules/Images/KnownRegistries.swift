import DistributionReference
import Synchronization
import TextSupport

/// Registry facts the image rules share: the well-known hosts (for typo detection) and the
/// registries that were frozen, moved or removed.
public enum KnownRegistries {
    /// Hosts people pull from most; a host one or two edits away from one of them is probably a typo.
    static let wellKnown: [String] = [
        "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "gcr.io", "us.gcr.io",
        "eu.gcr.io", "asia.gcr.io", "ghcr.io", "quay.io", "registry.k8s.io", "k8s.gcr.io", "mcr.microsoft.com",
        "public.ecr.aws", "registry.gitlab.com", "nvcr.io", "docker.elastic.co", "registry.access.redhat.com",
        "registry.redhat.io", "cgr.dev", "lscr.io",
    ]

    /// Real registries whose names are close to a well-known one; never reported as typos.
    static let realNeighbours: Set<String> = [
        "icr.io", "us.icr.io", "de.icr.io", "uk.icr.io", "jp.icr.io", "au.icr.io", "ocir.io", "dhi.io", "nvcr.io",
        "lscr.io", "cgr.dev", "gcr.dev", "acr.io", "ecr.aws", "quay.com",
    ]

    /// The well-known host a domain is probably a misspelling of, or nil. Runs for every image
    /// with a registry, so most candidates are ruled out by length before any distance is computed.
    static func likelyTypo(of domain: String) -> String? {
        // Manifests name few registries many times: remember the answers (bounded).
        if let known = typoCache.withLock({ $0[domain] }) { return known }
        let answer = computeLikelyTypo(of: domain)
        typoCache.withLock { cache in
            if cache.count < 4096 { cache[domain] = .some(answer) }
        }
        return answer
    }

    private static let typoCache = Mutex<[String: String?]>([:])

    private static func computeLikelyTypo(of domain: String) -> String? {
        let host = RegistrySettings.splitPort(domain).host.lowercased()
        guard !wellKnown.contains(host), !realNeighbours.contains(host) else { return nil }
        let bytes = Array(host.utf8)
        var best: (host: String, distance: Int)?
        for candidate in wellKnownBytes {
            // Short names have many real neighbours: allow one edit there, two for longer names.
            let allowed = candidate.bytes.count <= 7 ? 1 : 2
            let distance = editDistance(bytes, candidate.bytes, limit: allowed)
            guard distance > 0, distance <= allowed else { continue }
            // Ties go to the candidate of the same length (a swap or a changed letter is likelier
            // than a missing one: "gchr.io" is "ghcr.io", not "gcr.io").
            let lengthGap = abs(candidate.bytes.count - bytes.count)
            if let current = best {
                let currentGap = abs(current.host.utf8.count - bytes.count)
                guard distance < current.distance || (distance == current.distance && lengthGap < currentGap) else { continue }
            }
            best = (candidate.host, distance)
        }
        return best?.host
    }

    private static let wellKnownBytes: [(host: String, bytes: [UInt8])] = wellKnown.map { ($0, Array($0.utf8)) }

    /// Why a registry host is probably not the one meant: a misspelt well-known host, or a first
    /// path component with an uppercase letter, which makes it a host name (`Prom/exporter` is
    /// pulled from a host called `Prom`). Hosts the built-in lists or the configuration know are never typos.
    public static func typoExplanation(for reference: ImageReference, configuration: Configuration) -> String? {
        // A host that the built-in lists or the configuration know (exactly or by a glob such as
        // `*.gcr.io`) is real, however close it is to another one.
        guard reference.domainRange != nil, configuration.registries.visibility(of: reference.domain).visibility == .unknown else {
            return nil
        }
        let host = RegistrySettings.splitPort(reference.domain).host
        if !host.contains("."), !reference.domain.contains(":"), host != "localhost", host != host.lowercased() {
            return
                "\"\(reference.domain)\" has an uppercase letter, so it is read as a registry host, not a Docker Hub account; kubelet will look up the host \(reference.domain) and fail with \"no such host\"; write it in lowercase (\(reference.domain.lowercased())/\(reference.path))"
        }
        if let meant = likelyTypo(of: reference.domain) {
            return
                "the registry host \"\(reference.domain)\" looks like a misspelling of \"\(meant)\"; kubelet will fail with \"no such host\""
        }
        return nil
    }

    /// A registry (or a repository prefix on one) that no longer serves what manifests expect.
    public struct Retirement: Sendable {
        enum State: Sendable {
            /// No new images or tags; existing ones are still served (a digest keeps working).
            case frozen
            /// The images are gone from here; every pull fails.
            case removed
        }

        let domain: String
        /// A path prefix (`bitnami/`), or nil for the whole registry.
        let pathPrefix: String?
        let state: State
        let since: String
        public let what: String
        public let replacement: String
        let reference: String
        /// Repositories under the prefix that are not affected.
        var exceptions: [String] = []
        /// The `latest` tag (and an untagged name) is still served there.
        var keepsLatest = false
    }

    static let retired: [Retirement] = [
        Retirement(
            domain: "k8s.gcr.io", pathPrefix: nil, state: .frozen, since: "2023-04-03",
            what:
                "the old Kubernetes project registry was frozen on 2023-04-03 and its traffic is redirected; it gets no new images or tags",
            replacement: "registry.k8s.io", reference: "https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/"),
        Retirement(
            domain: "gcr.io", pathPrefix: "google-containers/", state: .frozen, since: "2023-04-03",
            what: "gcr.io/google-containers backs the frozen k8s.gcr.io registry (frozen on 2023-04-03)",
            replacement: "registry.k8s.io", reference: "https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/"),
        Retirement(
            domain: "gcr.io", pathPrefix: "google_containers/", state: .frozen, since: "2023-04-03",
            what: "gcr.io/google_containers backs the frozen k8s.gcr.io registry (frozen on 2023-04-03)",
            replacement: "registry.k8s.io", reference: "https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/"),
        Retirement(
            domain: "docker.pkg.github.com", pathPrefix: nil, state: .removed, since: "2021-06",
            what:
                "GitHub's Docker registry was replaced by the Container registry (generally available since June 2021) and its images were migrated there",
            replacement: "ghcr.io",
            reference:
                "https://docs.github.com/packages/working-with-a-github-packages-registry/migrating-to-the-container-registry-from-the-docker-registry"
        ),
        Retirement(
            domain: "docker.io", pathPrefix: "bitnami/", state: .removed, since: "2025-08-28",
            what:
                "Bitnami moved its versioned images from docker.io/bitnami to the unmaintained docker.io/bitnamilegacy between 2025-08-28 and 2025-09-29; docker.io/bitnami keeps only a few hardened images tagged latest",
            replacement: "docker.io/bitnamilegacy (no updates) or Bitnami Secure Images",
            reference: "https://github.com/bitnami/containers/issues/83267",
            exceptions: ["bitnami/sealed-secrets-controller", "bitnami/minideb"], keepsLatest: true),
    ]

    /// The retirement that applies to a parsed reference, if any.
    public static func retirement(for reference: ImageReference) -> Retirement? {
        let domain = reference.domain.lowercased()
        return retired.first { entry in
            guard entry.domain == domain else { return false }
            if entry.keepsLatest && (reference.tag == "latest" || (reference.tag == nil && reference.digest == nil)) { return false }
            guard let prefix = entry.pathPrefix else { return true }
            guard reference.path.hasPrefix(prefix) else { return false }
            return !entry.exceptions.contains { reference.path == $0 || reference.path.hasPrefix($0 + "/") }
        }
    }
}
