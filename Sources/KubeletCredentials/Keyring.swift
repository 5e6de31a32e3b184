// kubelet's BasicDockerKeyring (pkg/credentialprovider/keyring.go):
//
// Add: for every registry key, prefix "https://" unless it starts with
// "https://" or "http://", url.Parse it (entries that fail are logged and
// ignored), strip a leading "/v1" or "/v2" from a path that starts with
// "/v1/" or "/v2/", and store the credential under host[:port] + path, or
// under host[:port] alone when that path is empty or "/".
//
// Lookup(image), image being the normalized repository name
// ("docker.io/library/nginx"): every stored key k with URLsMatchStr(k, image)
// contributes its credentials; only when none does, and the image is a Docker
// Hub image (isDefaultRegistryMatch), the credentials stored under exactly
// "index.docker.io" are used.
//
// URLsMatchStr parses both sides as "https://" + s; the ports
// (net.SplitHostPort, "" when absent) must be equal, the hosts must have the
// same number of dot-separated labels, the key's path must be a string prefix
// of the image's path, and each host label of the key is a filepath.Match
// glob against the image's label (case-sensitive; a malformed pattern never
// matches).

/// The result of a kubelet keyring lookup over a set of registry keys.
public struct KeyringMatch: Sendable, Hashable {
    /// kubelet offers at least one credential for the image.
    public let matched: Bool
    /// The registry key (as written, user information redacted) of the most
    /// specific matching entry; "index.docker.io"-type keys for the Docker Hub fallback.
    let matchedKey: String?
    /// The keyring keys whose credentials kubelet offers, most specific first.
    let offeredKeyringKeys: [String]
    /// The match came from the Docker Hub fallback (a key stored as exactly "index.docker.io").
    let viaDockerHubFallback: Bool
}

enum Keyring {
    static let https = Array("https://".utf8)
    static let http = Array("http://".utf8)
    static let defaultRegistryHost = Array("index.docker.io".utf8)

    static func hasPrefix(_ s: [UInt8], _ p: [UInt8]) -> Bool {
        s.count >= p.count && s[0..<p.count].elementsEqual(p)
    }

    /// BasicDockerKeyring.Add's normalization on bytes; nil when url.Parse fails.
    static func keyringKey(_ raw: [UInt8]) -> [UInt8]? {
        var value = raw
        if !hasPrefix(value, https) && !hasPrefix(value, http) {
            value = https + value
        }
        guard case .success(let parsed) = GoURLParser.parse(value) else { return nil }
        var effectivePath = parsed.path
        if hasPrefix(effectivePath, Array("/v2/".utf8)) || hasPrefix(effectivePath, Array("/v1/".utf8)) {
            effectivePath = Array(effectivePath.dropFirst(3))
        }
        if !effectivePath.isEmpty && effectivePath != [UInt8(ascii: "/")] {
            return parsed.host + effectivePath
        }
        return parsed.host
    }

    static func parseSchemeless(_ s: [UInt8]) -> GoURL? {
        guard case .success(let url) = GoURLParser.parse(https + s) else { return nil }
        return url
    }

    /// SplitURL: host labels and port ("" when SplitHostPort fails).
    static func splitURL(_ url: GoURL) -> (labels: [[UInt8]], port: [UInt8]) {
        let host: [UInt8]
        let port: [UInt8]
        if let split = GoURLParser.splitHostPort(url.host) {
            host = split.host
            port = split.port
        } else {
            host = url.host
            port = []
        }
        return (host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map(Array.init), port)
    }

    /// URLsMatch(glob, target) with errors counted as no match.
    static func urlsMatch(_ glob: GoURL, _ target: GoURL) -> Bool {
        let (globLabels, globPort) = splitURL(glob)
        let (targetLabels, targetPort) = splitURL(target)
        if globPort != targetPort { return false }
        if globLabels.count != targetLabels.count { return false }
        if !hasPrefix(target.path, glob.path) { return false }
        for (g, t) in zip(globLabels, targetLabels) {
            guard GoGlob.match(g, t) == true else { return false }
        }
        return true
    }

    static func urlsMatchStr(_ glob: [UInt8], _ target: [UInt8]) -> Bool {
        guard let g = parseSchemeless(glob), let t = parseSchemeless(target) else { return false }
        return urlsMatch(g, t)
    }

    /// isDefaultRegistryMatch.
    static func isDefaultRegistryMatch(_ image: [UInt8]) -> Bool {
        let slash = image.firstIndex(of: UInt8(ascii: "/"))
        let first = slash.map { Array(image[0..<$0]) } ?? image
        if first.isEmpty { return false }
        guard slash != nil else { return true }
        if first == Array("docker.io".utf8) || first == defaultRegistryHost { return true }
        return !first.contains(UInt8(ascii: ".")) && !first.contains(UInt8(ascii: ":"))
    }

    static func matches(keyringKey key: [UInt8], image: [UInt8]) -> Bool {
        if urlsMatchStr(key, image) { return true }
        return key == defaultRegistryHost && isDefaultRegistryMatch(image)
    }

    /// Go's sort.Strings order (bytewise).
    static func lessBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }
}

/// What kubelet's BasicDockerKeyring.Add stores a registry key under: "https://"
/// is prefixed unless the key starts with "https://" or "http://", the URL is
/// parsed with Go's url.Parse, a path starting with /v1/ or /v2/ loses that
/// prefix, and the key is host[:port] plus the path unless the path is empty
/// or "/". Nil when url.Parse fails (kubelet logs and ignores the entry).
func keyringKey(forRegistryKey rawKey: String) -> String? {
    Keyring.keyringKey(Array(rawKey.utf8)).map { GoText.string($0) }
}

/// Whether kubelet offers the credential stored under `rawKey` for the image
/// (`normalizedRepository` as kubelet sees it, e.g. "docker.io/library/nginx",
/// "registry.example.com:5000/team/app"), including the Docker Hub fallback for
/// a key stored as exactly "index.docker.io". (The fallback only applies when
/// no other key of the pod's pull secrets matches; see `kubeletLookup`.)
func kubeletMatches(registryKey rawKey: String, image normalizedRepository: String) -> Bool {
    guard let key = Keyring.keyringKey(Array(rawKey.utf8)) else { return false }
    return Keyring.matches(keyringKey: key, image: Array(normalizedRepository.utf8))
}

/// kubelet's Lookup over all registry keys of a pod's pull secrets (kubelet
/// puts every pull secret of the pod into one keyring).
public func kubeletLookup(keys rawKeys: [String], image normalizedRepository: String) -> KeyringMatch {
    PreparedKeyring(keys: rawKeys).lookup(image: normalizedRepository)
}

/// A keyring whose keys are parsed once (kubelet's Add), for looking up many images.
public struct PreparedKeyring: Sendable {
    private let entries: [(key: [UInt8], raw: String, url: GoURL?)]
    private let fallbackRaw: String?

    public init(keys rawKeys: [String]) {
        var byKey: [[UInt8]: String] = [:]
        var index: [[UInt8]] = []
        for raw in rawKeys {
            guard let key = Keyring.keyringKey(Array(raw.utf8)) else { continue }
            if byKey[key] == nil {
                byKey[key] = redactUserinfo(raw)
                index.append(key)
            }
        }
        // Reverse-sorted, as kubelet does, so more specific paths come first.
        index.sort { Keyring.lessBytes($1, $0) }
        entries = index.map { key in (key, byKey[key] ?? "", Keyring.parseSchemeless(key)) }
        fallbackRaw = byKey[Keyring.defaultRegistryHost]
    }

    public func lookup(image normalizedRepository: String) -> KeyringMatch {
        let image = Array(normalizedRepository.utf8)
        let target = Keyring.parseSchemeless(image)
        let matching = target.map { target in entries.filter { entry in entry.url.map { Keyring.urlsMatch($0, target) } ?? false } } ?? []
        if let first = matching.first {
            return KeyringMatch(
                matched: true, matchedKey: first.raw, offeredKeyringKeys: matching.map { GoText.string($0.key) },
                viaDockerHubFallback: false)
        }
        if Keyring.isDefaultRegistryMatch(image), let raw = fallbackRaw {
            return KeyringMatch(
                matched: true, matchedKey: raw, offeredKeyringKeys: [GoText.string(Keyring.defaultRegistryHost)],
                viaDockerHubFallback: true)
        }
        return KeyringMatch(matched: false, matchedKey: nil, offeredKeyringKeys: [], viaDockerHubFallback: false)
    }
}

/// Replaces the user information of a registry key ("user:pass@host") by
/// "<redacted>" so that it can be shown; other keys are returned unchanged.
func redactUserinfo(_ rawKey: String) -> String {
    let bytes = Array(rawKey.utf8)
    var authorityStart = 0
    if let r = findSubsequence(bytes, Array("://".utf8)) {
        authorityStart = r + 3
    }
    var authorityEnd = bytes.count
    var i = authorityStart
    while i < bytes.count {
        let c = bytes[i]
        if c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") {
            authorityEnd = i
            break
        }
        i += 1
    }
    guard authorityStart <= authorityEnd,
        let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@"))
    else {
        return rawKey
    }
    let redacted = Array(bytes[0..<authorityStart]) + Array("<redacted>".utf8) + Array(bytes[at...])
    return GoText.string(redacted)
}

func findSubsequence(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
    guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
    var i = 0
    while i + needle.count <= haystack.count {
        if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        i += 1
    }
    return nil
}
