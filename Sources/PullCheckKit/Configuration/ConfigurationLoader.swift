import TextSupport

/// A problem in `.pullcheck.yaml`, with its position. The CLI exits 64 on it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    let file: String
    let position: SourcePosition?
    let message: String
    /// The other problems found in the same file: all are reported at once.
    var more: [ConfigurationError] = []

    /// Every problem, this one first, each as `file:line:column: message`.
    public var problems: [ConfigurationError] { [ConfigurationError(file: file, position: position, message: message)] + more }

    public var description: String {
        guard more.isEmpty else { return problems.map(\.description).joined(separator: "\n") }
        if let position { return "\(file):\(position.line):\(position.column): \(message)" }
        return "\(file): \(message)"
    }

    /// One error holding all of `problems` (not empty), in file order.
    static func combining(_ problems: [ConfigurationError]) -> ConfigurationError {
        let ordered = problems.enumerated().sorted {
            let (a, b) = ($0.element.position ?? .start, $1.element.position ?? .start)
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
        var first = ordered[0]
        first.more = Array(ordered.dropFirst())
        return first
    }
}

/// Reads `.pullcheck.yaml`. Unknown keys, unknown rule ids and bad values are errors, never
/// silently ignored.
public enum ConfigurationLoader {
    static let fileNames = [".pullcheck.yaml", ".pullcheck.yml"]
    /// A configuration is a few settings; anything this large is a mistake (read no further).
    static let maxFileBytes = 1 << 20

    /// The configuration file for `directory`: the nearest `.pullcheck.yaml` in it or above it.
    public static func find(from directory: String) -> String? {
        var current = directory
        while true {
            for name in fileNames {
                let candidate = current.hasSuffix("/") ? current + name : current + "/" + name
                if case .success(let status) = FileStatus.of(candidate), !status.isDirectory { return candidate }
            }
            guard let slash = current.lastIndex(of: "/"), current != "/" else { return nil }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
    }

    /// Reads the file at `path` (shown as given; a relative path is opened from
    /// `workingDirectory`, nil: the process's).
    public static func load(file path: String, workingDirectory: String? = nil, into base: Configuration = Configuration())
        throws(ConfigurationError) -> Configuration
    {
        switch FileSystem.readFile(PathAccess.resolved(path, in: workingDirectory), limit: maxFileBytes) {
        case .failure(let error):
            throw ConfigurationError(file: path, position: nil, message: "cannot read: \(error)")
        case .success(let bytes):
            guard bytes.count <= maxFileBytes else {
                throw ConfigurationError(
                    file: path, position: nil,
                    message: "the configuration is larger than \(maxFileBytes >> 20) MiB; a .pullcheck.yaml holds a few settings")
            }
            var configuration = try load(bytes: bytes, name: path, into: base)
            configuration.projectDirectory = ProjectPath.directory(of: path)
            return configuration
        }
    }

    static func load(text: String, name: String = ".pullcheck.yaml", into base: Configuration = Configuration())
        throws(ConfigurationError) -> Configuration
    {
        try load(bytes: Array(text.utf8), name: name, into: base)
    }

    static func load(bytes: [UInt8], name: String, into base: Configuration) throws(ConfigurationError) -> Configuration {
        var documents: [YAMLDocument] = []
        let summary = YAMLParser.parse(ByteSource(bytes: bytes, limits: .standard)) { document in
            documents.append(document)
        }
        if let error = summary.error {
            let position =
                error.position
                ?? error.byteOffset.map { SourceLines(.memory(bytes)).position(ofByteOffset: $0) }
            throw ConfigurationError(file: name, position: position, message: error.message)
        }
        if !summary.compositionProblems.isEmpty {
            throw .combining(
                summary.compositionProblems.map { ConfigurationError(file: name, position: $0.span.start, message: $0.message) })
        }
        let nonEmpty = documents.filter { document in
            guard let root = document.root else { return false }
            return !(document.kind(root) == .scalar && document.isNull(root))
        }
        guard nonEmpty.count <= 1 else {
            throw ConfigurationError(
                file: name, position: nonEmpty[1].startPosition, message: "the configuration must be a single YAML document")
        }
        guard let document = nonEmpty.first, let root = document.root else { return base }
        var reader = Reader(document: document, file: name, configuration: base)
        try reader.read(root)
        if !reader.problems.isEmpty { throw .combining(reader.problems) }
        return reader.configuration
    }

    /// Walks the configuration document.
    private struct Reader {
        let document: YAMLDocument
        let file: String
        var configuration: Configuration
        /// Problems found so far: each entry is checked, so one run reports them all.
        var problems: [ConfigurationError] = []

        func error(_ node: NodeID, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, position: document.span(node).start, message: message)
        }

        func origin(_ node: NodeID) -> String {
            let start = document.span(node).start
            return "\(file):\(start.line):\(start.column)"
        }

        static let topLevelKeys = [
            "rules", "fail-level", "strict", "registries", "immutable-tags", "external-secrets", "manifests-complete",
            "exclude", "no-ignore", "admission-pull-secrets", "custom-resources", "online", "platforms", "online-timeout", "certs-dir",
            "image-size-limit", "online-cache", "local-credentials", "tag-cache-ttl",
        ]

        mutating func read(_ root: NodeID) throws(ConfigurationError) {
            guard document.kind(root) == .mapping else { throw error(root, "the configuration must be a mapping") }
            for duplicate in document.duplicateKeys {
                problems.append(error(duplicate.duplicate, "duplicate key \"\(document.string(duplicate.duplicate) ?? "")\""))
            }
            for (keyNode, value) in document.entries(root) {
                do throws(ConfigurationError) { try readEntry(keyNode, value) } catch { problems.append(error) }
            }
        }

        mutating func readEntry(_ keyNode: NodeID, _ value: NodeID) throws(ConfigurationError) {
            do {
                guard let key = document.string(keyNode) else { throw error(keyNode, "keys must be strings") }
                switch key {
                case "rules": try readRules(value)
                case "fail-level":
                    let text = try string(value, key)
                    guard let level = FailLevel(rawValue: text) else {
                        throw error(value, "fail-level must be one of error, warning, info, none (not \"\(text)\")")
                    }
                    configuration.failLevel = level
                case "strict": configuration.strict = try bool(value, key)
                case "no-ignore": configuration.noIgnore = try bool(value, key)
                case "manifests-complete": configuration.manifestsComplete = try bool(value, key)
                case "registries": try readRegistries(value)
                case "immutable-tags":
                    configuration.immutableTags = try strings(value, key).map { GlobPattern($0) }
                case "external-secrets":
                    configuration.externalSecrets = try strings(value, key)
                case "exclude":
                    configuration.exclude = try strings(value, key)
                case "custom-resources":
                    configuration.customResources = try readCustomResources(value)
                case "online": configuration.online.enabled = try bool(value, key)
                case "platforms":
                    let platforms = document.kind(value) == .sequence ? try strings(value, key) : [try string(value, key)]
                    for platform in platforms where !OnlineConfiguration.isPlatform(platform) {
                        throw error(value, "platforms entries are os/arch or os/arch/variant, such as linux/amd64 (not \"\(platform)\")")
                    }
                    guard !platforms.isEmpty else { throw error(value, "platforms must name at least one os/arch") }
                    configuration.online.platforms = platforms
                case "online-timeout":
                    let text = try string(value, key)
                    guard let seconds = Double(text), seconds > 0, seconds <= 600 else {
                        throw error(value, "online-timeout must be a number of seconds from 0 to 600 (not \"\(text)\")")
                    }
                    configuration.online.timeout = seconds
                case "certs-dir":
                    configuration.online.certsDirectories =
                        document.kind(value) == .sequence ? try strings(value, key) : [try string(value, key)]
                case "image-size-limit":
                    let text = try string(value, key)
                    guard let bytes = OnlineConfiguration.parseSize(text), bytes > 0 else {
                        throw error(value, "image-size-limit must be a size such as 2GiB or 500MB (not \"\(text)\")")
                    }
                    configuration.online.imageSizeLimit = bytes
                case "online-cache": configuration.online.useCache = try bool(value, key)
                case "local-credentials": configuration.online.localCredentials = try bool(value, key)
                case "tag-cache-ttl":
                    let text = try string(value, key)
                    guard let seconds = Double(text), seconds >= 0 else {
                        throw error(value, "tag-cache-ttl must be a number of seconds (not \"\(text)\")")
                    }
                    configuration.online.tagCacheSeconds = seconds
                case "admission-pull-secrets":
                    guard document.kind(value) == .mapping else {
                        throw error(value, "admission-pull-secrets must map namespaces (or \"*\") to lists of Secret names")
                    }
                    for (namespaceNode, names) in document.entries(value) {
                        let namespace = try string(namespaceNode, "admission-pull-secrets")
                        configuration.admissionPullSecrets[namespace] = try strings(names, "admission-pull-secrets.\(namespace)")
                    }
                default:
                    throw error(
                        keyNode,
                        "unknown key \"\(key)\"\(suggestion(key, Self.topLevelKeys)); the keys are \(Self.topLevelKeys.joined(separator: ", "))"
                    )
                }
                configuration.origins[key] = origin(keyNode)
            }
        }

        mutating func readRules(_ node: NodeID) throws(ConfigurationError) {
            guard document.kind(node) == .mapping else { throw error(node, "rules must be a mapping of rule ids to settings") }
            let known = RuleRegistry.descriptions
            for (keyNode, value) in document.entries(node) {
                do throws(ConfigurationError) { try readRule(keyNode, value, known) } catch { problems.append(error) }
            }
        }

        mutating func readRule(_ keyNode: NodeID, _ value: NodeID, _ known: [RuleDescription]) throws(ConfigurationError) {
            do {
                let id = document.string(keyNode) ?? ""
                guard let description = known.first(where: { $0.id == id }) else {
                    throw error(keyNode, "unknown rule \"\(id)\"\(suggestion(id, known.map(\.id))); `pullcheck rules` lists them")
                }
                var setting = configuration.rules[id] ?? Configuration.RuleSetting()
                if document.kind(value) == .mapping {
                    for (settingKey, settingValue) in document.entries(value) {
                        switch document.string(settingKey) ?? "" {
                        case "enabled": setting.enabled = try bool(settingValue, "enabled")
                        case "severity": setting.severity = try severity(settingValue)
                        default:
                            throw error(
                                settingKey, "unknown rule setting \"\(document.string(settingKey) ?? "")\"; use enabled or severity")
                        }
                    }
                } else {
                    let text = try string(value, id)
                    if let flag = Self.boolean(text) {
                        setting.enabled = flag
                    } else if let level = Severity(rawValue: text) {
                        setting.enabled = true
                        setting.severity = level
                    } else {
                        throw error(value, "rule setting must be on, off, error, warning or info (not \"\(text)\")")
                    }
                }
                if description.isInputError, setting.enabled == false || setting.severity.map({ $0 != .error }) == true {
                    throw error(keyNode, "\(id) reports input that cannot be parsed; it cannot be switched off or downgraded")
                }
                configuration.rules[id] = setting
                configuration.origins["rules.\(id)"] = origin(keyNode)
            }
        }

        mutating func readRegistries(_ node: NodeID) throws(ConfigurationError) {
            guard document.kind(node) == .mapping else {
                throw error(node, "registries must be a mapping with public, private and node-authenticated lists")
            }
            for (keyNode, value) in document.entries(node) {
                do throws(ConfigurationError) { try readRegistry(keyNode, value) } catch { problems.append(error) }
            }
        }

        mutating func readRegistry(_ keyNode: NodeID, _ value: NodeID) throws(ConfigurationError) {
            do {
                let key = document.string(keyNode) ?? ""
                let patterns = try strings(value, key).map(RegistryPattern.init)
                switch key {
                case "public": configuration.registries.publicHosts = patterns
                case "private": configuration.registries.privateHosts = patterns
                case "node-authenticated": configuration.registries.nodeAuthenticatedHosts = patterns
                default:
                    throw error(keyNode, "unknown registry list \"\(key)\"; use public, private or node-authenticated")
                }
                configuration.origins["registries.\(key)"] = origin(keyNode)
            }
        }

        static let customResourceKeys = [
            "kind", "apiVersion", "podSpecs", "containers", "images", "imagePullSecrets", "serviceAccountName", "partial",
        ]

        /// `custom-resources: [{kind: Foo, apiVersion: "example.com/*", containers: ["spec.steps[]"], ...}]`
        func readCustomResources(_ node: NodeID) throws(ConfigurationError) -> [PodShape] {
            guard document.kind(node) == .sequence else { throw error(node, "custom-resources must be a list") }
            var shapes: [PodShape] = []
            for item in document.items(node) {
                guard document.kind(item) == .mapping else { throw error(item, "each custom resource is a mapping with kind and paths") }
                var kinds: [String] = []
                var apiVersion = "*"
                var lists: [String: [String]] = [:]
                var partial = false
                for (keyNode, value) in document.entries(item) {
                    let key = document.string(keyNode) ?? ""
                    switch key {
                    case "kind": kinds = document.kind(value) == .sequence ? try strings(value, key) : [try string(value, key)]
                    case "apiVersion": apiVersion = try string(value, key)
                    case "partial": partial = try bool(value, key)
                    case "podSpecs", "containers", "images", "imagePullSecrets", "serviceAccountName":
                        let paths = try strings(value, key)
                        for path in paths where path.isEmpty || path.hasPrefix(".") || path.hasSuffix(".") || path.contains("..") {
                            throw error(value, "\(key): \"\(path)\" is not a path such as spec.template.spec or spec.steps[]")
                        }
                        lists[key] = paths
                    default:
                        throw error(
                            keyNode,
                            "unknown custom-resources key \"\(key)\"\(suggestion(key, Self.customResourceKeys)); the keys are \(Self.customResourceKeys.joined(separator: ", "))"
                        )
                    }
                }
                guard !kinds.isEmpty else { throw error(item, "a custom resource needs a kind") }
                guard !lists.isEmpty else { throw error(item, "a custom resource needs podSpecs, containers or images paths") }
                var shape = PodShape(kinds: Set(kinds), apiVersion: apiVersion)
                shape.podSpecs = lists["podSpecs"] ?? []
                shape.containers = lists["containers"] ?? []
                shape.images = lists["images"] ?? []
                shape.pullSecrets = lists["imagePullSecrets"] ?? []
                shape.serviceAccount = lists["serviceAccountName"] ?? []
                shape.partial = partial
                shapes.append(shape)
            }
            return shapes
        }

        func string(_ node: NodeID, _ key: String) throws(ConfigurationError) -> String {
            guard document.kind(node) == .scalar, let text = document.nonNullString(node) else {
                throw error(node, "\(key) must be a single value")
            }
            return text
        }

        func strings(_ node: NodeID, _ key: String) throws(ConfigurationError) -> [String] {
            if document.kind(node) == .scalar, document.isNull(node) { return [] }
            guard document.kind(node) == .sequence else { throw error(node, "\(key) must be a list") }
            var result: [String] = []
            for item in document.items(node) {
                guard document.kind(item) == .scalar, let text = document.nonNullString(item), !text.isEmpty else {
                    throw error(item, "\(key) entries must be non-empty strings")
                }
                result.append(text)
            }
            return result
        }

        func bool(_ node: NodeID, _ key: String) throws(ConfigurationError) -> Bool {
            let text = try string(node, key)
            guard let value = Self.boolean(text) else { throw error(node, "\(key) must be true or false (not \"\(text)\")") }
            return value
        }

        func severity(_ node: NodeID) throws(ConfigurationError) -> Severity {
            let text = try string(node, "severity")
            guard let value = Severity(rawValue: text) else {
                throw error(node, "severity must be error, warning or info (not \"\(text)\")")
            }
            return value
        }

        static func boolean(_ text: String) -> Bool? {
            switch text.lowercased() {
            case "true", "on", "yes": return true
            case "false", "off", "no": return false
            default: return nil
            }
        }

        func suggestion(_ word: String, _ candidates: [String]) -> String {
            let best = candidates.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
            guard let best, best.1 <= max(2, word.count / 3) else { return "" }
            return " (did you mean \"\(best.0)\"?)"
        }
    }
}
