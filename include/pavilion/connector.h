/*
 * pavilion/connector.h — the Pavilion connector ABI.
 *
 * A connector is a shared library that teaches the Pavilion host how to ask
 * one data provider (DP) a question. It never opens a socket or a file: it is
 * a sans-I/O state machine. Given a query it returns the next HTTP exchange it
 * wants performed; given that exchange's response it returns another exchange,
 * a result (normalised claims as UTF-8 JSON) or an error. The host carries each
 * exchange over its own pooled, region-aware, audited transport.
 *
 * Rules that hold for every declaration below:
 *
 *  - Versioning. Every table starts with `uint32_t abi_version; uint32_t
 *    struct_size;`. Tables only grow by appending fields. A reader reads a
 *    field only if `struct_size` covers the whole field; a field it covers
 *    only partly, or not at all, or that is zero, is "absent".
 *    PV_ABI_VERSION is bumped for new behaviour; history in docs/abi.md.
 *  - Data. Bytes and UTF-8 JSON cross as pv_bytes_t slices, never
 *    NUL-terminated. JSON is RFC 8259 text in UTF-8.
 *  - Ownership. Inputs are borrowed for the duration of the call. Outputs
 *    belong to the plugin and stay valid until the next call on the same
 *    exchange (or instance, for instance-level calls) or its end/destroy.
 *    Nobody frees the other side's memory. Destroy and end accept NULL.
 *  - Errors. Functions return pv_status_t; PV_OK (0) is success. A plugin
 *    never aborts, exits, longjmps or unwinds across this boundary.
 *  - Threads. create/destroy are serialised with each other and with nothing
 *    else running on that instance. Different exchanges of one instance may be
 *    stepped concurrently on different threads. One exchange is never stepped
 *    concurrently. State lives on instance and exchange handles, not statics.
 *  - Host guarantees. The host checks the library's SHA-256 against the
 *    manifest pin before loading it; never calls into an instance after its
 *    destroy or into an exchange after its end; ends every exchange that
 *    begin returned, exactly once; destroys every instance it created before
 *    unloading the library; and keeps the host table alive until then.
 */
#ifndef PAVILION_CONNECTOR_H
#define PAVILION_CONNECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version this header describes; history in docs/abi.md. Since 1. */
#define PV_ABI_VERSION 2u

/** Name of the one symbol a connector library exports. Since 1. */
#define PV_ENTRY_SYMBOL "pv_connector_entry"

/* ------------------------------------------------------------------------ */
/* Status codes                                                              */
/* ------------------------------------------------------------------------ */

/** Result of every fallible call. 0 is success. Since 1. */
typedef uint32_t pv_status_t;

/** Success. */
#define PV_OK 0u
/** The caller passed something malformed: bad query JSON, a missing required
 *  subject attribute, settings the plugin cannot use. The host answers the
 *  relying party with a 400-class problem. */
#define PV_ERR_INVALID_INPUT 1u
/** The DP answered with something the plugin cannot interpret: unparsable
 *  body, wrong JSON types, unexpected content type. Host maps to 502. */
#define PV_ERR_BAD_RESPONSE 2u
/** The DP answered with an error status the plugin cannot recover from
 *  (e.g. 500, 503, or 401 after a fresh token). Host maps to 502. */
#define PV_ERR_UPSTREAM 3u
/** The DP does not know the subject. Host answers "not found", not a fault. */
#define PV_ERR_NOT_FOUND 4u
/** The query asks for something this connector cannot do (unknown claim). */
#define PV_ERR_UNSUPPORTED 5u
/** A call arrived in a state that does not allow it (step after result). */
#define PV_ERR_STATE 6u
/** Memory could not be allocated. */
#define PV_ERR_NO_MEMORY 7u
/** A host service the plugin needs is absent or failed (e.g. a secret). */
#define PV_ERR_HOST 8u
/** A bug in the plugin. */
#define PV_ERR_INTERNAL 9u

/* ------------------------------------------------------------------------ */
/* Plain values                                                              */
/* ------------------------------------------------------------------------ */

/** A borrowed or plugin-owned byte slice. `ptr` may be NULL only if `len` is
 *  0. Never NUL-terminated. A fixed value type; it does not grow. Since 1. */
typedef struct pv_bytes {
    const uint8_t *ptr;
    size_t len;
} pv_bytes_t;

/** One HTTP header field. Names are compared case-insensitively by the host.
 *  A fixed value type; it does not grow. Since 1. */
typedef struct pv_header {
    pv_bytes_t name;
    pv_bytes_t value;
} pv_header_t;

/** Log levels for pv_host_t.log. Since 1. */
#define PV_LOG_DEBUG 0u
#define PV_LOG_INFO 1u
#define PV_LOG_WARN 2u
#define PV_LOG_ERROR 3u

/* Opaque handles. */
/** The host's context for one connector instance. Since 1. */
typedef struct pv_host_ctx pv_host_ctx_t;
/** The host's context for one exchange (carries tenant scope). Since 1. */
typedef struct pv_host_exchange pv_host_exchange_t;
/** The plugin's state for one instance (one manifest, one settings set). */
typedef struct pv_instance pv_instance_t;
/** The plugin's state for one exchange (one query, several HTTP rounds). */
typedef struct pv_exchange pv_exchange_t;

/* ------------------------------------------------------------------------ */
/* Host services (host -> plugin)                                            */
/* ------------------------------------------------------------------------ */

/** Write one log line. `message` is borrowed; the host copies it, stamps it
 *  with the connector and instance, cuts it to 2048 bytes, and replaces any
 *  secret value it handed out with "[REDACTED]". Calls with a NULL `ctx`
 *  (e.g. from the entry function) are dropped. Never put personal data in a
 *  log line.
 *  Thread: any thread, concurrently. Since 1. */
typedef void (*pv_host_log_fn)(pv_host_ctx_t *ctx, uint32_t level,
                               pv_bytes_t message);

/** Read a tenant-scoped secret named in the manifest's `spec.secrets` (e.g.
 *  an OAuth client secret). Secrets belong to tenants, not instances, so
 *  they cannot be read during create. `exchange` selects the tenant: pass the handle
 *  the host gave to exchange_begin/health_begin, during any call on that
 *  exchange (begin or step), never after its end. `*out_value` is
 *  owned by the host and valid until the plugin's current call returns, so
 *  copy what must outlive it and wipe the copy when done.
 *  Returns PV_OK, PV_ERR_INVALID_INPUT (NULL argument or undeclared name) or
 *  PV_ERR_NOT_FOUND (declared but not configured for this tenant).
 *  Thread: any thread, concurrently. Since 1. */
typedef pv_status_t (*pv_host_secret_fn)(pv_host_ctx_t *ctx,
                                         pv_host_exchange_t *exchange,
                                         pv_bytes_t name,
                                         pv_bytes_t *out_value);

/** Wall-clock time in milliseconds since the Unix epoch. In conformance runs
 *  the host may return a fixed time so that recorded exchanges replay
 *  exactly. Thread: any. Since 1. */
typedef int64_t (*pv_host_clock_fn)(pv_host_ctx_t *ctx);

/** Fill `out` with `len` bytes from OpenSSL's CSPRNG. Returns PV_OK or
 *  PV_ERR_HOST. Thread: any. Since 1. */
typedef pv_status_t (*pv_host_random_fn)(pv_host_ctx_t *ctx, uint8_t *out,
                                         size_t len);

/** SHA-256 of `data` into `out` (32 bytes). Returns PV_OK or
 *  PV_ERR_INVALID_INPUT (NULL out). Thread: any. Since 1. */
typedef pv_status_t (*pv_host_sha256_fn)(pv_bytes_t data, uint8_t out[32]);

/** HMAC-SHA-256 of `data` under `key` into `out` (32 bytes). Returns PV_OK,
 *  PV_ERR_INVALID_INPUT (NULL out) or PV_ERR_HOST (OpenSSL failed).
 *  Thread: any. Since 1. */
typedef pv_status_t (*pv_host_hmac_sha256_fn)(pv_bytes_t key, pv_bytes_t data,
                                              uint8_t out[32]);

/** The services the host offers. Owned by the host; valid from the entry call
 *  until the library is unloaded. A plugin reads a slot only if struct_size
 *  covers it and it is non-NULL. Since 1. */
typedef struct pv_host {
    uint32_t abi_version;
    uint32_t struct_size;
    pv_host_log_fn log;
    pv_host_secret_fn secret;
    pv_host_clock_fn clock_ms;
    pv_host_random_fn random;
    pv_host_sha256_fn sha256;
    pv_host_hmac_sha256_fn hmac_sha256;
} pv_host_t;

/* ------------------------------------------------------------------------ */
/* Exchanges                                                                 */
/* ------------------------------------------------------------------------ */

/** pv_request_t.flags: the request may be retried or hedged safely. */
#define PV_REQUEST_IDEMPOTENT 0x1u

/** An HTTP request the plugin wants performed against the DP endpoint of the
 *  region the host chose. Owned by the plugin (see the ownership rule).
 *  Since 1. */
typedef struct pv_request {
    uint32_t abi_version;
    uint32_t struct_size;
    /** "GET", "POST", "PUT", "DELETE", "PATCH" or "HEAD". */
    pv_bytes_t method;
    /** Path and query relative to the endpoint base URL; starts with "/".
     *  The host refuses absolute URLs, "..", and control characters. */
    pv_bytes_t path;
    /** Extra header fields. The host sets Host, Content-Length, Connection,
     *  Transfer-Encoding, traceparent and tracestate itself and refuses a
     *  request that sets them, or Keep-Alive, Upgrade, TE, Trailer or
     *  Proxy-Connection. */
    const pv_header_t *headers;
    size_t header_count;
    /** Request body; empty for none. */
    pv_bytes_t body;
    /** PV_REQUEST_* bits. */
    uint32_t flags;
    /** Deadline for this exchange in milliseconds; 0 means the manifest's
     *  default. The host never waits longer than the request's budget. */
    uint32_t timeout_ms;
} pv_request_t;

/** A response the host received. Borrowed by the plugin for the step call.
 *  Transport failures (refused, reset, timeout) never reach the plugin: the
 *  host retries, fails over or ends the exchange itself. Since 1. */
typedef struct pv_response {
    uint32_t abi_version;
    uint32_t struct_size;
    /** HTTP status code, 100..599. */
    uint32_t status;
    uint32_t reserved;
    const pv_header_t *headers;
    size_t header_count;
    /** The whole body, already de-chunked and size-capped by the host. */
    pv_bytes_t body;
} pv_response_t;

/** pv_step_t.kind: perform `request` and call step with its response. */
#define PV_STEP_REQUEST 1u
/** pv_step_t.kind: done; `result` holds the normalised claims JSON object. */
#define PV_STEP_RESULT 2u
/** pv_step_t.kind: run private set intersection `psi` against the DP's
 *  published encoded set and call step with the answer. Only for a plugin
 *  whose vtable says abi_version >= 2; the host refuses it from an ABI-1
 *  plugin. Since 2. */
#define PV_STEP_PSI 3u

/** pv_psi_request_t.mode: learn which elements are in the DP's set. Since 2. */
#define PV_PSI_INTERSECTION 1u
/** pv_psi_request_t.mode: learn only how many are. Since 2. */
#define PV_PSI_CARDINALITY 2u
/** Most elements in one pv_psi_request_t; more fail the exchange. Since 2. */
#define PV_PSI_MAX_ELEMENTS 1024u
/** Longest element of a pv_psi_request_t, in bytes. Since 2. */
#define PV_PSI_MAX_ELEMENT_BYTES 65535u

/** A private set intersection the plugin wants the host to run against the
 *  DP's `pavilion-psi-v1` service (docs/psi.md) on the endpoint of the region
 *  the host chose, over the same transport as requests (pooling, TLS,
 *  connection audit, the exchange's deadline). The DP never sees an element:
 *  the host sends only blinded points. The host answers with a synthetic
 *  pv_response_t to exchange_step: status 200, header
 *  `content-type: application/json`, body `{"intersection":[i...]}` (ascending
 *  indices into `elements` that are in the DP's set; a duplicate counts at its
 *  first index) for PV_PSI_INTERSECTION, or `{"cardinality":n}` for
 *  PV_PSI_CARDINALITY. A protocol failure ends the exchange with a 502-class
 *  problem, as a malformed DP response would; the plugin is not stepped.
 *  Normalise elements first (E.164 numbers, lower-case e-mail): PSI matches
 *  bytes. Owned by the plugin (see the ownership rule), `elements` and the
 *  bytes each points to included. Since 2. */
typedef struct pv_psi_request {
    uint32_t abi_version;
    uint32_t struct_size;
    /** Base path of the DP's pavilion-psi-v1 service relative to the endpoint
     *  base URL, starting with "/", e.g. "/psi/v1"; no query. The same rules
     *  as pv_request_t.path apply. */
    pv_bytes_t path;
    /** 1 to PV_PSI_MAX_ELEMENTS elements, each 1 to PV_PSI_MAX_ELEMENT_BYTES
     *  bytes. */
    const pv_bytes_t *elements;
    size_t element_count;
    /** PV_PSI_INTERSECTION or PV_PSI_CARDINALITY. */
    uint32_t mode;
    uint32_t reserved;
} pv_psi_request_t;

/** What the plugin wants next. The host allocates it and sets abi_version
 *  and struct_size; the plugin fills the fields struct_size covers. On PV_OK
 *  `kind` says which of `request` / `result` / `psi` is set. On any other
 *  status, `message` holds a human-readable reason (no personal data, no
 *  secrets). All pointers are plugin-owned (see the ownership rule): they
 *  stay valid until the next call on the exchange or its end. Since 1. */
typedef struct pv_step {
    uint32_t abi_version;
    uint32_t struct_size;
    uint32_t kind;
    uint32_t reserved;
    const pv_request_t *request;
    /** UTF-8 JSON object: claim name -> value (true, false, a string, a
     *  number or "not_available"), only for claims the query asked for. */
    pv_bytes_t result;
    pv_bytes_t message;
    /** The PSI to run when kind is PV_STEP_PSI. Write it only when
     *  struct_size covers it (a host of ABI 1 allocates a shorter step); the
     *  host reads it only from a plugin whose vtable says abi_version >= 2.
     *  Since 2. */
    const pv_psi_request_t *psi;
} pv_step_t;

/* ------------------------------------------------------------------------ */
/* Plugin vtable (plugin -> host)                                            */
/* ------------------------------------------------------------------------ */

/** Describe the connector as UTF-8 JSON:
 *  {"name": str, "version": str, "claims": [str...],
 *   "input_formats": [str...], "output_formats": [str...], "health": bool}.
 *  The host refuses a library whose description disagrees with its
 *  manifest. `*out_json` is plugin-owned and valid until unload.
 *  Returns PV_OK or PV_ERR_INTERNAL. Thread: serialised with create/destroy.
 *  Since 1. */
typedef pv_status_t (*pv_describe_fn)(pv_bytes_t *out_json);

/** Create an instance from the manifest's `spec.settings` (a JSON object,
 *  borrowed). `host` and `ctx` stay valid until destroy; keep them on the
 *  instance. On failure `*out_instance` is NULL and `*out_message` is
 *  plugin-owned and valid until the next create/destroy call or unload
 *  (static storage, or library-wide storage guarded by the create/destroy
 *  serialisation, since no instance exists to own it).
 *  Returns PV_OK, PV_ERR_INVALID_INPUT (settings unusable), PV_ERR_NO_MEMORY,
 *  PV_ERR_HOST. Thread: serialised with create/destroy. Since 1. */
typedef pv_status_t (*pv_create_fn)(const pv_host_t *host, pv_host_ctx_t *ctx,
                                    pv_bytes_t settings_json,
                                    pv_instance_t **out_instance,
                                    pv_bytes_t *out_message);

/** Destroy an instance; the host has ended all its exchanges first. Accepts
 *  NULL. Thread: serialised with create/destroy. Since 1. */
typedef void (*pv_destroy_fn)(pv_instance_t *instance);

/** Begin an exchange for `query_json` (borrowed), a JSON object:
 *  {"request_id": str, "subject": {attribute: value...}, "claims": [str...],
 *   "purpose": str, "jurisdiction": str}.
 *  `*out_exchange` is set whenever the plugin allocated exchange state, even
 *  when the status is not PV_OK; the host then calls exchange_end on it
 *  exactly once. If `*out_exchange` is NULL, `out_step->message` must point
 *  to static storage. `host_exchange` is the handle to pass to the secret
 *  service; it stays valid until exchange_end. Returns PV_OK (kind REQUEST,
 *  RESULT or, since 2, PSI), PV_ERR_INVALID_INPUT,
 *  PV_ERR_UNSUPPORTED, PV_ERR_NO_MEMORY, PV_ERR_HOST, PV_ERR_INTERNAL.
 *  Thread: concurrent across exchanges. Since 1. */
typedef pv_status_t (*pv_exchange_begin_fn)(pv_instance_t *instance,
                                            pv_host_exchange_t *host_exchange,
                                            pv_bytes_t query_json,
                                            pv_exchange_t **out_exchange,
                                            pv_step_t *out_step);

/** Step an exchange with the response to the request of its last step, or
 *  the host's synthetic answer to its last PSI step (borrowed). Returns
 *  PV_OK (kind REQUEST, RESULT or, since 2, PSI), PV_ERR_INVALID_INPUT
 *  (the DP refused the subject attributes as malformed, e.g. HTTP 400/422),
 *  PV_ERR_BAD_RESPONSE, PV_ERR_UPSTREAM, PV_ERR_NOT_FOUND, PV_ERR_STATE,
 *  PV_ERR_NO_MEMORY, PV_ERR_HOST, PV_ERR_INTERNAL. Thread: concurrent across exchanges, never
 *  for one exchange. Since 1. */
typedef pv_status_t (*pv_exchange_step_fn)(pv_exchange_t *exchange,
                                           const pv_response_t *response,
                                           pv_step_t *out_step);

/** End an exchange and free its state, whatever state it is in. Accepts
 *  NULL. Thread: concurrent across exchanges, never for one exchange.
 *  Since 1. */
typedef void (*pv_exchange_end_fn)(pv_exchange_t *exchange);

/** Optional (NULL when the connector has none): begin a health-probe
 *  exchange that the host steps and ends like any other. Its result is
 *  {"healthy": bool}. Same returns and thread line as exchange_begin.
 *  Since 1. */
typedef pv_status_t (*pv_health_begin_fn)(pv_instance_t *instance,
                                          pv_host_exchange_t *host_exchange,
                                          pv_exchange_t **out_exchange,
                                          pv_step_t *out_step);

/** The plugin's vtable. Owned by the plugin, valid until unload; static
 *  storage is the usual choice. Since 1. */
typedef struct pv_plugin {
    uint32_t abi_version;
    uint32_t struct_size;
    pv_describe_fn describe;
    pv_create_fn create;
    pv_destroy_fn destroy;
    pv_exchange_begin_fn exchange_begin;
    pv_exchange_step_fn exchange_step;
    pv_exchange_end_fn exchange_end;
    pv_health_begin_fn health_begin;
} pv_plugin_t;

/** The entry symbol, PV_ENTRY_SYMBOL. The host calls it once after loading,
 *  offering the highest ABI version it speaks and its services. The plugin
 *  returns a vtable whose abi_version is at most `host_abi_version` (never
 *  refusing a newer host), or NULL to refuse (it needs services the host
 *  lacks, or `host_abi_version` is older than any it supports). `host` is
 *  valid until unload. Thread: called once, before anything else. Since 1. */
typedef const pv_plugin_t *(*pv_entry_fn)(uint32_t host_abi_version,
                                          const pv_host_t *host);

/** Declaration for connector authors: define this in exactly one file. */
const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version,
                                      const pv_host_t *host);

#ifdef __cplusplus
}
#endif

#endif /* PAVILION_CONNECTOR_H */
