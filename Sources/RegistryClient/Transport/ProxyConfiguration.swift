/// Which proxy `CurlTransport` goes through.
public enum ProxyConfiguration: Sendable, Hashable {
    /// The proxy variables, read as curl reads them, once when the transport is made: for https://
    /// `https_proxy`, else `HTTPS_PROXY`; for http:// only the lower-case `http_proxy` (curl never
    /// reads `HTTP_PROXY`: a CGI server sets it from a request's `Proxy:` header); then `all_proxy`,
    /// else `ALL_PROXY`. A variable that is set but empty means no proxy. `no_proxy`, else
    /// `NO_PROXY`, names the hosts that bypass it, matched by libcurl itself.
    case environment
    /// No proxy, whatever the environment says.
    case direct
    /// This proxy for every request, except for the hosts in `noProxy` (curl's NO_PROXY syntax:
    /// host names and domains, IP addresses and CIDR ranges, separated by commas, or `*`).
    case explicit(url: String, noProxy: String?)
}

/// The proxy of each scheme, decided once; libcurl is told it explicitly (so it reads no variable
/// itself), and matches `noProxy` itself.
struct ProxyRoute: Sendable, Equatable {
    var https: String?
    var http: String?
    var noProxy: String

    init(https: String?, http: String?, noProxy: String) {
        self.https = https
        self.http = http
        self.noProxy = noProxy
    }

    init(_ configuration: ProxyConfiguration, environment: [String: String]) {
        switch configuration {
        case .direct:
            self.init(https: nil, http: nil, noProxy: "")
        case .explicit(let url, let noProxy):
            self.init(https: url, http: url, noProxy: noProxy ?? "")
        case .environment:
            // curl's detect_proxy(): "<scheme>_proxy" in lower case, then in upper case except for
            // http; the first one set wins even when empty; then all_proxy, ALL_PROXY.
            func first(_ names: [String]) -> String? {
                for name in names {
                    if let value = environment[name] { return value.isEmpty ? nil : value }
                }
                return nil
            }
            let all = ["all_proxy", "ALL_PROXY"]
            self.init(
                https: first(["https_proxy", "HTTPS_PROXY"] + all),
                http: first(["http_proxy"] + all),
                noProxy: environment["no_proxy"] ?? environment["NO_PROXY"] ?? "")
        }
    }

    func proxy(forScheme scheme: String) -> String? { scheme == "https" ? https : http }
}

/// The parts of an http(s) URL the transport needs: the scheme, the host (without brackets) and the port.
struct URLOrigin: Sendable, Hashable {
    var scheme: String
    var host: String
    var port: Int

    init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Nil unless the URL is http:// or https:// with a host.
    init?(_ url: String) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let endpoint = Self.endpoint(authority, defaultPort: scheme == "https" ? 443 : 80) else { return nil }
        self.scheme = scheme
        self.host = endpoint.host
        self.port = endpoint.port
    }

    /// A proxy URL's host and port, with curl's defaults: no scheme means http://, and the port is
    /// 1080 unless the scheme is https:// (443).
    static func proxyEndpoint(_ url: String) -> (host: String, port: Int)? {
        var rest = Substring(url)
        var scheme = "http"
        if let separator = url.firstRange(of: "://") {
            scheme = url[..<separator.lowerBound].lowercased()
            rest = url[separator.upperBound...]
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return endpoint(authority, defaultPort: scheme == "https" ? 443 : 1080)
    }

    private static func endpoint(_ authority: Substring, defaultPort: Int) -> (host: String, port: Int)? {
        var hostPort = authority
        if let at = hostPort.lastIndex(of: "@") { hostPort = hostPort[hostPort.index(after: at)...] }
        let host: Substring
        var portText: Substring = ""
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        guard !host.isEmpty else { return nil }
        var port = defaultPort
        if !portText.isEmpty {
            guard let given = Int(portText), (1...65_535).contains(given) else { return nil }
            port = given
        }
        return (host.lowercased(), port)
    }
}
