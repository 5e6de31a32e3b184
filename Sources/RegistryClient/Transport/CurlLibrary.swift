internal import CCurl

/// What the loaded libcurl is (for `--version` output, logs and the benchmark).
public struct CurlLibraryInfo: Sendable, Hashable {
    /// The file dlopen() took, e.g. `libcurl.so.4`.
    public var fileName: String
    /// libcurl's version, e.g. `7.88.1`.
    public var version: String
    /// Its TLS library, e.g. `OpenSSL/3.0.22` or `GnuTLS/3.7.9`.
    public var tlsBackend: String
    /// The CA bundle it trusts by default, where it says (libcurl 7.84+).
    public var defaultCAFile: String?
    /// The CA directory it trusts by default, where it says (libcurl 7.84+).
    public var defaultCAPath: String?
    /// What loading it cost this process: dlopen() with its dependencies, curl_global_init and
    /// the shared caches (once per process; later transports reuse it).
    public var loadSeconds: Double
    /// Whether something else had mapped this libcurl into the process before (then `loadSeconds`
    /// does not include mapping it).
    public var wasAlreadyMapped: Bool
}

/// A libcurl loaded with dlopen() (libcurl.so.4, else libcurl-gnutls.so.4), initialised once per
/// process (`curl_global_init` under the C layer's lock, before any handle exists).
struct CurlLibrary: Sendable {
    let id: Int32
    let info: CurlLibraryInfo
    /// Trust can be handed over in memory (CURLOPT_CAINFO_BLOB); else it goes through a file.
    let supportsCABlob: Bool

    static func load(fileName: String?) -> Result<CurlLibrary, TransportFailure> {
        var error = [CChar](repeating: 0, count: 512)
        let id: Int32 = error.withUnsafeMutableBufferPointer { buffer in
            guard let fileName else { return ccurl_load(nil, buffer.baseAddress, buffer.count) }
            return fileName.withCString { ccurl_load($0, buffer.baseAddress, buffer.count) }
        }
        var about = ccurl_library_info()
        guard id >= 0, ccurl_library_describe(id, &about) == 0 else {
            return .failure(.unavailable(detail: cText(error)))
        }
        let info = CurlLibraryInfo(
            fileName: text(about.file_name), version: text(about.version), tlsBackend: text(about.tls_backend),
            defaultCAFile: about.default_ca_file.map { String(cString: $0) },
            defaultCAPath: about.default_ca_path.map { String(cString: $0) }, loadSeconds: about.load_seconds,
            wasAlreadyMapped: about.was_mapped != 0)
        return .success(CurlLibrary(id: id, info: info, supportsCABlob: about.supports_ca_blob != 0))
    }
}

private func text(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }

/// A NUL-terminated buffer's text (UTF-8, invalid bytes replaced).
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
