// Decides, as kubelet does (pkg/credentialprovider/secrets/secrets.go,
// pkg/credentialprovider/config.go, keyring.go), whether the decoded data of
// an image-pull Secret gives usable registry credentials.
//
// kubelet reads `.dockerconfigjson` of a `kubernetes.io/dockerconfigjson`
// Secret into DockerConfigJSON{Auths DockerConfig `json:"auths"`,
// HTTPHeaders map[string]string `json:"HttpHeaders,omitempty"`} and
// `.dockercfg` of a `kubernetes.io/dockercfg` Secret into DockerConfig
// (map[string]DockerConfigEntry) with Go's encoding/json. Any error of that
// json.Unmarshal makes MakeDockerKeyring fail, and with it every image pull of
// every pod naming the Secret, public images included. The API server
// already rejects such a Secret when its data is not JSON syntax or not an
// object (it unmarshals it into map[string]interface{}).
//
// Nothing here keeps or reports credential material: decoded usernames and
// passwords exist only inside the functions that test them, and messages
// never quote values.

public enum DockerSecretFormat: Sendable, Hashable {
    /// `.dockerconfigjson` of a `kubernetes.io/dockerconfigjson` Secret: {"auths": {...}}.
    case dockerConfigJSON
    /// `.dockercfg` of a `kubernetes.io/dockercfg` Secret: the registry map itself.
    case dockerCfg
}

public enum KubeletEffect: Sendable, Hashable {
    /// kubelet's json.Unmarshal fails: every image pull of every pod naming the
    /// Secret fails (public images included), until the Secret is fixed.
    case pullFails
    /// kubelet silently gets no usable credential from this part; pulls that
    /// would need it go anonymous.
    case ignoredSilently
    /// The API server's Secret validation rejects the object (its data must be
    /// JSON syntax whose top level is an object or null), so it never exists.
    case rejectedByAPIServer
}

public struct DockerConfigProblem: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    enum Kind: Sendable, Hashable, CaseIterable {
        /// Not JSON syntax (or empty).
        case invalidJSON
        /// A number too large for float64: the API server's validation
        /// (json.Unmarshal into map[string]interface{}) fails.
        case numberOutOfRange
        /// The top-level value is null: no credentials.
        case topLevelNull
        /// The top-level value is not an object.
        case topLevelNotObject
        /// `.dockerconfigjson` without an "auths" key (e.g. the legacy layout).
        case missingAuths
        /// "auths" is neither an object nor null.
        case authsNotObject
        /// "auths" is null or {} (or the `.dockercfg` map is empty).
        case noEntries
        /// "HttpHeaders" is not an object of strings.
        case httpHeadersInvalid
        /// `.dockercfg` data in the {"auths": ...} layout.
        case dockerCfgUsesAuthsLayout
        /// The same registry key twice; only the last entry counts.
        case duplicateRegistryKey
        /// A registry entry that is neither an object nor null.
        case entryNotObject
        /// "username", "password" or "email" is not a string (or null).
        case fieldNotString
        /// "auth" is not a string (or null).
        case authNotString
        /// "auth" is not valid base64 in the encoding kubelet picks for it.
        case authInvalidBase64
        /// "auth" decodes to something without ':'.
        case authMissingColon
        /// The entry yields neither a username nor a password.
        case noCredential
        /// kubelet's url.Parse rejects the registry key; the entry is ignored.
        case invalidRegistryKey
        /// The registry key carries user information, which kubelet ignores.
        case credentialsInRegistryKey
    }

    let kind: Kind
    /// Lower-case, no trailing period, never contains credential material.
    public let message: String
    /// Offset into the decoded JSON bytes where the fault is; nil if not applicable.
    public let byteOffset: Int?
    public let kubeletEffect: KubeletEffect
    /// The registry key concerned (user information redacted), if any.
    let registryKey: String?

    init(kind: Kind, message: String, byteOffset: Int?, kubeletEffect: KubeletEffect, registryKey: String? = nil) {
        self.kind = kind
        self.message = message
        self.byteOffset = byteOffset
        self.kubeletEffect = kubeletEffect
        self.registryKey = registryKey
    }

    public var description: String {
        if let byteOffset { return "\(message) (at byte \(byteOffset))" }
        return message
    }

    public var debugDescription: String {
        "DockerConfigProblem(kind: \(kind), effect: \(kubeletEffect), byteOffset: \(byteOffset.map(String.init) ?? "nil"), message: \(quoteForMessage(message, limit: 1000)))"
    }
}

public struct RegistryCredentialKey: Sendable, Hashable, CustomStringConvertible {
    /// The key as written in the JSON (user information, if any, replaced by "<redacted>").
    public let rawKey: String
    /// What kubelet stores the credential under; nil when url.Parse fails.
    let keyringKey: String?
    /// Username or password non-empty after auth decoding.
    public let hasCredential: Bool
    /// Offset of the key's opening quote in the JSON.
    let byteOffset: Int

    init(rawKey: String, keyringKey: String?, hasCredential: Bool, byteOffset: Int) {
        self.rawKey = rawKey
        self.keyringKey = keyringKey
        self.hasCredential = hasCredential
        self.byteOffset = byteOffset
    }

    public var description: String {
        "RegistryCredentialKey(rawKey: \(quoteForMessage(rawKey)), keyringKey: \(keyringKey.map { quoteForMessage($0) } ?? "nil"), hasCredential: \(hasCredential), byteOffset: \(byteOffset))"
    }
}

public struct DockerConfigAnalysis: Sendable {
    public let problems: [DockerConfigProblem]
    /// The registry entries kubelet would add to its keyring, in source order
    /// (for duplicates, the winning last one). Listed even when a pullFails
    /// problem means kubelet never gets that far.
    public let keys: [RegistryCredentialKey]

    init(problems: [DockerConfigProblem], keys: [RegistryCredentialKey]) {
        self.problems = problems
        self.keys = keys
    }

    /// No problem makes kubelet's decoding fail (or the API server reject the
    /// Secret), and at least one parseable key carries a credential.
    public var isUsable: Bool {
        !problems.contains { $0.kubeletEffect != .ignoredSilently }
            && keys.contains { $0.keyringKey != nil && $0.hasCredential }
    }

    /// kubelet's json.Unmarshal fails: every pull of every pod naming the Secret fails.
    var failsAllPulls: Bool {
        problems.contains { $0.kubeletEffect == .pullFails }
    }

    /// kubelet's lookup over the keys that carry a credential.
    func lookup(image normalizedRepository: String) -> KeyringMatch {
        kubeletLookup(keys: keys.filter { $0.hasCredential }.map(\.rawKey), image: normalizedRepository)
    }
}

/// Analyzes the decoded bytes of `.dockerconfigjson` / `.dockercfg`.
public func analyzeDockerConfig(_ jsonBytes: [UInt8], format: DockerSecretFormat) -> DockerConfigAnalysis {
    var analyzer = Analyzer(input: jsonBytes, format: format)
    analyzer.run()
    return DockerConfigAnalysis(problems: analyzer.problems, keys: analyzer.keys)
}

private let upperAuths = Array("AUTHS".utf8)
private let upperHTTPHeaders = Array("HTTPHEADERS".utf8)
private let upperUsername = Array("USERNAME".utf8)
private let upperPassword = Array("PASSWORD".utf8)
private let upperEmail = Array("EMAIL".utf8)
private let upperAuth = Array("AUTH".utf8)
private let upperIdentityToken = Array("IDENTITYTOKEN".utf8)
private let upperRegistryToken = Array("REGISTRYTOKEN".utf8)
private let upperCredsStore = Array("CREDSSTORE".utf8)
private let upperCredHelpers = Array("CREDHELPERS".utf8)

private func describeKind(_ kind: JSONNode.Kind) -> String {
    switch kind {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
}

private struct EntryOccurrence {
    let keyBytes: [UInt8]
    let keyOffset: Int
    let value: JSONNode
}

private struct EntryResult {
    var hasCredential = false
    var pullFailure = false
    var noCredentialDetail: String? = nil
}

private struct Analyzer {
    let input: [UInt8]
    let format: DockerSecretFormat
    var problems: [DockerConfigProblem] = []
    var keys: [RegistryCredentialKey] = []

    init(input: [UInt8], format: DockerSecretFormat) {
        self.input = input
        self.format = format
    }

    mutating func add(_ kind: DockerConfigProblem.Kind, _ message: String, at offset: Int?, _ effect: KubeletEffect, key: [UInt8]? = nil) {
        problems.append(
            DockerConfigProblem(
                kind: kind, message: message, byteOffset: offset, kubeletEffect: effect,
                registryKey: key.map { redactUserinfo(GoText.string($0)) }))
    }

    func shown(_ key: [UInt8]) -> String {
        quoteForMessage(redactUserinfo(GoText.string(key)))
    }

    mutating func run() {
        if input.isEmpty {
            add(.invalidJSON, "the value is empty, which is not valid JSON", at: 0, .rejectedByAPIServer)
            return
        }
        let root: JSONNode
        switch JSONParser.parse(input) {
        case .failure(let error):
            add(.invalidJSON, "not valid JSON: \(error.message)", at: error.byteOffset, .rejectedByAPIServer)
            return
        case .success(let node):
            root = node
        }
        if let offset = root.firstOverflowingNumberOffset() {
            add(
                .numberOutOfRange, "a number is too large for a 64-bit float, so the API server rejects the Secret", at: offset,
                .rejectedByAPIServer)
            return
        }
        switch root.kind {
        case .object:
            break
        case .null:
            add(.topLevelNull, "the top-level value is null, so kubelet finds no credentials", at: root.byteOffset, .ignoredSilently)
            return
        default:
            add(
                .topLevelNotObject, "the top-level value is \(describeKind(root.kind)), not a JSON object", at: root.byteOffset,
                .rejectedByAPIServer)
            return
        }
        switch format {
        case .dockerConfigJSON: runDockerConfigJSON(root)
        case .dockerCfg: runDockerCfg(root)
        }
    }

    // MARK: .dockerconfigjson

    mutating func runDockerConfigJSON(_ root: JSONNode) {
        let members = root.members
        for member in members where GoText.jsonFieldNameMatches(member.keyBytes, upperName: upperHTTPHeaders) {
            checkHTTPHeaders(member.value)
        }
        let authsMembers = members.filter { GoText.jsonFieldNameMatches($0.keyBytes, upperName: upperAuths) }
        if authsMembers.isEmpty {
            add(.missingAuths, missingAuthsMessage(members), at: root.byteOffset, .ignoredSilently)
            return
        }
        // Simulate decoding into the Auths map: objects merge into the existing
        // map, null resets it to nil, other kinds are type errors.
        var occurrences: [EntryOccurrence] = []
        var mapIsNil = true
        var lastNullOffset: Int? = nil
        var lastAuthsValue = authsMembers[0].value
        var typeError = false
        for member in authsMembers {
            let value = member.value
            lastAuthsValue = value
            switch value.kind {
            case .null:
                mapIsNil = true
                occurrences.removeAll()
                lastNullOffset = value.byteOffset
            case .object:
                mapIsNil = false
                lastNullOffset = nil
                for entry in value.members {
                    occurrences.append(EntryOccurrence(keyBytes: entry.keyBytes, keyOffset: entry.keyByteOffset, value: entry.value))
                }
                // Entries are decoded (and may fail) even if later discarded.
                for entry in value.members {
                    _ = decodeEntry(entry.value, key: entry.keyBytes, reportPullFailures: true)
                }
            default:
                typeError = true
                add(.authsNotObject, "\"auths\" is \(describeKind(value.kind)), not an object", at: value.byteOffset, .pullFails)
            }
        }
        if mapIsNil || occurrences.isEmpty {
            if !typeError {
                if let lastNullOffset {
                    add(.noEntries, "\"auths\" is null, so kubelet finds no credentials", at: lastNullOffset, .ignoredSilently)
                } else {
                    add(.noEntries, "\"auths\" is empty, so kubelet finds no credentials", at: lastAuthsValue.byteOffset, .ignoredSilently)
                }
            }
            return
        }
        processWinners(occurrences)
    }

    func missingAuthsMessage(_ members: [JSONObjectMember]) -> String {
        let hasHelpers = members.contains {
            GoText.jsonFieldNameMatches($0.keyBytes, upperName: upperCredsStore)
                || GoText.jsonFieldNameMatches($0.keyBytes, upperName: upperCredHelpers)
        }
        let looksLegacy = members.contains { member in
            member.value.kind == .object
                && member.value.members.contains {
                    GoText.jsonFieldNameMatches($0.keyBytes, upperName: upperAuth)
                        || GoText.jsonFieldNameMatches($0.keyBytes, upperName: upperUsername)
                        || GoText.jsonFieldNameMatches($0.keyBytes, upperName: upperPassword)
                }
        }
        if looksLegacy {
            return
                "there is no \"auths\" object: this is the legacy .dockercfg layout, which kubelet silently ignores in .dockerconfigjson; wrap the registry entries in {\"auths\": ...}"
        }
        if hasHelpers {
            return
                "there is no \"auths\" object and kubelet does not run credsStore or credHelpers, so it finds no credentials; put the registry entries in {\"auths\": ...}"
        }
        return "there is no \"auths\" object, so kubelet silently finds no credentials; wrap the registry entries in {\"auths\": ...}"
    }

    mutating func checkHTTPHeaders(_ value: JSONNode) {
        switch value.kind {
        case .null:
            return
        case .object:
            for header in value.members where header.value.kind != .string && header.value.kind != .null {
                add(
                    .httpHeadersInvalid,
                    "the \"HttpHeaders\" value for \(shown(header.keyBytes)) is \(describeKind(header.value.kind)), not a string",
                    at: header.value.byteOffset, .pullFails)
            }
        default:
            add(
                .httpHeadersInvalid, "\"HttpHeaders\" is \(describeKind(value.kind)), not an object of strings", at: value.byteOffset,
                .pullFails)
        }
    }

    // MARK: .dockercfg

    mutating func runDockerCfg(_ root: JSONNode) {
        let members = root.members
        if members.isEmpty {
            add(
                .noEntries, "the .dockercfg object has no registry entries, so kubelet finds no credentials", at: root.byteOffset,
                .ignoredSilently)
            return
        }
        var occurrences: [EntryOccurrence] = []
        for member in members {
            occurrences.append(EntryOccurrence(keyBytes: member.keyBytes, keyOffset: member.keyByteOffset, value: member.value))
            _ = decodeEntry(member.value, key: member.keyBytes, reportPullFailures: true)
        }
        processWinners(occurrences)
    }

    // MARK: entries

    mutating func processWinners(_ occurrences: [EntryOccurrence]) {
        var lastIndexForKey: [[UInt8]: Int] = [:]
        for (i, occurrence) in occurrences.enumerated() {
            if let earlier = lastIndexForKey[occurrence.keyBytes] {
                let old = occurrences[earlier]
                add(
                    .duplicateRegistryKey, "registry key \(shown(old.keyBytes)) appears more than once; kubelet keeps only the last entry",
                    at: old.keyOffset, .ignoredSilently, key: old.keyBytes)
            }
            lastIndexForKey[occurrence.keyBytes] = i
        }
        for (i, occurrence) in occurrences.enumerated() where lastIndexForKey[occurrence.keyBytes] == i {
            let key = occurrence.keyBytes
            let result = decodeEntry(occurrence.value, key: key, reportPullFailures: false)
            var keyring: [UInt8]? = nil
            var value = key
            if !Keyring.hasPrefix(value, Keyring.https) && !Keyring.hasPrefix(value, Keyring.http) {
                value = Keyring.https + value
            }
            switch GoURLParser.parse(value) {
            case .failure(let error):
                add(
                    .invalidRegistryKey,
                    "registry key \(shown(key)) is not a valid URL for kubelet (\(error.text)), so kubelet ignores the entry",
                    at: occurrence.keyOffset, .ignoredSilently, key: key)
            case .success(let url):
                keyring = Keyring.keyringKey(key)
                if url.hasUserinfo {
                    add(
                        .credentialsInRegistryKey,
                        "registry key \(shown(key)) contains user information, which kubelet ignores; put the credentials in \"auth\" or \"username\" and \"password\"",
                        at: occurrence.keyOffset, .ignoredSilently, key: key)
                }
            }
            let isAuthsWrapper =
                format == .dockerCfg
                && GoText.jsonFieldNameMatches(key, upperName: upperAuths)
                && occurrence.value.kind == .object
            if isAuthsWrapper {
                add(
                    .dockerCfgUsesAuthsLayout,
                    "the .dockercfg data uses the {\"auths\": ...} layout of .dockerconfigjson; kubelet reads \"auths\" as a registry name and finds no credential in it (use type kubernetes.io/dockerconfigjson with the key .dockerconfigjson, or drop the wrapper)",
                    at: occurrence.keyOffset, .ignoredSilently, key: key)
            } else if !result.hasCredential && !result.pullFailure {
                let detail = result.noCredentialDetail ?? "it has neither \"auth\" nor \"username\" and \"password\""
                add(
                    .noCredential, "the entry for \(shown(key)) has no credential: \(detail)", at: occurrence.keyOffset, .ignoredSilently,
                    key: key)
            }
            keys.append(
                RegistryCredentialKey(
                    rawKey: redactUserinfo(GoText.string(key)),
                    keyringKey: keyring.map { GoText.string($0) },
                    hasCredential: result.hasCredential,
                    byteOffset: occurrence.keyOffset))
        }
    }

    /// Decodes one entry like DockerConfigEntry.UnmarshalJSON. Problems that make
    /// kubelet's decoding fail are reported when `reportPullFailures` is set.
    mutating func decodeEntry(_ value: JSONNode, key: [UInt8], reportPullFailures: Bool) -> EntryResult {
        var result = EntryResult()
        switch value.kind {
        case .null:
            result.noCredentialDetail = "the entry is null"
            return result
        case .object:
            break
        default:
            result.pullFailure = true
            if reportPullFailures {
                add(
                    .entryNotObject, "the entry for \(shown(key)) is \(describeKind(value.kind)), not an object", at: value.byteOffset,
                    .pullFails, key: key)
            }
            return result
        }
        var usernameNonEmpty = false
        var passwordNonEmpty = false
        var authNode: JSONNode? = nil
        var authBytes: [UInt8] = []
        var tokenField: String? = nil
        for member in value.members {
            let name = member.keyBytes
            let field: String?
            if GoText.jsonFieldNameMatches(name, upperName: upperUsername) {
                field = "username"
            } else if GoText.jsonFieldNameMatches(name, upperName: upperPassword) {
                field = "password"
            } else if GoText.jsonFieldNameMatches(name, upperName: upperEmail) {
                field = "email"
            } else if GoText.jsonFieldNameMatches(name, upperName: upperAuth) {
                field = "auth"
            } else {
                if GoText.jsonFieldNameMatches(name, upperName: upperIdentityToken) {
                    tokenField = "identitytoken"
                } else if GoText.jsonFieldNameMatches(name, upperName: upperRegistryToken) {
                    tokenField = "registrytoken"
                }
                field = nil
            }
            guard let field else { continue }
            let v = member.value
            switch v.kind {
            case .null:
                // Go leaves the string unchanged for null.
                continue
            case .string:
                let bytes = v.stringBytes ?? []
                switch field {
                case "username": usernameNonEmpty = !bytes.isEmpty
                case "password": passwordNonEmpty = !bytes.isEmpty
                case "auth":
                    authNode = v
                    authBytes = bytes
                default: break
                }
            default:
                result.pullFailure = true
                if reportPullFailures {
                    let kind: DockerConfigProblem.Kind = field == "auth" ? .authNotString : .fieldNotString
                    add(
                        kind, "\"\(field)\" of \(shown(key)) is \(describeKind(v.kind)), not a string", at: v.byteOffset, .pullFails,
                        key: key)
                }
            }
        }
        if let authNode, !authBytes.isEmpty {
            do {
                switch checkAuth(authBytes) {
                case .invalid(let error, let padded):
                    result.pullFailure = true
                    if reportPullFailures {
                        let offset = sourceOffset(ofDecodedByte: error.byteOffset, inStringAt: authNode.byteOffset)
                        add(
                            .authInvalidBase64,
                            "\"auth\" of \(shown(key)) is not valid \(padded ? "padded" : "unpadded") base64: \(error.reasonText) at character \(error.byteOffset + 1) of the value (kubelet decodes a value ending in '=' as padded base64, any other as unpadded)",
                            at: offset, .pullFails, key: key)
                    }
                case .missingColon:
                    result.pullFailure = true
                    if reportPullFailures {
                        add(
                            .authMissingColon, "\"auth\" of \(shown(key)) does not decode to user:password (there is no colon)",
                            at: authNode.byteOffset, .pullFails, key: key)
                    }
                case .credential(let hasUser, let hasPassword):
                    usernameNonEmpty = hasUser
                    passwordNonEmpty = hasPassword
                    if !hasUser && !hasPassword {
                        result.noCredentialDetail = "\"auth\" decodes to an empty username and password"
                    }
                }
            }
        }
        result.hasCredential = !result.pullFailure && (usernameNonEmpty || passwordNonEmpty)
        if result.noCredentialDetail == nil, let tokenField {
            result.noCredentialDetail = "it has neither \"auth\" nor \"username\" and \"password\", and kubelet ignores \(tokenField)"
        }
        return result
    }

    /// Maps a byte index of a decoded string value to its offset in the input.
    func sourceOffset(ofDecodedByte target: Int, inStringAt start: Int) -> Int {
        let n = input.count
        var i = start + 1
        var produced = 0
        while i < n {
            let c = input[i]
            if c == 0x22 { return i }
            var step = 1
            var size = 1
            if c == 0x5C, i + 1 < n {
                if input[i + 1] == UInt8(ascii: "u"), i + 6 <= n {
                    let value = hexValue(input[(i + 2)..<(i + 6)])
                    step = 6
                    size = 3
                    if let value {
                        if value >= 0xD800 && value <= 0xDFFF {
                            if value < 0xDC00, i + 12 <= n, input[i + 6] == 0x5C, input[i + 7] == UInt8(ascii: "u"),
                                let low = hexValue(input[(i + 8)..<(i + 12)]), low >= 0xDC00, low <= 0xDFFF
                            {
                                step = 12
                                size = 4
                            }
                        } else {
                            size = value < 0x80 ? 1 : (value < 0x800 ? 2 : 3)
                        }
                    }
                } else {
                    step = 2
                }
            } else if c >= 0x80 {
                let (rune, runeSize) = GoText.decodeRune(input, at: i)
                if rune == GoText.runeError && runeSize <= 1 {
                    size = 3
                } else {
                    step = runeSize
                    size = runeSize
                }
            }
            if target < produced + size { return i }
            produced += size
            i += step
        }
        return min(i, n)
    }

    func hexValue(_ s: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for c in s {
            guard GoURLParser.isHex(c) else { return nil }
            value = value << 4 | UInt32(GoURLParser.unhex(c))
        }
        return value
    }
}

private enum AuthOutcome {
    case invalid(Base64Error, padded: Bool)
    case missingColon
    case credential(hasUser: Bool, hasPassword: Bool)
}

/// Decodes an auth value like decodeDockerConfigFieldAuth and returns only
/// the verdict; the decoded bytes never leave this function.
private func checkAuth(_ auth: [UInt8]) -> AuthOutcome {
    let padded = Base64.kubeletAuthUsesPaddedDecoding(auth)
    switch Base64.decode(auth, padded: padded) {
    case .failure(let error):
        return .invalid(error, padded: padded)
    case .success(var decoded):
        let outcome: AuthOutcome
        if let colon = decoded.firstIndex(of: UInt8(ascii: ":")) {
            outcome = .credential(hasUser: colon > 0, hasPassword: colon + 1 < decoded.count)
        } else {
            outcome = .missingColon
        }
        // Overwrite the plaintext before the buffer is released.
        for i in decoded.indices { decoded[i] = 0 }
        return outcome
    }
}
