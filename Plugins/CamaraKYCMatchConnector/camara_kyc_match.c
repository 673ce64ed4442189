/*
 * camara_kyc_match.c — a Pavilion connector for the CAMARA "Know Your
 * Customer Match" API (POST {api_base}/match).
 *
 * Flow per exchange (a sans-I/O state machine):
 *   begin:  parse and check the query, build the minimised match body,
 *           read the tenant's client_id/client_secret, ask for
 *           POST {token_path} (OAuth 2.0 client credentials, HTTP Basic).
 *   step 1: token response -> POST {api_base}/match with the Bearer token.
 *   step 2: match response -> result with only the requested claims.
 *
 * Minimisation: the match body carries phoneNumber (CAMARA needs it to
 * identify the subscription in a two-legged flow) and only the attributes
 * behind the requested claims. A requested claim the operator leaves out of
 * its answer is "not_available" (CAMARA returns only what it validated).
 *
 * Settings (spec.settings): api_base (default "/kyc-match/v0.3"),
 * token_path (default "/oauth2/token"), scope (optional).
 *
 * No statics other than const tables; all state is on the instance and
 * exchange handles. Outputs live in the exchange until its next call or end.
 */
#include <pavilion/connector.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_json.h"

#define CONNECTOR_NAME "camara-kyc-match"
#define CONNECTOR_VERSION "1.0.0"

/* Largest subject attribute value accepted, in bytes. */
#define MAX_ATTRIBUTE 1024u
/* Largest request body or result we produce. */
#define MAX_OUTPUT (64u * 1024u)
/* Largest setting value. */
#define MAX_SETTING 256u
/* Largest access token accepted. */
#define MAX_TOKEN 4096u

/* True when the host-allocated table `s` of type T covers `field`. */
#define PV_COVERS(s, T, field) \
    ((s)->struct_size >= offsetof(T, field) + sizeof(((T *)0)->field))

/* ------------------------------------------------------------------------ */
/* Claims                                                                   */
/* ------------------------------------------------------------------------ */

/* How a claim's subject attribute is found and sent. */
typedef struct claim_def {
    const char *claim;     /* our claim name */
    const char *subject;   /* OIDC subject attribute */
    const char *camara;    /* request field */
    const char *response;  /* response field */
} claim_def;

static const claim_def CLAIMS[] = {
    { "id_document_match", "id_document", "idDocument", "idDocumentMatch" },
    { "name_match", "name", "name", "nameMatch" },
    { "given_name_match", "given_name", "givenName", "givenNameMatch" },
    { "family_name_match", "family_name", "familyName", "familyNameMatch" },
    { "address_match", "address", "address", "addressMatch" },
    { "birthdate_match", "birthdate", "birthdate", "birthdateMatch" },
    { "email_match", "email", "email", "emailMatch" },
};
#define CLAIM_COUNT (sizeof CLAIMS / sizeof CLAIMS[0])

static const char DESCRIPTION[] =
    "{\"name\":\"" CONNECTOR_NAME "\",\"version\":\"" CONNECTOR_VERSION "\","
    "\"claims\":[\"id_document_match\",\"name_match\",\"given_name_match\","
    "\"family_name_match\",\"address_match\",\"birthdate_match\",\"email_match\"],"
    "\"input_formats\":[\"json\"],\"output_formats\":[\"json\"],\"health\":false}";

/* ------------------------------------------------------------------------ */
/* Handles                                                                  */
/* ------------------------------------------------------------------------ */

struct pv_instance {
    const pv_host_t *host;
    pv_host_ctx_t *ctx;
    char api_base[MAX_SETTING + 1];
    char token_path[MAX_SETTING + 1];
    char scope[MAX_SETTING + 1];
};

enum { STATE_TOKEN = 1, STATE_MATCH, STATE_DONE };

struct pv_exchange {
    struct pv_instance *instance;
    int state;
    uint32_t claims;     /* bit i: CLAIMS[i] requested */
    pvj_buf match_body;   /* minimised request body, built at begin */
    pvj_buf path;         /* current request path */
    pvj_buf auth;         /* current Authorization value (secret) */
    pvj_buf body;         /* current request body */
    pvj_buf result;       /* result JSON */
    pv_request_t request;
    pv_header_t headers[3];
    char message[200];
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

static pv_bytes_t bytes_of(const void *p, size_t n) {
    pv_bytes_t b = { (const uint8_t *)p, n };
    return b;
}

static pv_bytes_t cstr(const char *s) { return bytes_of(s, strlen(s)); }

/* Fill the fields of `step` its struct_size covers. */
static void step_set_message(pv_step_t *step, const char *msg) {
    if (step != NULL && PV_COVERS(step, pv_step_t, message)) step->message = cstr(msg);
}

static pv_status_t fail(pv_exchange_t *ex, pv_step_t *step, pv_status_t status, const char *fmt, const char *arg) {
    snprintf(ex->message, sizeof ex->message, fmt, arg ? arg : "");
    ex->state = STATE_DONE;
    step_set_message(step, ex->message);
    return status;
}

/* A setting path: starts with '/', printable ASCII, no "..", '?', '#'. */
static bool path_ok(const uint8_t *s, size_t n) {
    if (n == 0 || s[0] != '/') return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] <= 0x20 || s[i] >= 0x7F || s[i] == '?' || s[i] == '#' || s[i] == '\\') return false;
        if (i + 1 < n && s[i] == '.' && s[i + 1] == '.') return false;
    }
    return true;
}

static bool printable_ascii(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] >= 0x7F) return false;
    return true;
}

/* Read string setting `key` into `out` (NUL-terminated); default when absent. */
static bool read_setting(pvj_span settings, const char *key, const char *def, char *out, bool is_path) {
    pvj_span v;
    int r = pvj_get(settings, key, &v);
    if (r < 0) return false;
    if (r == 0) {
        snprintf(out, MAX_SETTING + 1, "%s", def);
        return true;
    }
    size_t len;
    if (pvj_kind(v) != PVJ_STRING || !pvj_decode(v, (uint8_t *)out, MAX_SETTING, &len)) return false;
    out[len] = '\0';
    if (is_path) {
        if (!path_ok((const uint8_t *)out, len)) return false;
        while (len > 1 && out[len - 1] == '/') out[--len] = '\0'; /* "/a/" -> "/a" */
    } else if (!printable_ascii((const uint8_t *)out, len)) {
        return false;
    }
    return true;
}

static void form_encode(pvj_buf *b, const uint8_t *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '*') {
            pvj_put(b, &c, 1);
        } else if (c == ' ') {
            pvj_put(b, "+", 1);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 0xF] };
            pvj_put(b, e, 3);
        }
    }
}

static void base64(pvj_buf *out, const uint8_t *s, size_t n) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    while (n - i >= 3) {
        uint32_t v = ((uint32_t)s[i] << 16) | ((uint32_t)s[i + 1] << 8) | s[i + 2];
        char q[4] = { tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], tbl[v & 63] };
        pvj_put(out, q, 4);
        i += 3;
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        char q[4] = { tbl[v >> 18], tbl[(v >> 12) & 63], '=', '=' };
        pvj_put(out, q, 4);
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)s[i] << 16) | ((uint32_t)s[i + 1] << 8);
        char q[4] = { tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], '=' };
        pvj_put(out, q, 4);
    }
}

/* Emit the prepared request (method, path, headers, body) into `step`. */
static pv_status_t emit_request(pv_exchange_t *ex, pv_step_t *step, const char *method, size_t header_count) {
    if (ex->path.failed || ex->auth.failed || ex->body.failed)
        return fail(ex, step, PV_ERR_NO_MEMORY, "request too large or out of memory%s", NULL);
    if (!PV_COVERS(step, pv_step_t, request))
        return fail(ex, step, PV_ERR_HOST, "host step table too small%s", NULL);
    memset(&ex->request, 0, sizeof ex->request);
    ex->request.abi_version = PV_ABI_VERSION;
    ex->request.struct_size = (uint32_t)sizeof ex->request;
    ex->request.method = cstr(method);
    ex->request.path = bytes_of(ex->path.p, ex->path.len);
    ex->request.headers = ex->headers;
    ex->request.header_count = header_count;
    ex->request.body = bytes_of(ex->body.p, ex->body.len);
    /* Neither call changes state at the DP, so both may be retried. */
    ex->request.flags = PV_REQUEST_IDEMPOTENT;
    step->kind = PV_STEP_REQUEST;
    step->request = &ex->request;
    return PV_OK;
}

/* ------------------------------------------------------------------------ */
/* Query                                                                    */
/* ------------------------------------------------------------------------ */

/* E.164 with '+': "+", a non-zero digit, then 4..14 digits. */
static bool e164_ok(const uint8_t *s, size_t n) {
    if (n < 6 || n > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
    for (size_t i = 2; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* YYYY-MM-DD with a plausible month and day. */
static bool date_ok(const uint8_t *s, size_t n) {
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Decode subject string `v` into `out`; false if not a non-empty string. */
static bool subject_string(pvj_span v, uint8_t *out, size_t *len) {
    return pvj_kind(v) == PVJ_STRING && pvj_decode(v, out, MAX_ATTRIBUTE, len) && *len > 0;
}

/* Append `"field":"value"` for one claim's subject attribute. */
static pv_status_t add_attribute(pv_exchange_t *ex, pv_step_t *step, pvj_span subject, const claim_def *def) {
    pvj_span v;
    uint8_t value[MAX_ATTRIBUTE];
    size_t len = 0;
    int r = pvj_get(subject, def->subject, &v);
    if (r < 0) return fail(ex, step, PV_ERR_INVALID_INPUT, "subject attribute %s is duplicated", def->subject);
    if (r == 0) return fail(ex, step, PV_ERR_INVALID_INPUT, "subject attribute %s is required", def->subject);
    if (strcmp(def->subject, "address") == 0) {
        /* OIDC address object: CAMARA's "address" is the complete address. */
        pvj_span part;
        if (pvj_kind(v) != PVJ_OBJECT)
            return fail(ex, step, PV_ERR_INVALID_INPUT, "subject attribute %s must be an object", def->subject);
        int f = pvj_get(v, "formatted", &part);
        if (f == 0) f = pvj_get(v, "street_address", &part);
        if (f != 1 || !subject_string(part, value, &len))
            return fail(ex, step, PV_ERR_INVALID_INPUT,
                        "subject attribute %s needs formatted or street_address", def->subject);
    } else if (!subject_string(v, value, &len)) {
        return fail(ex, step, PV_ERR_INVALID_INPUT, "subject attribute %s must be a string of at most 1024 bytes",
                    def->subject);
    }
    if (strcmp(def->subject, "birthdate") == 0 && !date_ok(value, len))
        return fail(ex, step, PV_ERR_INVALID_INPUT, "subject attribute %s must be YYYY-MM-DD", def->subject);
    pvj_puts(&ex->match_body, ",\"");
    pvj_puts(&ex->match_body, def->camara);
    pvj_puts(&ex->match_body, "\":");
    pvj_put_string(&ex->match_body, value, len);
    return PV_OK;
}

static pv_status_t parse_query(pv_exchange_t *ex, pv_step_t *step, pv_bytes_t query) {
    pvj_span doc, claims, subject, v;
    if (query.ptr == NULL || !pvj_validate(query.ptr, query.len, &doc) || pvj_kind(doc) != PVJ_OBJECT)
        return fail(ex, step, PV_ERR_INVALID_INPUT, "query is not a JSON object%s", NULL);
    if (pvj_get(doc, "claims", &claims) != 1 || pvj_kind(claims) != PVJ_ARRAY)
        return fail(ex, step, PV_ERR_INVALID_INPUT, "query.claims must be an array%s", NULL);
    pvj_iter it;
    pvj_iter_begin(&it, claims);
    int r;
    while ((r = pvj_next_element(&it, &v)) == 1) {
        if (pvj_kind(v) != PVJ_STRING)
            return fail(ex, step, PV_ERR_INVALID_INPUT, "query.claims must hold strings%s", NULL);
        size_t k = 0;
        while (k < CLAIM_COUNT && !pvj_equals(v, CLAIMS[k].claim)) k++;
        if (k == CLAIM_COUNT)
            return fail(ex, step, PV_ERR_UNSUPPORTED, "query asks for a claim this connector does not offer%s", NULL);
        ex->claims |= 1u << k;
    }
    if (r < 0) return fail(ex, step, PV_ERR_INVALID_INPUT, "query.claims is malformed%s", NULL);
    if (ex->claims == 0) return fail(ex, step, PV_ERR_INVALID_INPUT, "query.claims is empty%s", NULL);
    if (pvj_get(doc, "subject", &subject) != 1 || pvj_kind(subject) != PVJ_OBJECT)
        return fail(ex, step, PV_ERR_INVALID_INPUT, "query.subject must be an object%s", NULL);

    uint8_t phone[MAX_ATTRIBUTE];
    size_t plen = 0;
    r = pvj_get(subject, "phone_number", &v);
    if (r != 1 || !subject_string(v, phone, &plen) || !e164_ok(phone, plen))
        return fail(ex, step, PV_ERR_INVALID_INPUT, "subject.phone_number is required in E.164 form%s", NULL);
    pvj_puts(&ex->match_body, "{\"phoneNumber\":");
    pvj_put_string(&ex->match_body, phone, plen);
    for (size_t k = 0; k < CLAIM_COUNT; k++) {
        if (!(ex->claims & (1u << k))) continue;
        pv_status_t s = add_attribute(ex, step, subject, &CLAIMS[k]);
        if (s != PV_OK) return s;
    }
    pvj_puts(&ex->match_body, "}");
    if (ex->match_body.failed) return fail(ex, step, PV_ERR_NO_MEMORY, "match body too large%s", NULL);
    return PV_OK;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */
/* ------------------------------------------------------------------------ */

/* Copy the host's secret `name` into `out` (form-encoded); PV_ERR_HOST if absent. */
static pv_status_t read_secret(pv_exchange_t *ex, pv_host_exchange_t *hx, const char *name, pvj_buf *out) {
    const pv_host_t *host = ex->instance->host;
    pv_bytes_t value = { NULL, 0 };
    if (!PV_COVERS(host, pv_host_t, secret) || host->secret == NULL) return PV_ERR_HOST;
    if (host->secret(ex->instance->ctx, hx, cstr(name), &value) != PV_OK) return PV_ERR_HOST;
    if (value.ptr == NULL && value.len != 0) return PV_ERR_HOST;
    form_encode(out, value.ptr, value.len);
    return PV_OK;
}

static pv_status_t token_request(pv_exchange_t *ex, pv_host_exchange_t *hx, pv_step_t *step) {
    pvj_buf creds;
    pvj_buf_init(&creds, 8192);
    pv_status_t s = read_secret(ex, hx, "client_id", &creds);
    if (s == PV_OK) {
        pvj_put(&creds, ":", 1);
        s = read_secret(ex, hx, "client_secret", &creds);
    }
    if (s != PV_OK) {
        pvj_buf_wipe(&creds);
        return fail(ex, step, s, "tenant secrets client_id/client_secret are not available%s", NULL);
    }
    pvj_puts(&ex->auth, "Basic ");
    if (creds.failed) ex->auth.failed = true;
    else base64(&ex->auth, creds.p, creds.len);
    pvj_buf_wipe(&creds);

    pvj_puts(&ex->path, ex->instance->token_path);
    pvj_puts(&ex->body, "grant_type=client_credentials");
    if (ex->instance->scope[0] != '\0') {
        pvj_puts(&ex->body, "&scope=");
        form_encode(&ex->body, (const uint8_t *)ex->instance->scope, strlen(ex->instance->scope));
    }
    ex->headers[0].name = cstr("content-type");
    ex->headers[0].value = cstr("application/x-www-form-urlencoded");
    ex->headers[1].name = cstr("accept");
    ex->headers[1].value = cstr("application/json");
    ex->headers[2].name = cstr("authorization");
    ex->headers[2].value = bytes_of(ex->auth.p, ex->auth.len);
    ex->state = STATE_TOKEN;
    return emit_request(ex, step, "POST", 3);
}

/* Name the CAMARA error code of an error body in the message, if it is a
 * short code (it names a condition, never personal data). */
static void error_code(pv_bytes_t body, char *out, size_t cap) {
    pvj_span doc, code;
    size_t len = 0;
    out[0] = '\0';
    if (body.ptr == NULL || !pvj_validate(body.ptr, body.len, &doc) || pvj_kind(doc) != PVJ_OBJECT) return;
    if (pvj_get(doc, "code", &code) != 1 || pvj_kind(code) != PVJ_STRING) return;
    if (!pvj_decode(code, (uint8_t *)out, cap - 1, &len)) { out[0] = '\0'; return; }
    for (size_t i = 0; i < len; i++) {
        char c = out[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) { out[0] = '\0'; return; }
    }
    out[len] = '\0';
}

static pv_status_t on_error_status(pv_exchange_t *ex, pv_step_t *step, const pv_response_t *resp, const char *what) {
    char code[64];
    char text[120];
    error_code(resp->body, code, sizeof code);
    snprintf(text, sizeof text, "%s answered HTTP %u%s%s", what, (unsigned)resp->status,
             code[0] ? " " : "", code);
    pv_status_t s = PV_ERR_UPSTREAM;
    if (ex->state == STATE_MATCH) {
        if (resp->status == 404) s = PV_ERR_NOT_FOUND;
        else if (resp->status == 400 || resp->status == 422) s = PV_ERR_INVALID_INPUT;
    }
    return fail(ex, step, s, "%s", text);
}

static pv_status_t on_token(pv_exchange_t *ex, const pv_response_t *resp, pv_step_t *step) {
    if (resp->status != 200) return on_error_status(ex, step, resp, "token endpoint");
    pvj_span doc, tok, type;
    if (resp->body.ptr == NULL || !pvj_validate(resp->body.ptr, resp->body.len, &doc) || pvj_kind(doc) != PVJ_OBJECT)
        return fail(ex, step, PV_ERR_BAD_RESPONSE, "token response is not a JSON object%s", NULL);
    if (pvj_get(doc, "access_token", &tok) != 1 || pvj_kind(tok) != PVJ_STRING)
        return fail(ex, step, PV_ERR_BAD_RESPONSE, "token response has no access_token string%s", NULL);
    int r = pvj_get(doc, "token_type", &type);
    if (r < 0 || (r == 1 && !(pvj_equals(type, "Bearer") || pvj_equals(type, "bearer"))))
        return fail(ex, step, PV_ERR_BAD_RESPONSE, "token response has an unusable token_type%s", NULL);

    uint8_t *token = malloc(MAX_TOKEN);
    if (token == NULL) return fail(ex, step, PV_ERR_NO_MEMORY, "out of memory%s", NULL);
    size_t len = 0;
    bool ok = pvj_decode(tok, token, MAX_TOKEN, &len) && len > 0;
    for (size_t i = 0; ok && i < len; i++)
        if (token[i] <= 0x20 || token[i] >= 0x7F) ok = false; /* RFC 6750 b64token charset-ish */
    if (ok) {
        pvj_buf_reset(&ex->auth);
        pvj_puts(&ex->auth, "Bearer ");
        pvj_put(&ex->auth, token, len);
    }
    memset(token, 0, MAX_TOKEN);
    free(token);
    if (!ok) return fail(ex, step, PV_ERR_BAD_RESPONSE, "access_token is empty, too long or not printable%s", NULL);

    pvj_buf_reset(&ex->path);
    pvj_buf_reset(&ex->body);
    pvj_puts(&ex->path, ex->instance->api_base);
    pvj_puts(&ex->path, "/match");
    pvj_put(&ex->body, ex->match_body.p, ex->match_body.len);
    ex->headers[0].name = cstr("content-type");
    ex->headers[0].value = cstr("application/json");
    ex->headers[2].value = bytes_of(ex->auth.p, ex->auth.len);
    ex->state = STATE_MATCH;
    return emit_request(ex, step, "POST", 3);
}

static pv_status_t on_match(pv_exchange_t *ex, const pv_response_t *resp, pv_step_t *step) {
    if (resp->status != 200) return on_error_status(ex, step, resp, "match endpoint");
    pvj_span doc, v;
    if (resp->body.ptr == NULL || !pvj_validate(resp->body.ptr, resp->body.len, &doc) || pvj_kind(doc) != PVJ_OBJECT)
        return fail(ex, step, PV_ERR_BAD_RESPONSE, "match response is not a JSON object%s", NULL);
    pvj_puts(&ex->result, "{");
    bool first = true;
    for (size_t k = 0; k < CLAIM_COUNT; k++) {
        if (!(ex->claims & (1u << k))) continue;
        const char *value = "not_available";
        int r = pvj_get(doc, CLAIMS[k].response, &v);
        if (r < 0) return fail(ex, step, PV_ERR_BAD_RESPONSE, "match response repeats %s", CLAIMS[k].response);
        if (r == 1) {
            if (pvj_equals(v, "true")) value = "true";
            else if (pvj_equals(v, "false")) value = "false";
            else if (!pvj_equals(v, "not_available"))
                return fail(ex, step, PV_ERR_BAD_RESPONSE,
                            "match response field %s is not \"true\", \"false\" or \"not_available\"",
                            CLAIMS[k].response);
        }
        pvj_puts(&ex->result, first ? "\"" : ",\"");
        pvj_puts(&ex->result, CLAIMS[k].claim);
        pvj_puts(&ex->result, "\":\"");
        pvj_puts(&ex->result, value);
        pvj_puts(&ex->result, "\"");
        first = false;
    }
    pvj_puts(&ex->result, "}");
    if (ex->result.failed) return fail(ex, step, PV_ERR_NO_MEMORY, "out of memory%s", NULL);
    if (!PV_COVERS(step, pv_step_t, result))
        return fail(ex, step, PV_ERR_HOST, "host step table too small%s", NULL);
    ex->state = STATE_DONE;
    step->kind = PV_STEP_RESULT;
    step->result = bytes_of(ex->result.p, ex->result.len);
    return PV_OK;
}

/* ------------------------------------------------------------------------ */
/* Vtable                                                                   */
/* ------------------------------------------------------------------------ */

static pv_status_t kyc_describe(pv_bytes_t *out_json) {
    if (out_json == NULL) return PV_ERR_INTERNAL;
    *out_json = bytes_of(DESCRIPTION, sizeof DESCRIPTION - 1);
    return PV_OK;
}

static pv_status_t kyc_create(const pv_host_t *host, pv_host_ctx_t *ctx, pv_bytes_t settings_json,
                              pv_instance_t **out_instance, pv_bytes_t *out_message) {
    static const char no_memory[] = "out of memory";
    static const char bad_args[] = "create called with NULL arguments";
    if (out_instance == NULL) return PV_ERR_INVALID_INPUT;
    *out_instance = NULL;
    if (host == NULL) {
        if (out_message) *out_message = bytes_of(bad_args, sizeof bad_args - 1);
        return PV_ERR_INVALID_INPUT;
    }
    pv_instance_t *in = calloc(1, sizeof *in);
    if (in == NULL) {
        if (out_message) *out_message = bytes_of(no_memory, sizeof no_memory - 1);
        return PV_ERR_NO_MEMORY;
    }
    in->host = host;
    in->ctx = ctx;
    pvj_span settings;
    static const uint8_t empty[] = "{}";
    static const char no_secret[] = "the host offers no secret service";
    static const char bad_settings[] =
        "settings must be a JSON object; api_base and token_path paths starting with '/' "
        "(no '..', '?', '#'), scope printable ASCII";
    const uint8_t *sp = settings_json.len ? settings_json.ptr : empty;
    size_t sn = settings_json.len ? settings_json.len : 2;
    const char *msg = NULL;
    pv_status_t status = PV_OK;
    if (!PV_COVERS(host, pv_host_t, secret) || host->secret == NULL) {
        msg = no_secret;
        status = PV_ERR_HOST;
    } else if (sp == NULL || !pvj_validate(sp, sn, &settings) || pvj_kind(settings) != PVJ_OBJECT ||
               !read_setting(settings, "api_base", "/kyc-match/v0.3", in->api_base, true) ||
               !read_setting(settings, "token_path", "/oauth2/token", in->token_path, true) ||
               !read_setting(settings, "scope", "", in->scope, false)) {
        msg = bad_settings;
        status = PV_ERR_INVALID_INPUT;
    }
    if (status != PV_OK) {
        /* Static text: it must outlive this call and the instance is gone. */
        if (out_message) *out_message = cstr(msg);
        free(in);
        return status;
    }
    *out_instance = in;
    return PV_OK;
}

static void kyc_destroy(pv_instance_t *instance) { free(instance); }

static void exchange_free(pv_exchange_t *ex) {
    pvj_buf_wipe(&ex->match_body);
    pvj_buf_wipe(&ex->path);
    pvj_buf_wipe(&ex->auth);
    pvj_buf_wipe(&ex->body);
    pvj_buf_wipe(&ex->result);
    free(ex);
}

static pv_status_t kyc_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                             pv_exchange_t **out_exchange, pv_step_t *step) {
    static const char bad_args[] = "exchange_begin called with NULL arguments";
    static const char no_memory[] = "out of memory";
    if (out_exchange != NULL) *out_exchange = NULL;
    if (instance == NULL || out_exchange == NULL || step == NULL) {
        if (step != NULL && PV_COVERS(step, pv_step_t, message)) step->message = bytes_of(bad_args, sizeof bad_args - 1);
        return PV_ERR_INVALID_INPUT;
    }
    pv_exchange_t *ex = calloc(1, sizeof *ex);
    if (ex == NULL) {
        if (PV_COVERS(step, pv_step_t, message)) step->message = bytes_of(no_memory, sizeof no_memory - 1);
        return PV_ERR_NO_MEMORY;
    }
    ex->instance = instance;
    pvj_buf_init(&ex->match_body, MAX_OUTPUT);
    pvj_buf_init(&ex->path, 2 * MAX_SETTING);
    pvj_buf_init(&ex->auth, 2 * MAX_TOKEN);
    pvj_buf_init(&ex->body, MAX_OUTPUT);
    pvj_buf_init(&ex->result, MAX_OUTPUT);
    *out_exchange = ex;
    if (!PV_COVERS(step, pv_step_t, kind)) return fail(ex, step, PV_ERR_HOST, "host step table too small%s", NULL);
    pv_status_t s = parse_query(ex, step, query);
    if (s != PV_OK) return s;
    return token_request(ex, hx, step);
}

static pv_status_t kyc_step(pv_exchange_t *ex, const pv_response_t *response, pv_step_t *step) {
    if (ex == NULL || step == NULL) return PV_ERR_STATE;
    if (!PV_COVERS(step, pv_step_t, kind)) return fail(ex, step, PV_ERR_HOST, "host step table too small%s", NULL);
    if (response == NULL || !PV_COVERS(response, pv_response_t, body))
        return fail(ex, step, PV_ERR_INTERNAL, "step called without a complete response%s", NULL);
    if (response->body.ptr == NULL && response->body.len != 0)
        return fail(ex, step, PV_ERR_BAD_RESPONSE, "response body is NULL with a length%s", NULL);
    switch (ex->state) {
    case STATE_TOKEN: return on_token(ex, response, step);
    case STATE_MATCH: return on_match(ex, response, step);
    default:
        step_set_message(step, "exchange is finished");
        return PV_ERR_STATE;
    }
}

static void kyc_end(pv_exchange_t *ex) {
    if (ex != NULL) exchange_free(ex);
}

static const pv_plugin_t PLUGIN = {
    .abi_version = 1,
    .struct_size = sizeof(pv_plugin_t),
    .describe = kyc_describe,
    .create = kyc_create,
    .destroy = kyc_destroy,
    .exchange_begin = kyc_begin,
    .exchange_step = kyc_step,
    .exchange_end = kyc_end,
    .health_begin = NULL,
};

const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
    if (host_abi_version < 1 || host == NULL) return NULL;
    if (!PV_COVERS(host, pv_host_t, secret) || host->secret == NULL) return NULL;
    return &PLUGIN;
}
