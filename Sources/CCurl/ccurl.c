// libcurl through dlopen(): see include/ccurl.h.

#define _GNU_SOURCE  // timegm
#include "ccurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

// MARK: - The part of libcurl's ABI used here (values as in curl/curl.h; stable across libcurl 7 and 8)

typedef void CURL;
typedef void CURLSH;
typedef int CURLcode;
typedef int64_t curl_off_t;

struct curl_slist {
    char *data;
    struct curl_slist *next;
};

struct curl_blob {
    void *data;
    size_t len;
    unsigned int flags;
};

struct curl_certinfo {
    int num_of_certs;
    struct curl_slist **certinfo;
};

// The leading fields of curl_version_info_data, which every version has.
struct curl_version_info_prefix {
    int age;
    const char *version;
    unsigned int version_num;
    const char *host;
    int features;
    const char *ssl_version;
};

enum {
    CURL_GLOBAL_ALL = 3,
    CURL_BLOB_COPY = 1,
    CURLPROTO_HTTP = 1,
    CURLPROTO_HTTPS = 2,
    CURL_ERROR_SIZE = 256,
};

enum {
    CURLOPT_URL = 10002,
    CURLOPT_PROXY = 10004,
    CURLOPT_ERRORBUFFER = 10010,
    CURLOPT_WRITEFUNCTION = 20011,
    CURLOPT_WRITEDATA = 10001,
    CURLOPT_POSTFIELDS = 10015,
    CURLOPT_USERAGENT = 10018,
    CURLOPT_HTTPHEADER = 10023,
    CURLOPT_SSLCERT = 10025,
    CURLOPT_HEADERDATA = 10029,
    CURLOPT_CUSTOMREQUEST = 10036,
    CURLOPT_NOBODY = 44,
    CURLOPT_POST = 47,
    CURLOPT_FOLLOWLOCATION = 52,
    CURLOPT_SSL_VERIFYPEER = 64,
    CURLOPT_CAINFO = 10065,
    CURLOPT_CAPATH = 10097,
    CURLOPT_HEADERFUNCTION = 20079,
    CURLOPT_HTTPGET = 80,
    CURLOPT_SSL_VERIFYHOST = 81,
    CURLOPT_SSLKEY = 10087,
    CURLOPT_NOSIGNAL = 99,
    CURLOPT_SHARE = 10100,
    CURLOPT_MAXFILESIZE_LARGE = 30117,
    CURLOPT_POSTFIELDSIZE_LARGE = 30120,
    CURLOPT_TIMEOUT_MS = 155,
    CURLOPT_CONNECTTIMEOUT_MS = 156,
    CURLOPT_CERTINFO = 172,
    CURLOPT_NOPROXY = 10177,
    CURLOPT_PROTOCOLS = 181,
    CURLOPT_SUPPRESS_CONNECT_HEADERS = 265,
    CURLOPT_CAINFO_BLOB = 40309,
    CURLOPT_PROTOCOLS_STR = 10318,
};

enum {
    CURLINFO_RESPONSE_CODE = 0x200000 + 2,
    CURLINFO_HTTP_CONNECTCODE = 0x200000 + 22,
    CURLINFO_OS_ERRNO = 0x200000 + 25,
    CURLINFO_NUM_CONNECTS = 0x200000 + 26,
    CURLINFO_CERTINFO = 0x400000 + 34,
    CURLINFO_CAINFO = 0x100000 + 61,
    CURLINFO_CAPATH = 0x100000 + 62,
};

enum {
    CURLE_OK = 0,
    CURLE_PEER_FAILED_VERIFICATION = 60,
    CURLSHOPT_SHARE = 1,
    CURLSHOPT_LOCKFUNC = 3,
    CURLSHOPT_UNLOCKFUNC = 4,
    CURLSHOPT_USERDATA = 5,
    CURL_LOCK_DATA_DNS = 3,
    CURL_LOCK_DATA_SSL_SESSION = 4,
    LOCK_KINDS = 8,
};

// MARK: - Loaded libraries

typedef struct {
    void *dl;
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_setopt)(CURL *, int, ...);
    CURLcode (*easy_getinfo)(CURL *, int, ...);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    struct curl_version_info_prefix *(*version_info)(int);
    CURLSH *(*share_init)(void);
    int (*share_setopt)(CURLSH *, int, ...);

    CURLSH *share;
    pthread_mutex_t locks[LOCK_KINDS];
    ccurl_library_info info;
    char file_name[64];
    char version[32];
    char tls_backend[64];
    char default_ca_file[512];
    char default_ca_path[512];
} library;

enum { MAX_LIBRARIES = 4 };
static library libraries[MAX_LIBRARIES];
static int library_count;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static void share_lock(CURL *easy, int data, int access, void *user) {
    (void)easy;
    (void)access;
    library *lib = user;
    pthread_mutex_lock(&lib->locks[(unsigned)data % LOCK_KINDS]);
}

static void share_unlock(CURL *easy, int data, void *user) {
    (void)easy;
    library *lib = user;
    pthread_mutex_unlock(&lib->locks[(unsigned)data % LOCK_KINDS]);
}

static void copy_text(char *target, size_t size, const char *text) {
    snprintf(target, size, "%s", text ? text : "");
}

#define RESOLVE(field, symbol)                                                                    \
    do {                                                                                          \
        *(void **)(&lib->field) = dlsym(lib->dl, symbol);                                        \
        if (!lib->field) {                                                                        \
            snprintf(error, error_size, "%s has no symbol %s", file_name, symbol);               \
            return -1;                                                                            \
        }                                                                                         \
    } while (0)

// Fills `lib` from an open library; -1 (and `error`) when a symbol is missing or init fails.
static int bind_library(library *lib, const char *file_name, char *error, size_t error_size) {
    RESOLVE(global_init, "curl_global_init");
    RESOLVE(easy_init, "curl_easy_init");
    RESOLVE(easy_cleanup, "curl_easy_cleanup");
    RESOLVE(easy_reset, "curl_easy_reset");
    RESOLVE(easy_setopt, "curl_easy_setopt");
    RESOLVE(easy_getinfo, "curl_easy_getinfo");
    RESOLVE(easy_perform, "curl_easy_perform");
    RESOLVE(easy_strerror, "curl_easy_strerror");
    RESOLVE(slist_append, "curl_slist_append");
    RESOLVE(slist_free_all, "curl_slist_free_all");
    RESOLVE(version_info, "curl_version_info");
    RESOLVE(share_init, "curl_share_init");
    RESOLVE(share_setopt, "curl_share_setopt");

    if (lib->global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
        snprintf(error, error_size, "curl_global_init failed in %s", file_name);
        return -1;
    }
    for (int i = 0; i < LOCK_KINDS; i++) pthread_mutex_init(&lib->locks[i], NULL);
    lib->share = lib->share_init();
    if (lib->share) {
        lib->share_setopt(lib->share, CURLSHOPT_LOCKFUNC, share_lock);
        lib->share_setopt(lib->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
        lib->share_setopt(lib->share, CURLSHOPT_USERDATA, (void *)lib);
        lib->share_setopt(lib->share, CURLSHOPT_SHARE, (int)CURL_LOCK_DATA_DNS);
        lib->share_setopt(lib->share, CURLSHOPT_SHARE, (int)CURL_LOCK_DATA_SSL_SESSION);
    }

    struct curl_version_info_prefix *about = lib->version_info(0);
    copy_text(lib->file_name, sizeof lib->file_name, file_name);
    copy_text(lib->version, sizeof lib->version, about ? about->version : "");
    copy_text(lib->tls_backend, sizeof lib->tls_backend, about ? about->ssl_version : "");

    // What this build supports, asked of a scratch handle.
    CURL *scratch = lib->easy_init();
    if (!scratch) {
        snprintf(error, error_size, "curl_easy_init failed in %s", file_name);
        return -1;
    }
    const char *ca_file = NULL;
    int has_ca_file = lib->easy_getinfo(scratch, CURLINFO_CAINFO, &ca_file) == CURLE_OK && ca_file && *ca_file;
    copy_text(lib->default_ca_file, sizeof lib->default_ca_file, has_ca_file ? ca_file : "");
    const char *ca_path = NULL;
    int has_ca_path = lib->easy_getinfo(scratch, CURLINFO_CAPATH, &ca_path) == CURLE_OK && ca_path && *ca_path;
    copy_text(lib->default_ca_path, sizeof lib->default_ca_path, has_ca_path ? ca_path : "");
    struct curl_blob probe = {.data = (void *)"", .len = 0, .flags = CURL_BLOB_COPY};
    lib->info.supports_ca_blob = lib->easy_setopt(scratch, CURLOPT_CAINFO_BLOB, &probe) == CURLE_OK;
    lib->easy_cleanup(scratch);

    lib->info.file_name = lib->file_name;
    lib->info.version = lib->version;
    lib->info.tls_backend = lib->tls_backend;
    lib->info.default_ca_file = has_ca_file ? lib->default_ca_file : NULL;
    lib->info.default_ca_path = has_ca_path ? lib->default_ca_path : NULL;
    lib->info.reads_certificate_dates = strncmp(lib->tls_backend, "GnuTLS", 6) == 0;
    return 0;
}

int ccurl_load(const char *file_name, char *error, size_t error_size) {
#if defined(__APPLE__)
    static const char *const defaults[] = {"libcurl.4.dylib", "/usr/lib/libcurl.4.dylib"};
#else
    static const char *const defaults[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};
#endif
    const char *const *names = file_name ? &file_name : defaults;
    size_t name_count = file_name ? 1 : sizeof defaults / sizeof defaults[0];
    int result = -1;

    pthread_mutex_lock(&load_lock);
    for (int i = 0; i < library_count; i++) {
        for (size_t n = 0; n < name_count; n++) {
            if (strcmp(libraries[i].file_name, names[n]) == 0) {
                result = i;
                goto done;
            }
        }
    }
    if (library_count == MAX_LIBRARIES) {
        snprintf(error, error_size, "too many libcurl libraries loaded");
        goto done;
    }
    char tried[512] = "";
    for (size_t n = 0; n < name_count; n++) {
        struct timespec start, end;
        void *mapped = dlopen(names[n], RTLD_NOW | RTLD_NOLOAD);
        if (mapped) dlclose(mapped);
        clock_gettime(CLOCK_MONOTONIC, &start);
        void *dl = dlopen(names[n], RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
            const char *why = dlerror();
            size_t used = strlen(tried);
            snprintf(tried + used, sizeof tried - used, "%s%s", used ? "; " : "", why ? why : names[n]);
            continue;
        }
        library *lib = &libraries[library_count];
        memset(lib, 0, sizeof *lib);
        lib->dl = dl;
        if (bind_library(lib, names[n], error, error_size) != 0) {
            // Kept open: a library that ran curl_global_init must not be unloaded.
            goto done;
        }
        clock_gettime(CLOCK_MONOTONIC, &end);
        lib->info.load_seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
        lib->info.was_mapped = mapped != NULL;
        result = library_count;
        library_count += 1;
        goto done;
    }
    snprintf(error, error_size, "libcurl could not be loaded (%s)", tried);
done:
    pthread_mutex_unlock(&load_lock);
    return result;
}

static library *library_for(int id) {
    pthread_mutex_lock(&load_lock);
    library *lib = id >= 0 && id < library_count ? &libraries[id] : NULL;
    pthread_mutex_unlock(&load_lock);
    return lib;
}

int ccurl_library_describe(int id, ccurl_library_info *info) {
    library *lib = library_for(id);
    if (!lib) return -1;
    *info = lib->info;
    return 0;
}

// MARK: - Handles

struct ccurl_handle {
    library *lib;
    CURL *easy;
    char error[CURL_ERROR_SIZE];
};

ccurl_handle *ccurl_handle_new(int id) {
    library *lib = library_for(id);
    if (!lib) return NULL;
    ccurl_handle *handle = calloc(1, sizeof *handle);
    if (!handle) return NULL;
    handle->lib = lib;
    handle->easy = lib->easy_init();
    if (!handle->easy) {
        free(handle);
        return NULL;
    }
    return handle;
}

void ccurl_handle_free(ccurl_handle *handle) {
    if (!handle) return;
    handle->lib->easy_cleanup(handle->easy);
    free(handle);
}

// MARK: - One request

typedef struct {
    uint8_t *data;
    size_t length;
    size_t capacity;
    size_t limit;
    int too_large;
} byte_buffer;

static int reserve(byte_buffer *buffer, size_t extra) {
    if (buffer->capacity - buffer->length >= extra) return 1;
    size_t wanted = buffer->length + extra;
    size_t capacity = buffer->capacity ? buffer->capacity : 4096;
    while (capacity < wanted) capacity *= 2;
    uint8_t *grown = realloc(buffer->data, capacity);
    if (!grown) return 0;
    buffer->data = grown;
    buffer->capacity = capacity;
    return 1;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *user) {
    byte_buffer *body = user;
    size_t length = size * count;
    if (length > body->limit - body->length) {
        body->too_large = 1;
        return 0;  // CURLE_WRITE_ERROR
    }
    if (!reserve(body, length)) return 0;
    memcpy(body->data + body->length, bytes, length);
    body->length += length;
    return length;
}

// Keeps the header lines of the last response only: a status line starts a new response (an
// interim 1xx answer, or what follows a proxy's CONNECT answer).
static size_t on_header(char *bytes, size_t size, size_t count, void *user) {
    byte_buffer *headers = user;
    size_t length = size * count;
    if (length >= 5 && memcmp(bytes, "HTTP/", 5) == 0) {
        headers->length = 0;
        return length;
    }
    if (length > headers->limit - headers->length) {
        headers->too_large = 1;
        return 0;
    }
    if (!reserve(headers, length)) return 0;
    memcpy(headers->data + headers->length, bytes, length);
    headers->length += length;
    return length;
}

// "2020-01-31 00:00:00 GMT" (GnuTLS) or "Jan 31 00:00:00 2020 GMT" (OpenSSL), in UTC.
static int parse_certificate_time(const char *text, time_t *time) {
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm parts;
    memset(&parts, 0, sizeof parts);
    int year, month, day, hour, minute, second;
    char name[4] = "";
    if (sscanf(text, "%d-%d-%d %d:%d:%d", &year, &month, &day, &hour, &minute, &second) == 6) {
        // month as given
    } else if (sscanf(text, "%3s %d %d:%d:%d %d", name, &day, &hour, &minute, &second, &year) == 6) {
        const char *found = strlen(name) == 3 ? strstr(months, name) : NULL;
        if (!found || (found - months) % 3 != 0) return 0;
        month = (int)(found - months) / 3 + 1;
    } else {
        return 0;
    }
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    *time = timegm(&parts);
    return 1;
}

static ccurl_validity leaf_validity(library *lib, CURL *easy) {
    struct curl_certinfo *chain = NULL;
    if (lib->easy_getinfo(easy, CURLINFO_CERTINFO, &chain) != CURLE_OK || !chain || chain->num_of_certs < 1) {
        return CCURL_VALIDITY_UNKNOWN;
    }
    time_t start = 0, expiry = 0;
    int has_start = 0, has_expiry = 0;
    for (struct curl_slist *field = chain->certinfo[0]; field; field = field->next) {
        if (strncasecmp(field->data, "Start date:", 11) == 0) has_start = parse_certificate_time(field->data + 11, &start);
        if (strncasecmp(field->data, "Expire date:", 12) == 0) has_expiry = parse_certificate_time(field->data + 12, &expiry);
    }
    time_t now = time(NULL);
    if (has_expiry && now > expiry) return CCURL_VALIDITY_EXPIRED;
    if (has_start && now < start) return CCURL_VALIDITY_NOT_YET_VALID;
    return has_start && has_expiry ? CCURL_VALIDITY_CURRENT : CCURL_VALIDITY_UNKNOWN;
}

static int method_is(const char *method, const char *name) { return strcmp(method, name) == 0; }

void ccurl_perform(ccurl_handle *handle, const ccurl_request *request, ccurl_response *response) {
    memset(response, 0, sizeof *response);
    library *lib = handle->lib;
    CURL *easy = handle->easy;
    byte_buffer body = {.limit = request->max_body_bytes};
    byte_buffer headers = {.limit = 1 << 20};
    struct curl_slist *header_list = NULL;
    struct curl_blob trust = {.data = (void *)request->ca_blob, .len = request->ca_blob_length, .flags = CURL_BLOB_COPY};
    long timeout = request->timeout_ms > 0 ? request->timeout_ms : 1;

    lib->easy_reset(easy);  // live connections, the DNS cache and TLS sessions stay
    handle->error[0] = '\0';
    lib->easy_setopt(easy, CURLOPT_ERRORBUFFER, handle->error);
    lib->easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    if (lib->share) lib->easy_setopt(easy, CURLOPT_SHARE, lib->share);
    lib->easy_setopt(easy, CURLOPT_URL, request->url);
    if (lib->easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        lib->easy_setopt(easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    lib->easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    lib->easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout);
    lib->easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    if (request->user_agent) lib->easy_setopt(easy, CURLOPT_USERAGENT, request->user_agent);
    lib->easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);

    for (size_t i = 0; i < request->header_count; i++) {
        struct curl_slist *grown = lib->slist_append(header_list, request->headers[i]);
        if (grown) header_list = grown;
    }
    // No "Expect: 100-continue" wait before a large body.
    struct curl_slist *grown = lib->slist_append(header_list, "Expect:");
    if (grown) header_list = grown;
    lib->easy_setopt(easy, CURLOPT_HTTPHEADER, header_list);

    int head = method_is(request->method, "HEAD");
    if (head) {
        lib->easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (method_is(request->method, "GET") && request->body_length == 0) {
        lib->easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else {
        if (!method_is(request->method, "POST")) lib->easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request->method);
        if (request->body_length > 0 || method_is(request->method, "POST") || method_is(request->method, "PUT") ||
            method_is(request->method, "PATCH")) {
            lib->easy_setopt(easy, CURLOPT_POST, 1L);
            lib->easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_length);
            lib->easy_setopt(easy, CURLOPT_POSTFIELDS, request->body_length ? (const void *)request->body : (const void *)"");
        }
    }
    lib->easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    lib->easy_setopt(easy, CURLOPT_WRITEDATA, &body);
    lib->easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    lib->easy_setopt(easy, CURLOPT_HEADERDATA, &headers);
    // A HEAD answer's Content-Length is the size of a body that does not come.
    if (!head && request->max_body_bytes < (size_t)INT64_MAX) {
        lib->easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)request->max_body_bytes);
    }

    if (request->skip_verify) {
        lib->easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        lib->easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (request->ca_blob) {
        lib->easy_setopt(easy, CURLOPT_CAINFO_BLOB, &trust);
    } else if (request->ca_file) {
        lib->easy_setopt(easy, CURLOPT_CAINFO, request->ca_file);
    } else if (request->no_ca_file) {
        lib->easy_setopt(easy, CURLOPT_CAINFO, (const char *)NULL);
    }
    if (request->ca_path) lib->easy_setopt(easy, CURLOPT_CAPATH, request->ca_path);
    if (request->client_certificate_file) lib->easy_setopt(easy, CURLOPT_SSLCERT, request->client_certificate_file);
    if (request->client_key_file) lib->easy_setopt(easy, CURLOPT_SSLKEY, request->client_key_file);
    // An empty proxy string turns off libcurl's reading of the proxy variables.
    lib->easy_setopt(easy, CURLOPT_PROXY, request->proxy ? request->proxy : "");
    lib->easy_setopt(easy, CURLOPT_NOPROXY, request->no_proxy ? request->no_proxy : "");
    if (lib->info.reads_certificate_dates) lib->easy_setopt(easy, CURLOPT_CERTINFO, 1L);

    CURLcode code = lib->easy_perform(easy);

    response->curl_code = code;
    lib->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response->status);
    lib->easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &response->proxy_connect_status);
    lib->easy_getinfo(easy, CURLINFO_OS_ERRNO, &response->os_errno);
    lib->easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &response->new_connections);
    if (code == CURLE_PEER_FAILED_VERIFICATION && lib->info.reads_certificate_dates) {
        response->leaf_validity = leaf_validity(lib, easy);
    }
    copy_text(response->message, sizeof response->message, handle->error[0] ? handle->error : (code ? lib->easy_strerror(code) : ""));
    response->body_too_large = body.too_large;
    response->headers = (char *)headers.data;
    response->headers_length = headers.length;
    response->body = body.data;
    response->body_length = body.length;

    // Nothing of this request stays in the handle: its callbacks' buffers and the header list
    // are gone once this returns.
    lib->easy_reset(easy);
    lib->slist_free_all(header_list);
}

void ccurl_response_free(ccurl_response *response) {
    free(response->headers);
    free(response->body);
    response->headers = NULL;
    response->body = NULL;
}
