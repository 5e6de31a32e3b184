import TextSupport

// Explains, for a finding message, why none of a pull secret's registry keys
// gives kubelet a credential for an image, naming the nearest key.

/// Quotes a registry key or host for a message: escapes quotes, backslashes
/// and control characters, and shortens very long values.
func quoteForMessage(_ s: String, limit: Int = 120) -> String {
    "\"" + displayText(s, limit: limit, escapeQuotes: true) + "\""
}

func countWord(_ n: Int) -> String {
    switch n {
    case 1: return "one"
    case 2: return "two"
    case 3: return "three"
    case 4: return "four"
    case 5: return "five"
    default: return "\(n)"
    }
}

/// Edit distance on bytes (TextSupport's `editDistance`), inputs capped at 256 bytes.
func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    editDistance(a.prefix(256), b.prefix(256))
}

private let dockerHubAliases: Set<[UInt8]> = [
    Array("registry-1.docker.io".utf8),
    Array("registry.hub.docker.com".utf8),
    Array("hub.docker.com".utf8),
    Array("registry.docker.io".utf8),
]

private func joinLabels(_ labels: [[UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    for (i, label) in labels.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ".")) }
        out += label
    }
    return out
}

private func hasGlobMeta(_ bytes: [UInt8]) -> Bool {
    bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }
}

private struct ImageFacts {
    let bytes: [UInt8]
    let url: GoURL
    let labels: [[UInt8]]
    let port: [UInt8]
    let isDockerHub: Bool

    var registryDisplay: String { GoText.string(url.host) }
    var pathDisplay: String {
        GoText.string(url.path.first == UInt8(ascii: "/") ? Array(url.path.dropFirst()) : url.path)
    }
}

private func explain(rawKey: String, image: ImageFacts) -> (score: Int, message: String) {
    let shown = quoteForMessage(redactUserinfo(rawKey))
    let rawBytes = Array(rawKey.utf8)
    var value = rawBytes
    if !Keyring.hasPrefix(value, Keyring.https) && !Keyring.hasPrefix(value, Keyring.http) {
        value = Keyring.https + value
    }
    let parsed = GoURLParser.parse(value)
    guard case .success = parsed, let key = Keyring.keyringKey(rawBytes) else {
        var reason = "it cannot be parsed as a URL"
        if case .failure(let error) = parsed { reason = error.text }
        let distance = editDistance(GoText.lowercasedASCII(rawBytes), GoText.lowercasedASCII(image.url.host))
        return (900 + distance, "\(shown) is not a valid registry URL (\(reason)), so kubelet ignores it")
    }
    guard let keyURL = Keyring.parseSchemeless(key) else {
        return (
            800,
            "\(shown) is stored by kubelet as \(quoteForMessage(GoText.string(key))), which kubelet cannot parse again, so it never matches"
        )
    }
    let (keyLabels, keyPort) = Keyring.splitURL(keyURL)
    let keyHost = joinLabels(keyLabels)
    let imageHost = joinLabels(image.labels)
    let pathIsPrefix = Keyring.hasPrefix(image.url.path, keyURL.path)
    let pathDisplay = image.pathDisplay

    // Docker Hub spellings kubelet does not recognize.
    if image.isDockerHub {
        if key == Array("index.docker.io/v1".utf8) || key == Array("index.docker.io/v2".utf8) {
            return (
                0,
                "\(shown) lacks the trailing slash: kubelet stores it as \(quoteForMessage(GoText.string(key))), which matches no Docker Hub image; write \"https://index.docker.io/v1/\""
            )
        }
        let lowerHost = GoText.lowercasedASCII(keyHost)
        if dockerHubAliases.contains(lowerHost) {
            return (5, "\(shown) is not a name kubelet recognizes for Docker Hub; use \"https://index.docker.io/v1/\" or \"docker.io\"")
        }
        if lowerHost == Keyring.defaultRegistryHost && keyPort.isEmpty && !keyURL.path.isEmpty {
            return (
                5,
                "\(shown) keeps a path after index.docker.io, but kubelet's Docker Hub fallback needs the key to be exactly \"https://index.docker.io/v1/\""
            )
        }
    }

    let sameCount = keyLabels.count == image.labels.count
    var globResults: [Bool?] = []
    if sameCount {
        globResults = zip(keyLabels, image.labels).map { GoGlob.match($0, $1) }
    }
    let hostMatches = sameCount && globResults.allSatisfy { $0 == true }
    let badPattern = keyLabels.contains { GoGlob.match($0, []) == nil }

    if hostMatches {
        if keyURL.path == Array("/v1".utf8) || keyURL.path == Array("/v2".utf8), keyPort == image.port, !pathIsPrefix {
            return (
                1,
                "\(shown) lacks the trailing slash: kubelet keeps \(GoText.string(keyURL.path)) as a path prefix, which the image path \(pathDisplay) does not start with"
            )
        }
        if keyPort != image.port {
            let extra = pathIsPrefix ? 0 : 2
            let message: String
            if keyPort.isEmpty {
                message = "\(shown) has no port, the image uses port \(GoText.string(image.port))"
            } else if image.port.isEmpty {
                message = "\(shown) has port \(GoText.string(keyPort)), the image has no port"
            } else {
                message = "\(shown) has port \(GoText.string(keyPort)), the image uses port \(GoText.string(image.port))"
            }
            return (10 + extra, message)
        }
        if !pathIsPrefix {
            if Keyring.hasPrefix(GoText.lowercasedASCII(image.url.path), GoText.lowercasedASCII(keyURL.path)) {
                return (10, "\(shown) differs in case from the image path \(pathDisplay) (kubelet compares case-sensitively)")
            }
            return (15, "the path \(GoText.string(keyURL.path)) of \(shown) is not a prefix of the image path \(pathDisplay)")
        }
        // Everything matches; cannot happen when the lookup failed.
        return (1000, "\(shown) matches")
    }

    if sameCount {
        let lowered = zip(keyLabels, image.labels).map {
            GoGlob.match(GoText.lowercasedASCII($0), GoText.lowercasedASCII($1))
        }
        if lowered.allSatisfy({ $0 == true }) {
            return (10, "\(shown) differs in case (kubelet compares case-sensitively)")
        }
    }
    if badPattern {
        return (30, "\(shown) is not a valid glob pattern, so kubelet never matches it")
    }
    if !sameCount {
        let difference = image.labels.count - keyLabels.count
        let amount = countWord(abs(difference))
        let noun = abs(difference) == 1 ? "label" : "labels"
        let direction = difference > 0 ? "more" : "fewer"
        if keyHost.contains(UInt8(ascii: "*")) {
            return (
                20,
                "\(quoteForMessage(GoText.string(keyHost))) matches one label per *, \(quoteForMessage(GoText.string(imageHost))) has \(amount) \(noun) \(direction) (* never spans a dot)"
            )
        }
        if difference > 0, Keyring.hasPrefix(Array(imageHost.reversed()), Array(([UInt8(ascii: ".")] + keyHost).reversed())) {
            return (25, "\(shown) does not cover subdomains; the image registry is \(quoteForMessage(image.registryDisplay))")
        }
    } else if hasGlobMeta(keyHost) {
        let distance = editDistance(GoText.lowercasedASCII(keyHost), GoText.lowercasedASCII(imageHost))
        return (
            25 + distance,
            "\(quoteForMessage(GoText.string(keyHost))) does not match \(quoteForMessage(GoText.string(imageHost))) (each dot-separated label must match its pattern)"
        )
    }
    let distance = editDistance(GoText.lowercasedASCII(keyURL.host), GoText.lowercasedASCII(image.url.host))
    return (100 + distance, "\(shown) is a different registry than \(quoteForMessage(image.registryDisplay))")
}

/// For a finding message when no key matches: names the nearest registry key
/// and why kubelet does not use it for the image. Nil when `keys` is empty,
/// when kubelet does match one of them, or when the image name cannot be parsed.
public func nearestKeyExplanation(keys: [String], image normalizedRepository: String) -> String? {
    guard !keys.isEmpty else { return nil }
    if kubeletLookup(keys: keys, image: normalizedRepository).matched { return nil }
    let imageBytes = Array(normalizedRepository.utf8)
    guard let url = Keyring.parseSchemeless(imageBytes) else { return nil }
    let (labels, port) = Keyring.splitURL(url)
    let facts = ImageFacts(
        bytes: imageBytes, url: url, labels: labels, port: port,
        isDockerHub: Keyring.isDefaultRegistryMatch(imageBytes))
    var best: (score: Int, message: String)? = nil
    for key in keys {
        let candidate = explain(rawKey: key, image: facts)
        if let current = best, current.score <= candidate.score { continue }
        best = candidate
    }
    return best?.message
}
