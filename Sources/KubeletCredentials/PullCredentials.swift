/// The credentials a docker-registry Secret (or a local docker config) holds, decoded as kubelet
/// decodes them, and kubelet's order for offering them to an image. Only the online mode calls this:
/// the decoded values stay in memory, are sent only to the registry (and its token realm), and are
/// never printed, logged or cached.
public struct PullCredentialEntry: Sendable {
    /// The registry key as written (user information redacted), safe to show.
    public let rawKey: String
    /// What kubelet stores it under (`keyringKey(forRegistryKey:)`).
    let keyringKey: [UInt8]
    public let username: String
    public let password: String
    /// `identitytoken` / `registrytoken` (kubelet ignores them; docker and podman use them).
    public let identityToken: String?
    public let registryToken: String?
}

/// The entries of a `.dockerconfigjson` (`{"auths": …}`) or `.dockercfg` (the map itself) that hold a
/// credential, as kubelet's DockerConfigEntry decodes them: `auth` (base64 `user:password`) overrides
/// `username`/`password`; a repeated key keeps the last entry. Entries kubelet cannot decode are left
/// out (the offline rules report them).
public func pullCredentialEntries(_ json: [UInt8], format: DockerSecretFormat) -> [PullCredentialEntry] {
    guard case .success(let root) = JSONParser.parse(json), root.kind == .object else { return [] }
    var map: [JSONObjectMember] = []
    switch format {
    case .dockerCfg:
        map = root.members
    case .dockerConfigJSON:
        for member in root.members where GoText.jsonFieldNameMatches(member.keyBytes, upperName: Array("AUTHS".utf8)) {
            if member.value.kind == .null { map = [] } else { map += member.value.members }
        }
    }
    var winners: [[UInt8]: Int] = [:]
    for (index, member) in map.enumerated() { winners[member.keyBytes] = index }
    var entries: [PullCredentialEntry] = []
    for (index, member) in map.enumerated() where winners[member.keyBytes] == index && member.value.kind == .object {
        guard let key = Keyring.keyringKey(member.keyBytes) else { continue }
        var username: [UInt8] = []
        var password: [UInt8] = []
        var auth: [UInt8] = []
        var identityToken: String?
        var registryToken: String?
        for field in member.value.members {
            guard let bytes = field.value.stringBytes else { continue }
            if GoText.jsonFieldNameMatches(field.keyBytes, upperName: Array("USERNAME".utf8)) {
                username = bytes
            } else if GoText.jsonFieldNameMatches(field.keyBytes, upperName: Array("PASSWORD".utf8)) {
                password = bytes
            } else if GoText.jsonFieldNameMatches(field.keyBytes, upperName: Array("AUTH".utf8)) {
                auth = bytes
            } else if GoText.jsonFieldNameMatches(field.keyBytes, upperName: Array("IDENTITYTOKEN".utf8)) {
                identityToken = GoText.string(bytes)
            } else if GoText.jsonFieldNameMatches(field.keyBytes, upperName: Array("REGISTRYTOKEN".utf8)) {
                registryToken = GoText.string(bytes)
            }
        }
        if !auth.isEmpty {
            guard case .success(let decoded) = Base64.decode(auth, padded: Base64.kubeletAuthUsesPaddedDecoding(auth)),
                let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
            else { continue }
            username = Array(decoded[..<colon])
            password = Array(decoded[(colon + 1)...])
        }
        guard !username.isEmpty || !password.isEmpty || identityToken?.isEmpty == false || registryToken?.isEmpty == false else { continue }
        entries.append(
            PullCredentialEntry(
                rawKey: redactUserinfo(GoText.string(member.keyBytes)), keyringKey: key, username: GoText.string(username),
                password: GoText.string(password), identityToken: identityToken, registryToken: registryToken))
    }
    return entries
}

/// kubelet's `BasicDockerKeyring.Lookup` over the entries of all of a pod's pull secrets (in the
/// pod's order): every entry whose key matches the image, keys in reverse byte order (so longer
/// paths first) and, under one key, in the order the secrets were added; else the entries stored
/// under `index.docker.io` for a Docker Hub image.
public func kubeletCredentialOrder<Source>(_ entries: [(source: Source, entry: PullCredentialEntry)], image normalizedRepository: String)
    -> [(source: Source, entry: PullCredentialEntry)]
{
    var byKey: [[UInt8]: [(source: Source, entry: PullCredentialEntry)]] = [:]
    var keys: [[UInt8]] = []
    for item in entries {
        if byKey[item.entry.keyringKey] == nil { keys.append(item.entry.keyringKey) }
        byKey[item.entry.keyringKey, default: []].append(item)
    }
    keys.sort { Keyring.lessBytes($1, $0) }
    let image = Array(normalizedRepository.utf8)
    var matched: [(source: Source, entry: PullCredentialEntry)] = []
    for key in keys where Keyring.urlsMatchStr(key, image) { matched += byKey[key] ?? [] }
    if matched.isEmpty, Keyring.isDefaultRegistryMatch(image), let hub = byKey[Keyring.defaultRegistryHost] { return hub }
    return matched
}

/// A docker or podman client config (`~/.docker/config.json`, `auth.json`): its `auths` entries,
/// decoded as kubelet decodes a `.dockerconfigjson`, its `credHelpers` (registry host → helper name)
/// and its `credsStore`.
public struct DockerClientConfig: Sendable {
    public let entries: [PullCredentialEntry]
    public let helpers: [(host: String, helper: String)]
    public let store: String?

    /// nil when the bytes are not a JSON object or hold nothing usable.
    public static func parse(_ bytes: [UInt8]) -> DockerClientConfig? {
        guard case .success(let root) = JSONParser.parse(bytes), root.kind == .object else { return nil }
        var helpers: [(host: String, helper: String)] = []
        var store: String?
        for member in root.members {
            switch GoText.string(member.keyBytes) {
            case "credHelpers":
                for helper in member.value.members {
                    guard let name = helper.value.stringBytes.map({ GoText.string($0) }), isHelperName(name) else { continue }
                    helpers.append((registryHost(ofKey: GoText.string(helper.keyBytes)), name))
                }
            case "credsStore":
                if let name = member.value.stringBytes.map({ GoText.string($0) }), isHelperName(name) { store = name }
            default: break
            }
        }
        let entries = pullCredentialEntries(bytes, format: .dockerConfigJSON)
        guard !entries.isEmpty || !helpers.isEmpty || store != nil else { return nil }
        return DockerClientConfig(entries: entries, helpers: helpers, store: store)
    }

    /// A helper is run as `docker-credential-<name>`: a plain name, never a path.
    public static func isHelperName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 != UInt8(ascii: "/") && $0 < 0x7F }
    }

    /// `https://registry.example.com:5000/v1/` → `registry.example.com:5000`.
    public static func registryHost(ofKey key: String) -> String {
        var text = Substring(key.lowercased())
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = text.dropFirst(scheme.count) }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        return String(text)
    }

    /// The fields of a credential helper's answer (`{"ServerURL", "Username", "Secret"}`).
    public static func helperAnswer(_ bytes: [UInt8]) -> (username: String, secret: String)? {
        guard case .success(let root) = JSONParser.parse(bytes), root.kind == .object else { return nil }
        var username = ""
        var secret = ""
        for member in root.members {
            guard let value = member.value.stringBytes.map({ GoText.string($0) }) else { continue }
            switch GoText.string(member.keyBytes) {
            case "Username": username = value
            case "Secret": secret = value
            default: break
            }
        }
        return secret.isEmpty ? nil : (username, secret)
    }
}
