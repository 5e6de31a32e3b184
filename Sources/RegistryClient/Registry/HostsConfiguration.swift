import FoundationEssentials

/// Where to ask for a registry's images, as containerd (`certs.d/<host[:port]>/hosts.toml`) and Docker
/// (`certs.d/<host[:port]>/ca.crt`) configure the nodes: mirrors first, then the server, each with its
/// own trust.
public struct RegistryEndpoint: Sendable, Hashable {
    /// `https` or `http`.
    public var scheme: String
    /// `host[:port]`.
    public var host: String
    /// The API root's path: `/v2` unless `override_path` says otherwise.
    public var apiPath: String
    public var tls: TLSOptions
    /// A mirror from hosts.toml (its answer is used; on failure the next host is asked).
    public var isMirror: Bool
    /// Reached over plain HTTP by configuration, so credentials may be sent that way.
    public var configuredInsecure: Bool

    public var baseURL: String { "\(scheme)://\(host)\(apiPath)" }
}

/// The `certs.d` folders and what they say about one registry host.
public struct HostsConfiguration: Sendable {
    public let directories: [String]

    public init(directories: [String]) { self.directories = directories }

    /// The nodes' defaults: containerd's folder, then Docker's, where they exist.
    public static func defaultDirectories() -> [String] {
        ["/etc/containerd/certs.d", "/etc/docker/certs.d"].filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The hosts to ask for `registry` (as the reference names it: `docker.io`, `localhost:5000`), in
    /// order. Throws a message with the file and line when a hosts.toml cannot be read.
    public func endpoints(for registry: String, insecure: [String]) throws(HostsFileError) -> [RegistryEndpoint] {
        let serverHost = registry == "docker.io" ? "registry-1.docker.io" : registry
        let localhost = Self.isLocalhost(registry)
        let plain = insecure.contains(registry)
        var server = RegistryEndpoint(
            scheme: plain ? "http" : "https", host: serverHost, apiPath: "/v2", tls: TLSOptions(), isMirror: false,
            configuredInsecure: plain || localhost)
        for directory in directories {
            for name in [registry, "_default"] {
                let folder = "\(directory)/\(name)"
                var isDirectory = false
                guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory else { continue }
                let hostsFile = "\(folder)/hosts.toml"
                if FileManager.default.fileExists(atPath: hostsFile) {
                    return try Self.endpoints(hostsFile: hostsFile, folder: folder, server: server)
                }
                // Docker's layout: *.crt are CAs, *.cert/*.key a client pair.
                server.tls = Self.dockerStyleTLS(folder: folder)
                return [server]
            }
        }
        return [server]
    }

    static func isLocalhost(_ registry: String) -> Bool {
        let host = hostWithoutPort(registry)
        return host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]"
    }

    static func hostWithoutPort(_ hostPort: String) -> String {
        if hostPort.hasPrefix("[") { return String(hostPort.prefix { $0 != "]" }) + "]" }
        return String(hostPort.prefix { $0 != ":" })
    }

    static func dockerStyleTLS(folder: String) -> TLSOptions {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var tls = TLSOptions()
        tls.extraCAFiles = names.filter { $0.hasSuffix(".crt") }.map { "\(folder)/\($0)" }
        if let cert = names.first(where: { $0.hasSuffix(".cert") }) {
            let key = String(cert.dropLast(5)) + ".key"
            if names.contains(key) {
                tls.clientCertificateFile = "\(folder)/\(cert)"
                tls.clientKeyFile = "\(folder)/\(key)"
            }
        }
        return tls
    }

    static func endpoints(hostsFile: String, folder: String, server defaultServer: RegistryEndpoint) throws(HostsFileError)
        -> [RegistryEndpoint]
    {
        guard let data = FileManager.default.contents(atPath: hostsFile) else {
            throw HostsFileError(file: hostsFile, line: 0, message: "cannot be read")
        }
        let document = try TOMLSubset.parse(String(decoding: data, as: UTF8.self), file: hostsFile)
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : "\(folder)/\(path)" }
        func tls(_ table: [String: TOMLSubset.Value]) -> TLSOptions {
            var options = TLSOptions()
            switch table["ca"] {
            case .string(let path): options.extraCAFiles = [resolve(path)]
            case .array(let values): options.extraCAFiles = values.compactMap { $0.string }.map(resolve)
            default: break
            }
            if case .bool(let skip) = table["skip_verify"] { options.skipVerify = skip }
            switch table["client"] {
            case .string(let path): options.clientCertificateFile = resolve(path)
            case .array(let values):
                let pair: [String]
                if case .array(let inner)? = values.first {
                    pair = inner.compactMap { $0.string }
                } else {
                    pair = values.compactMap { $0.string }
                }
                if let cert = pair.first { options.clientCertificateFile = resolve(cert) }
                if pair.count > 1 { options.clientKeyFile = resolve(pair[1]) }
            default: break
            }
            return options
        }
        func capabilities(_ table: [String: TOMLSubset.Value], default fallback: [String]) -> [String] {
            if case .array(let values) = table["capabilities"] { return values.compactMap { $0.string } }
            return fallback
        }
        func endpoint(url: String, table: [String: TOMLSubset.Value], isMirror: Bool) throws(HostsFileError) -> RegistryEndpoint {
            guard let schemeEnd = url.firstRange(of: "://") else {
                throw HostsFileError(file: hostsFile, line: 0, message: "host \"\(url)\" has no scheme (https:// or http://)")
            }
            let scheme = String(url[..<schemeEnd.lowerBound]).lowercased()
            let rest = url[schemeEnd.upperBound...]
            let host = String(rest.prefix { $0 != "/" })
            var path = String(rest.dropFirst(host.count))
            while path.hasSuffix("/") { path.removeLast() }
            var overridePath = false
            if case .bool(let value) = table["override_path"] { overridePath = value }
            if !overridePath { path += "/v2" }
            return RegistryEndpoint(
                scheme: scheme, host: host, apiPath: path, tls: tls(table), isMirror: isMirror, configuredInsecure: scheme == "http")
        }
        var result: [RegistryEndpoint] = []
        for (url, table) in document.hosts where capabilities(table, default: ["pull", "resolve"]).contains("resolve") {
            result.append(try endpoint(url: url, table: table, isMirror: true))
        }
        var server = defaultServer
        if let serverURL = document.root["server"]?.string {
            server = try endpoint(url: serverURL, table: document.root, isMirror: false)
        } else {
            server.tls = tls(document.root)
            if server.tls.extraCAFiles.isEmpty { server.tls.extraCAFiles = Self.dockerStyleTLS(folder: folder).extraCAFiles }
        }
        if capabilities(document.root, default: ["pull", "resolve", "push"]).contains("resolve") { result.append(server) }
        return result
    }
}

/// A hosts.toml that cannot be read, with where.
public struct HostsFileError: Error, Sendable, Hashable {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// The part of TOML that hosts.toml uses: top-level keys, `[host."url"]` tables, strings, booleans,
/// integers and (nested) arrays, comments. Anything else is an error with its line.
enum TOMLSubset {
    indirect enum Value: Sendable, Hashable {
        case string(String)
        case bool(Bool)
        case integer(Int)
        case array([Value])

        var string: String? {
            if case .string(let value) = self { return value }
            return nil
        }
    }

    struct Document {
        var root: [String: Value] = [:]
        /// `[host."url"]` tables in file order.
        var hosts: [(String, [String: Value])] = []
    }

    static func parse(_ text: String, file: String) throws(HostsFileError) -> Document {
        var document = Document()
        var currentHost: Int?
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }[...]
        var lineNumber = 0
        while let raw = lines.popFirst() {
            lineNumber += 1
            let startLine = lineNumber
            var line = raw
            // Arrays may span lines: join until brackets balance (errors point at the first line).
            while Self.openBrackets(line) > 0, let next = lines.popFirst() {
                lineNumber += 1
                line += [UInt8(ascii: " ")] + next
            }
            var cursor = Cursor(bytes: line, line: startLine, file: file)
            cursor.skipSpace()
            if cursor.atEndOrComment { continue }
            if cursor.peek == UInt8(ascii: "[") {
                cursor.index += 1
                cursor.skipSpace()
                let first = try cursor.key()
                guard first == "host" else { throw cursor.error("only [host.\"…\"] tables are understood, found [\(first)…]") }
                cursor.skipSpace()
                guard cursor.consume(UInt8(ascii: ".")) else { throw cursor.error("expected [host.\"https://…\"]") }
                cursor.skipSpace()
                let url = try cursor.key()
                cursor.skipSpace()
                guard cursor.consume(UInt8(ascii: "]")) else { throw cursor.error("expected ]") }
                cursor.skipSpace()
                guard cursor.atEndOrComment else { throw cursor.error("unexpected text after the table header") }
                document.hosts.append((url, [:]))
                currentHost = document.hosts.count - 1
                continue
            }
            let key = try cursor.key()
            cursor.skipSpace()
            guard cursor.consume(UInt8(ascii: "=")) else { throw cursor.error("expected = after \(key)") }
            cursor.skipSpace()
            let value = try cursor.value()
            cursor.skipSpace()
            guard cursor.atEndOrComment else { throw cursor.error("unexpected text after the value of \(key)") }
            if let index = currentHost { document.hosts[index].1[key] = value } else { document.root[key] = value }
        }
        return document
    }

    static func openBrackets(_ line: [UInt8]) -> Int {
        var depth = 0
        var quote: UInt8?
        var index = 0
        while index < line.count {
            let byte = line[index]
            if let open = quote {
                if byte == UInt8(ascii: "\\") && open == UInt8(ascii: "\"") { index += 1 } else if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "#") {
                break
            } else if byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "]") {
                depth -= 1
            }
            index += 1
        }
        // A table header `[host."x"]` balances on its own line.
        return depth
    }

    struct Cursor {
        let bytes: [UInt8]
        var index = 0
        let line: Int
        let file: String

        init(bytes: [UInt8], line: Int, file: String) {
            self.bytes = bytes
            self.line = line
            self.file = file
        }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
        var atEndOrComment: Bool { peek == nil || peek == UInt8(ascii: "#") || peek == UInt8(ascii: "\r") }

        func error(_ message: String) -> HostsFileError { HostsFileError(file: file, line: line, message: message) }

        mutating func skipSpace() {
            while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func key() throws(HostsFileError) -> String {
            if peek == UInt8(ascii: "\"") || peek == UInt8(ascii: "'") { return try string() }
            let start = index
            while let byte = peek,
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            {
                index += 1
            }
            guard index > start else { throw error("expected a key") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func string() throws(HostsFileError) -> String {
            guard let quote = peek else { throw error("expected a string") }
            index += 1
            var value: [UInt8] = []
            while let byte = peek {
                index += 1
                if byte == quote { return String(decoding: value, as: UTF8.self) }
                if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\""), let escaped = peek {
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): value.append(10)
                    case UInt8(ascii: "t"): value.append(9)
                    default: value.append(escaped)
                    }
                } else {
                    value.append(byte)
                }
            }
            throw error("unterminated string")
        }

        mutating func value() throws(HostsFileError) -> Value {
            switch peek {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string())
            case UInt8(ascii: "["):
                index += 1
                var values: [Value] = []
                while true {
                    skipSpace()
                    if consume(UInt8(ascii: "]")) { return .array(values) }
                    values.append(try value())
                    skipSpace()
                    if consume(UInt8(ascii: ",")) { continue }
                    skipSpace()
                    guard consume(UInt8(ascii: "]")) else { throw error("expected , or ] in an array") }
                    return .array(values)
                }
            default:
                let start = index
                while let byte = peek, byte != UInt8(ascii: " "), byte != UInt8(ascii: ","), byte != UInt8(ascii: "]"),
                    byte != UInt8(ascii: "#")
                {
                    index += 1
                }
                let word = String(decoding: bytes[start..<index], as: UTF8.self)
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                if let number = Int(word) { return .integer(number) }
                throw error("expected a string, true, false, a number or an array, found \"\(word)\"")
            }
        }
    }
}
