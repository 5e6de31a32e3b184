/// The HTTP boundary of the registry client: one request in, one response (or a classified failure)
/// out. Redirects are never followed here: the caller decides, so an `Authorization` header never
/// crosses to another host.

/// One HTTP request. Header names are sent as given.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response. Header names are lower-cased; a repeated header appears once per line.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this (lower-case) name.
    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    /// Every header with this (lower-case) name, in order.
    public func headers(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
}

/// Trust for one host: the system's CA store plus these, as the nodes' `certs.d` gives them.
public struct TLSOptions: Sendable, Hashable {
    /// PEM files added to the system's trust store for this host (`ca` in hosts.toml, `ca.crt`).
    public var extraCAFiles: [String]
    /// `skip_verify = true` in hosts.toml.
    public var skipVerify: Bool
    /// Client certificate and key (`client` in hosts.toml, `client.cert`/`client.key` in certs.d).
    public var clientCertificateFile: String?
    public var clientKeyFile: String?

    public init(extraCAFiles: [String] = [], skipVerify: Bool = false, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
        self.extraCAFiles = extraCAFiles
        self.skipVerify = skipVerify
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }
}

/// Why a request got no HTTP answer.
public enum TransportFailure: Error, Sendable, Hashable {
    /// The host name does not resolve.
    case dns(host: String)
    /// The connection was refused.
    case refused(host: String)
    /// The deadline passed (DNS, connect, TLS or the answer).
    case timeout
    /// The server's certificate chain is not trusted.
    case tlsUnknownAuthority(detail: String)
    /// The certificate is not valid for the host name asked for.
    case tlsHostname(detail: String)
    /// The certificate has expired or is not yet valid.
    case tlsExpired(detail: String)
    /// The TLS handshake failed otherwise; `plainHTTPPeer` when the server answered in plain HTTP.
    case tlsHandshake(detail: String, plainHTTPPeer: Bool)
    /// The proxy could not be reached or refused the tunnel.
    case proxy(detail: String)
    /// The connection was reset or closed before a complete answer (worth one retry).
    case reset(detail: String)
    /// The answer was larger than the caller allows.
    case tooLarge
    /// Anything else, with the library's code and message.
    case other(code: Int, detail: String)
    /// The HTTP library could not be loaded.
    case unavailable(detail: String)
}

/// Sends requests. Implementations are safe to call from many threads at once and keep connections
/// alive between calls to the same host.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and waits at most `timeout` seconds for the complete answer, whose body may
    /// hold at most `maxBodyBytes` bytes.
    func send(_ request: HTTPRequest, tls: TLSOptions, timeout: Double, maxBodyBytes: Int) -> Result<HTTPResponse, TransportFailure>
}
