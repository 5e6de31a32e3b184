// libcurl, loaded with dlopen() when first asked for: nothing links against libcurl and no curl
// header is needed to build. The few declarations used are in ccurl.c.
//
// The registry client's transport (Sources/RegistryClient/Transport/CurlTransport.swift) is the only
// user. Library ids and handles are safe to use from many threads, a handle from one at a time.

#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>
#include <stdint.h>

/// An easy handle of one loaded library, with its error buffer.
typedef struct ccurl_handle ccurl_handle;

/// What a loaded library is.
typedef struct {
    /// The file name dlopen() took, e.g. "libcurl.so.4".
    const char *file_name;
    /// libcurl's version, e.g. "7.88.1".
    const char *version;
    /// The TLS library, e.g. "OpenSSL/3.0.22" or "GnuTLS/3.7.9"; "" when built without TLS.
    const char *tls_backend;
    /// The CA bundle it trusts by default (CURLINFO_CAINFO, libcurl 7.84+), or NULL when unknown.
    const char *default_ca_file;
    /// The CA directory it trusts by default (CURLINFO_CAPATH, libcurl 7.84+), or NULL when unknown.
    const char *default_ca_path;
    /// Whether trust can be given in memory (CURLOPT_CAINFO_BLOB); else it must be a file.
    int supports_ca_blob;
    /// Seconds that dlopen(), binding the symbols, curl_global_init and the shared caches took.
    double load_seconds;
    /// Whether the library was already in the process (mapped by something else) before.
    int was_mapped;
    /// Whether the TLS backend's verification message does not say why a certificate was
    /// refused (GnuTLS before curl 8): then the leaf's dates are read from CURLINFO_CERTINFO.
    int reads_certificate_dates;
} ccurl_library_info;

/// Loads libcurl once per process and file name: `file_name`, or when NULL libcurl.so.4, then
/// libcurl-gnutls.so.4 (the names Debian and most distributions use). Runs curl_global_init once.
/// Returns a library id (>= 0), or -1 with a message in `error`.
int ccurl_load(const char *file_name, char *error, size_t error_size);

/// Describes a library `ccurl_load` returned; 0 on success, -1 for an unknown id.
int ccurl_library_describe(int library, ccurl_library_info *info);

/// A new easy handle, or NULL when libcurl could not make one. Handles of one library share its
/// DNS cache and TLS sessions; each keeps its own connections alive between requests.
ccurl_handle *ccurl_handle_new(int library);

/// Frees a handle and closes its connections.
void ccurl_handle_free(ccurl_handle *handle);

/// One request. Nothing here is kept after `ccurl_perform` returns.
typedef struct {
    const char *method;
    const char *url;
    /// "Name: value" lines, sent as given.
    const char *const *headers;
    size_t header_count;
    const uint8_t *body;
    size_t body_length;
    /// One deadline for DNS, connect, TLS and the complete answer.
    long timeout_ms;
    /// The body may hold at most this many bytes.
    size_t max_body_bytes;
    const char *user_agent;
    /// Trust: a PEM bundle in memory, or a PEM file, replacing the default bundle (the default
    /// CA directory still applies); both NULL for the default bundle.
    const uint8_t *ca_blob;
    size_t ca_blob_length;
    const char *ca_file;
    /// With neither of those: no CA bundle at all, only the CA directory. OpenSSL reads a bundle
    /// whole for every new connection (about 20 ms for Debian's 140 CAs with OpenSSL 3.0), and a
    /// hashed directory only the files of the issuers it looks up.
    int no_ca_file;
    /// A CA directory instead of the default one, or NULL.
    const char *ca_path;
    /// Do not verify the peer's certificate or host name.
    int skip_verify;
    /// PEM client certificate and key files, or NULL.
    const char *client_certificate_file;
    const char *client_key_file;
    /// The proxy URL, or NULL for none (libcurl's own reading of the environment is turned off:
    /// the caller decides); `no_proxy`: hosts that bypass it, in curl's NO_PROXY syntax, or NULL.
    const char *proxy;
    const char *no_proxy;
} ccurl_request;

/// The leaf certificate's validity, where `reads_certificate_dates` made it known.
typedef enum {
    CCURL_VALIDITY_UNKNOWN = 0,
    CCURL_VALIDITY_CURRENT = 1,
    CCURL_VALIDITY_EXPIRED = 2,
    CCURL_VALIDITY_NOT_YET_VALID = 3,
} ccurl_validity;

/// The answer, or what libcurl said instead. Free it with `ccurl_response_free`.
typedef struct {
    /// libcurl's CURLcode: 0 when an HTTP answer came.
    int curl_code;
    /// The HTTP status of the final answer.
    long status;
    /// The final answer's header lines ("Name: value\r\n"; no status line): lines of interim
    /// (1xx) answers and of a proxy's CONNECT answer are not kept.
    char *headers;
    size_t headers_length;
    uint8_t *body;
    size_t body_length;
    /// The body went past `max_body_bytes` and the transfer was stopped.
    int body_too_large;
    /// A proxy's answer to CONNECT (0 when there was none).
    long proxy_connect_status;
    /// errno of the last failed connect or receive (0 when none).
    long os_errno;
    /// Connections opened for this request (0 when one kept alive was reused).
    long new_connections;
    ccurl_validity leaf_validity;
    /// libcurl's error text (its error buffer, or curl_easy_strerror when that is empty).
    char message[256];
} ccurl_response;

/// Sends one request on `handle` (its options reset first; its live connections kept).
void ccurl_perform(ccurl_handle *handle, const ccurl_request *request, ccurl_response *response);

/// Frees the buffers of a response `ccurl_perform` filled.
void ccurl_response_free(ccurl_response *response);

#endif
