import Foundation

/// `lab.json`, as `Tests/RegistryLab/lab.py` writes it (see `Tests/RegistryLab/README.md`).
public struct LabDescription: Decodable, Sendable {
    public let version: Int
    /// The lab process.
    public let pid: Int32
    public let dir: String
    /// The lab CA's certificate: every TLS endpoint but `badca` is signed by it.
    public let ca: String
    /// The unrelated CA that signed `badca`'s certificate.
    public let otherCA: String
    /// `alice` and `bob`, with their passwords and identity (refresh) tokens.
    public let accounts: [String: Account]
    public let endpoints: [String: Endpoint]
    /// By reference without host: `app:1.0`, `public/app:1.0`, `private/app:1.0`, ...
    public let images: [String: Image]
    /// The repositories `--bench-repos N` added (`bench/image-<i>:1.0` and the public/ and private/ copies).
    public let benchImages: [String]
    /// The size `big:1.0`'s layer descriptor claims.
    public let bigLayerSize: Int64
    /// The backends behind nginx (for debugging; tests use the endpoints).
    public let `internal`: [String: String]
    public let storage: String
    public let logs: String
    /// The versions of docker-registry, nginx, openssl, htpasswd (apache2-utils) and Python.
    public let versions: [String: String?]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        pid = try container.decode(Int32.self, forKey: .pid)
        dir = try container.decode(String.self, forKey: .dir)
        ca = try container.decode(String.self, forKey: .ca)
        otherCA = try container.decode(String.self, forKey: .otherCA)
        accounts = try container.decode([String: Account].self, forKey: .accounts)
        endpoints = try container.decode([String: Endpoint].self, forKey: .endpoints)
        images = try container.decode([String: Image].self, forKey: .images)
        benchImages = try container.decode([String].self, forKey: .benchImages)
        bigLayerSize = try container.decode(Int64.self, forKey: .bigLayerSize)
        `internal` = try container.decode([String: String].self, forKey: .internal)
        storage = try container.decode(String.self, forKey: .storage)
        logs = try container.decode(String.self, forKey: .logs)
        versions = try container.decode([String: String?].self, forKey: .versions)
        let absent = EndpointName.allCases.filter { endpoints[$0.rawValue] == nil }
        if !absent.isEmpty {
            throw DecodingError.dataCorruptedError(
                forKey: .endpoints, in: container, debugDescription: "lab.json has no endpoint \(absent.map(\.rawValue))")
        }
    }

    enum CodingKeys: String, CodingKey {
        case version, pid, dir, ca, otherCA, accounts, endpoints, images, benchImages, bigLayerSize, `internal`, storage, logs, versions
    }
}

public struct Account: Decodable, Sendable {
    /// A canary: tests check it never appears in pullcheck's output.
    public let password: String
    /// The refresh token the token server accepts for this account (`grant_type=refresh_token`);
    /// what `docker login` stores as `identitytoken`. Also a canary.
    public let identityToken: String
}

/// One endpoint: where it is and what it does.
public struct Endpoint: Decodable, Sendable {
    /// `https` or `http`.
    public let scheme: String
    /// `127.0.0.1:PORT`.
    public let host: String
    /// `scheme://host`.
    public let url: String
    public let description: String
    /// Its access log (JSON lines, one per request, with the raw Authorization header).
    public let log: String?
    /// The CA that signed its certificate.
    public let ca: String?
    /// `none`, `basic` or `bearer`.
    public let auth: String?
    /// The Basic realm, or the Bearer token realm URL.
    public let realm: String?
    /// Bearer: the token service and issuer, the token server and its log.
    public let service: String?
    public let issuer: String?
    public let tokenServer: String?
    public let tokenServerLog: String?
    /// `ratelimited`: the 429's Retry-After seconds and ratelimit headers, and the prefix of the
    /// repositories limited to 1 request per second (the rest answer 429 always).
    public let retryAfter: Int?
    public let ratelimitLimit: String?
    public let ratelimitRemaining: String?
    public let throttledPrefix: String?
    /// `wronghost`: the only name its certificate has.
    public let certificateName: String?
    /// `redirect`: where it sends `/v2/<name>/...` (`localhost:PORT`), and that host's log.
    public let target: String?
    public let targetURL: String?
    public let targetLog: String?

    /// The port, from `host`.
    public var port: Int { Int(host.split(separator: ":").last ?? "") ?? 0 }
}

/// An image (or index) the lab pushed.
public struct Image: Decodable, Sendable {
    public let repository: String
    public let tag: String
    public let digest: String
    public let mediaType: String
    /// The size of the manifest (or index) itself, in bytes.
    public let manifestSize: Int
    /// `os/arch[/variant]` of the image, or of each entry of an index (`unknown/unknown` for an
    /// attestation manifest).
    public let platforms: [String]
    /// A single-platform image: its config's and layers' sizes as the manifest states them.
    public let compressedSize: Int64?
    /// An index or manifest list: its entries.
    public let manifests: [ChildManifest]?

    public var reference: String { repository + ":" + tag }
}

public struct ChildManifest: Decodable, Sendable {
    public let digest: String
    public let mediaType: String
    public let platform: String
    public let manifestSize: Int
    public let compressedSize: Int64
}

/// One line of an access log: nginx's for each endpoint and the redirect target, or the token
/// server's (which adds the path, query and POST form apart).
public struct LoggedRequest: Decodable, Sendable {
    /// The log's endpoint: `tls`, `token`, `redirect-target`, `token-server`, ...
    public let endpoint: String
    /// The Host header the client sent.
    public let host: String
    public let method: String
    /// Path and query as sent.
    public let uri: String
    public let status: Int
    /// The raw Authorization header, or nil when there was none.
    public let authorization: String?
    /// The token server only: the POST body (an OAuth2 form, with the password it carries).
    public let body: String?
    public let userAgent: String?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try container.decode(String.self, forKey: .endpoint)
        host = try container.decodeIfPresent(String.self, forKey: .host) ?? ""
        method = try container.decode(String.self, forKey: .method)
        uri = try container.decode(String.self, forKey: .uri)
        status = try container.decode(Int.self, forKey: .status)
        // nginx logs an absent header as an empty string.
        let header = try container.decodeIfPresent(String.self, forKey: .authorization)
        authorization = header?.isEmpty == false ? header : nil
        body = try container.decodeIfPresent(String.self, forKey: .body)
        userAgent = try container.decodeIfPresent(String.self, forKey: .userAgent)
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, host, method, uri, status, authorization, body, userAgent
    }

    /// The user and password of a Basic Authorization header.
    public var basicCredentials: (user: String, password: String)? {
        guard let authorization, authorization.lowercased().hasPrefix("basic ") else { return nil }
        guard let data = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else {
            return nil
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Whether this request carried `secret` anywhere a credential travels: the Authorization
    /// header (raw or Basic-decoded), the URI, or the body.
    public func carries(_ secret: String) -> Bool {
        if let authorization, authorization.contains(secret) { return true }
        if let basicCredentials, basicCredentials.user.contains(secret) || basicCredentials.password.contains(secret) { return true }
        if uri.contains(secret) || (uri.removingPercentEncoding ?? "").contains(secret) { return true }
        if let body, body.contains(secret) || (body.removingPercentEncoding ?? "").contains(secret) { return true }
        return false
    }
}

/// What curl got: the status line and headers of the last response, and its body.
public struct HTTPAnswer: Sendable {
    /// curl's exit status: 0, or 6 (DNS), 7 (refused), 28 (timeout), 35 (TLS), 60 (certificate), ...
    public let curlExit: Int32
    /// The HTTP status, 0 when there was no answer.
    public let status: Int
    /// Header names in lower case (HTTP/2 sends them so); the last value of a repeated header.
    public let headers: [String: String]
    public let body: String
    /// curl's error message (`-S`), when it failed.
    public let error: String

    init(curlExit: Int32, raw: String, error: String) {
        self.curlExit = curlExit
        self.error = error.trimmingCharacters(in: .whitespacesAndNewlines)
        // With -i, curl prints every response's head (one per redirect it follows), then the body.
        var rest = Substring(raw)
        var status = 0
        var headers: [String: String] = [:]
        while rest.hasPrefix("HTTP/") {
            let end = rest.range(of: "\r\n\r\n") ?? rest.range(of: "\n\n")
            let head = end.map { rest[..<$0.lowerBound] } ?? rest
            rest = end.map { rest[$0.upperBound...] } ?? ""
            let lines = head.split(whereSeparator: \.isNewline)
            status = lines.first.flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
            headers = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        self.status = status
        self.headers = headers
        self.body = String(rest)
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
