internal import CCurl
import FoundationEssentials
import Synchronization
import TextSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `HTTPTransport` over libcurl, which is loaded with dlopen() when the first transport is made
/// (libcurl.so.4, else libcurl-gnutls.so.4): nothing links against libcurl, and building needs no
/// curl headers. Where libcurl cannot be loaded every request fails with `.unavailable`.
///
/// - Keep-alive: easy handles are pooled by origin and TLS options, and each keeps its connections
///   open; a request takes an idle handle that last talked to its origin, or a new one. Handles share
///   the DNS cache and TLS sessions. At most `maxIdleHandles` wait in the pool.
/// - Many threads may call `send` at once; a handle serves one request at a time.
/// - Redirects are never followed. A HEAD request reads no body. `timeout` is one deadline for DNS,
///   connect, TLS and the whole answer; a body over `maxBodyBytes` ends the request (`.tooLarge`).
/// - Response headers are the final answer's (not a 1xx's or a proxy's), names lower-cased, one
///   entry per header line.
/// - Trust: the system's CAs, plus `TLSOptions.extraCAFiles` for that request. Where libcurl has
///   a CA directory (Debian's /etc/ssl/certs, hashed), that is all it is given: OpenSSL then reads
///   only the issuers it looks up, where a bundle is read whole for every new connection (about
///   20 ms with OpenSSL 3.0). Elsewhere the default bundle is used, with the extra CAs appended.
/// - No failure detail holds the request's credentials.
public final class CurlTransport: HTTPTransport {
    private let loaded: Result<CurlLibrary, TransportFailure>
    private let userAgent: String
    private let route: ProxyRoute
    private let maxIdleHandles: Int
    /// A CA directory other than libcurl's default (tests), or nil.
    private let caDirectory: String?
    private let pool = Mutex(HandlePool())
    private let trust = Mutex(TrustCache())

    /// - Parameters:
    ///   - userAgent: the User-Agent header of every request.
    ///   - proxy: `.environment` reads the proxy variables now, as curl reads them.
    ///   - maxIdleHandles: how many easy handles (each with its open connections) stay pooled.
    ///   - library: a libcurl file name for dlopen() instead of the default order.
    public convenience init(
        userAgent: String = "pullcheck", proxy: ProxyConfiguration = .environment, maxIdleHandles: Int = 8, library: String? = nil
    ) {
        self.init(
            userAgent: userAgent, proxy: proxy, maxIdleHandles: maxIdleHandles, library: library,
            environment: ProcessInfo.processInfo.environment, caDirectory: nil)
    }

    /// As above, with the proxy variables taken from `environment`, and the system's CAs from
    /// `caDirectory` (a hashed CA directory) instead of libcurl's default when given.
    init(
        userAgent: String, proxy: ProxyConfiguration, maxIdleHandles: Int, library: String?, environment: [String: String],
        caDirectory: String?
    ) {
        self.caDirectory = caDirectory
        self.loaded = CurlLibrary.load(fileName: library)
        self.userAgent = userAgent
        self.route = ProxyRoute(proxy, environment: environment)
        self.maxIdleHandles = max(0, maxIdleHandles)
    }

    deinit {
        pool.withLock { pool in
            for entry in pool.idle { ccurl_handle_free(entry.handle.pointer) }
            pool.idle.removeAll()
        }
        trust.withLock { $0.removeFiles() }
    }

    /// The libcurl in use, or why none could be loaded.
    public var library: Result<CurlLibraryInfo, TransportFailure> { loaded.map(\.info) }

    public func send(_ request: HTTPRequest, tls: TLSOptions, timeout: Double, maxBodyBytes: Int) -> Result<HTTPResponse, TransportFailure>
    {
        exchange(request, tls: tls, timeout: timeout, maxBodyBytes: maxBodyBytes).result
    }

    /// One request's result, and how many connections it opened (0 when it reused one).
    struct Exchange: Sendable {
        var result: Result<HTTPResponse, TransportFailure>
        var newConnections: Int = 0
    }

    func exchange(_ request: HTTPRequest, tls: TLSOptions, timeout: Double, maxBodyBytes: Int) -> Exchange {
        let library: CurlLibrary
        switch loaded {
        case .success(let value): library = value
        case .failure(let failure): return Exchange(result: .failure(failure))
        }
        guard timeout > 0 else { return Exchange(result: .failure(.timeout)) }
        guard let origin = URLOrigin(request.url) else {
            return Exchange(result: .failure(.other(code: 1, detail: "not an http:// or https:// URL with a host")))
        }
        // A line break would let a header value add lines of its own to the request.
        func hasLineBreak(_ text: String) -> Bool { text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 } }
        if let broken = request.headers.first(where: { header in hasLineBreak(header.name) || hasLineBreak(header.value) }) {
            return Exchange(result: .failure(.other(code: 43, detail: "the header \(broken.name) holds a line break")))
        }
        let anchors: TrustAnchors
        switch trust.withLock({ $0.anchors(for: tls.extraCAFiles, library: library, caDirectory: caDirectory) }) {
        case .success(let value): anchors = value
        case .failure(let failure): return Exchange(result: .failure(failure))
        }
        let key = PoolKey(origin: origin, tls: tls)
        guard let handle = takeHandle(key) ?? ccurl_handle_new(library.id).map(EasyHandle.init) else {
            return Exchange(result: .failure(.unavailable(detail: "libcurl could not make an easy handle")))
        }
        let proxy = route.proxy(forScheme: origin.scheme)
        let exchange = perform(
            request, on: handle, origin: origin, tls: tls, anchors: anchors, proxy: proxy, timeout: timeout,
            maxBodyBytes: max(0, maxBodyBytes))
        returnHandle(handle, key: key)
        return exchange
    }

    // MARK: - The pool

    private func takeHandle(_ key: PoolKey) -> EasyHandle? {
        pool.withLock { pool in
            guard let index = pool.idle.lastIndex(where: { $0.key == key }) else { return nil }
            return pool.idle.remove(at: index).handle
        }
    }

    private func returnHandle(_ handle: EasyHandle, key: PoolKey) {
        let evicted: EasyHandle? = pool.withLock { pool in
            pool.idle.append(HandlePool.Entry(key: key, handle: handle))
            return pool.idle.count > maxIdleHandles ? pool.idle.removeFirst().handle : nil
        }
        // Outside the lock: closing its connections may take a moment.
        if let evicted { ccurl_handle_free(evicted.pointer) }
    }

    // MARK: - One request through libcurl

    private func perform(
        _ request: HTTPRequest, on handle: EasyHandle, origin: URLOrigin, tls: TLSOptions, anchors: TrustAnchors, proxy: String?,
        timeout: Double, maxBodyBytes: Int
    ) -> Exchange {
        var strings = CStrings()
        defer { strings.free() }
        let headerLines = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(1, request.headers.count))
        defer { headerLines.deallocate() }
        for (index, header) in request.headers.enumerated() {
            // "Name:" alone would make libcurl drop its own header of that name; "Name;" sends it empty.
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            headerLines[index] = strings.add(line)
        }
        var call = ccurl_request()
        call.method = strings.add(request.method)
        call.url = strings.add(request.url)
        call.headers = UnsafePointer(headerLines)
        call.header_count = request.headers.count
        call.timeout_ms = Int(min((timeout * 1000).rounded(.up), Double(Int32.max)))
        call.max_body_bytes = maxBodyBytes
        call.user_agent = strings.add(userAgent)
        call.skip_verify = tls.skipVerify ? 1 : 0
        call.client_certificate_file = tls.clientCertificateFile.map { strings.add($0) }
        call.client_key_file = tls.clientKeyFile.map { strings.add($0) }
        call.proxy = proxy.map { strings.add($0) }
        call.no_proxy = strings.add(route.noProxy)
        switch anchors {
        case .file(let path): call.ca_file = strings.add(path)
        case .directoryOnly: call.no_ca_file = 1
        case .libraryDefault, .blob: break
        }
        call.ca_path = caDirectory.map { strings.add($0) }

        var response = ccurl_response()
        let blob: [UInt8]
        if case .blob(let bytes) = anchors { blob = bytes } else { blob = [] }
        request.body.withUnsafeBufferPointer { body in
            blob.withUnsafeBufferPointer { trustBytes in
                call.body = body.baseAddress
                call.body_length = body.count
                if case .blob = anchors {
                    call.ca_blob = trustBytes.baseAddress
                    call.ca_blob_length = trustBytes.count
                }
                ccurl_perform(handle.pointer, &call, &response)
            }
        }
        defer { ccurl_response_free(&response) }

        var exchange = Exchange(result: .failure(.timeout), newConnections: response.new_connections)
        if response.curl_code == 0 {
            let headers = parseHeaderLines(UnsafeRawBufferPointer(start: response.headers, count: response.headers_length))
            let body = Array(UnsafeBufferPointer(start: response.body, count: response.body_length))
            exchange.result = .success(HTTPResponse(status: response.status, headers: headers, body: body))
            return exchange
        }
        let message = withUnsafeBytes(of: response.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        var outcome = CurlOutcome(code: Int(response.curl_code), message: message, host: origin.host, proxy: proxy, noProxy: route.noProxy)
        outcome.proxyConnectStatus = response.proxy_connect_status
        outcome.osErrno = response.os_errno
        outcome.bodyTooLarge = response.body_too_large != 0
        switch response.leaf_validity {
        case CCURL_VALIDITY_CURRENT: outcome.leafValidity = .current
        case CCURL_VALIDITY_EXPIRED: outcome.leafValidity = .expired
        case CCURL_VALIDITY_NOT_YET_VALID: outcome.leafValidity = .notYetValid
        default: outcome.leafValidity = .unknown
        }
        exchange.result = .failure(CredentialRedactor(request: request, proxy: proxy).redact(outcome.failure))
        return exchange
    }
}

/// Header lines ("Name: value", CRLF or LF ended) as (lower-cased name, value) pairs, one per line;
/// a folded continuation line (starting with a space or tab) joins the value above it.
func parseHeaderLines(_ bytes: UnsafeRawBufferPointer) -> [(name: String, value: String)] {
    var headers: [(name: String, value: String)] = []
    for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
        var line = rawLine[...]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if line.isEmpty { continue }
        let text = String(decoding: line, as: UTF8.self)
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            guard !headers.isEmpty else { continue }
            let more = text.trimmingWhitespace()
            headers[headers.count - 1].value += headers[headers.count - 1].value.isEmpty ? more : " " + more
            continue
        }
        guard let colon = text.firstIndex(of: ":") else { continue }
        let name = text[..<colon].trimmingWhitespace().lowercased()
        let value = text[text.index(after: colon)...].trimmingWhitespace()
        headers.append((name, value))
    }
    return headers
}

/// Which handles may serve a request: same origin and TLS options, so a kept-alive connection fits.
struct PoolKey: Hashable, Sendable {
    var origin: URLOrigin
    var tls: TLSOptions
}

/// Idle easy handles, the most recently returned last.
struct HandlePool: ~Copyable {
    struct Entry {
        var key: PoolKey
        var handle: EasyHandle
    }
    var idle: [Entry] = []
}

/// A libcurl easy handle. libcurl allows one thread at a time on a handle, and the pool sees to it:
/// a request takes the handle out of the pool under the pool's lock and puts it back when it ends,
/// so a handle is never in two places at once. The compiler cannot follow a C pointer moved into
/// and out of a `Mutex` by a closure; this conformance states that invariant instead.
struct EasyHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// How a request's trust reaches libcurl.
enum TrustAnchors: Sendable {
    /// libcurl's defaults: its CA bundle and CA directory.
    case libraryDefault
    /// Its CA directory only.
    case directoryOnly
    /// Extra CAs in memory (with the default bundle in front unless the CA directory is used).
    case blob([UInt8])
    /// The same, in a file (for TLS libraries without CURLOPT_CAINFO_BLOB, such as GnuTLS before curl 8).
    case file(String)
}

/// The trust of each list of extra CA files, decided once: with a CA directory, the extra files
/// alone (the directory holds the system's CAs); without one, libcurl's default bundle followed by
/// the extra files.
struct TrustCache: ~Copyable {
    private var bundles: [[String]: Result<TrustAnchors, TransportFailure>] = [:]
    private var directory: String?
    private var usesCADirectory: Bool?

    mutating func anchors(for extraCAFiles: [String], library: CurlLibrary, caDirectory: String?) -> Result<TrustAnchors, TransportFailure>
    {
        let usesCADirectory = self.usesCADirectory ?? Self.isDirectory(caDirectory ?? library.info.defaultCAPath)
        self.usesCADirectory = usesCADirectory
        if extraCAFiles.isEmpty { return .success(usesCADirectory ? .directoryOnly : .libraryDefault) }
        if let known = bundles[extraCAFiles] { return known }
        let built = build(extraCAFiles, library: library, withDefaultBundle: !usesCADirectory)
        bundles[extraCAFiles] = built
        return built
    }

    private static func isDirectory(_ path: String?) -> Bool {
        var isDirectory = false
        guard let path, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        return isDirectory
    }

    private mutating func build(_ extraCAFiles: [String], library: CurlLibrary, withDefaultBundle: Bool) -> Result<
        TrustAnchors, TransportFailure
    > {
        var bundle: [UInt8] = []
        if withDefaultBundle, let system = library.info.defaultCAFile, let bytes = FileManager.default.contents(atPath: system) {
            bundle += bytes
            bundle.append(UInt8(ascii: "\n"))
        }
        for file in extraCAFiles {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                return .failure(.other(code: 77, detail: "the CA file \(file) cannot be read"))
            }
            bundle += bytes
            bundle.append(UInt8(ascii: "\n"))
        }
        if library.supportsCABlob { return .success(.blob(bundle)) }
        guard let directory = trustDirectory() else {
            return .failure(.other(code: 77, detail: "no private temporary directory for the CA bundle"))
        }
        let path = "\(directory)/bundle-\(bundles.count).pem"
        guard FileManager.default.createFile(atPath: path, contents: Data(bundle), attributes: [.posixPermissions: 0o600]) else {
            return .failure(.other(code: 77, detail: "the CA bundle \(path) cannot be written"))
        }
        return .success(.file(path))
    }

    private mutating func trustDirectory() -> String? {
        if let directory { return directory }
        var base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        while base.hasSuffix("/") { base.removeLast() }
        var template = Array((base + "/pullcheck-trust-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } != nil }
        guard made else { return nil }
        directory = cText(template)
        return directory
    }

    mutating func removeFiles() {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        directory = nil
    }
}

/// C strings that live until `free()`.
private struct CStrings {
    private var pointers: [UnsafeMutablePointer<CChar>] = []

    mutating func add(_ text: String) -> UnsafePointer<CChar> {
        let bytes = text.utf8CString
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        _ = UnsafeMutableBufferPointer(start: pointer, count: bytes.count).initialize(fromContentsOf: bytes)
        pointers.append(pointer)
        return UnsafePointer(pointer)
    }

    mutating func free() {
        for pointer in pointers { pointer.deallocate() }
        pointers.removeAll()
    }
}
