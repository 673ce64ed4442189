/*
 * echo.c — the smallest Pavilion connector, and the ABI benchmark's target.
 *
 * Claim: "echo" (boolean). A query asking for it gets one request,
 * GET /echo (idempotent); a 200 answer yields {"echo":true}, anything else
 * PV_ERR_UPSTREAM. The health probe is GET /health; 200 yields
 * {"healthy":true}, anything else {"healthy":false}.
 *
 * Allocation-light: one small fixed-size struct per exchange; requests and
 * results are const tables. The query is checked by a small bounds-checked
 * scanner (strict grammar, depth limit, UTF-8) that allocates nothing; a
 * claim must be spelled literally "echo" (escaped spellings are refused as
 * unknown). No statics other than const tables.
 */
#include <pavilion/connector.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_MAX_DEPTH 32u

#define PV_COVERS(s, T, field) \
    ((s)->struct_size >= offsetof(T, field) + sizeof(((T *)0)->field))

static const char DESCRIPTION[] =
    "{\"name\":\"echo\",\"version\":\"1.0.0\",\"claims\":[\"echo\"],"
    "\"input_formats\":[\"json\"],\"output_formats\":[\"json\"],\"health\":true}";

static const pv_request_t ECHO_REQUEST = {
    .abi_version = PV_ABI_VERSION,
    .struct_size = sizeof(pv_request_t),
    .method = { (const uint8_t *)"GET", 3 },
    .path = { (const uint8_t *)"/echo", 5 },
    .flags = PV_REQUEST_IDEMPOTENT,
};

static const pv_request_t HEALTH_REQUEST = {
    .abi_version = PV_ABI_VERSION,
    .struct_size = sizeof(pv_request_t),
    .method = { (const uint8_t *)"GET", 3 },
    .path = { (const uint8_t *)"/health", 7 },
    .flags = PV_REQUEST_IDEMPOTENT,
};

static const char RESULT_ECHO[] = "{\"echo\":true}";
static const char RESULT_HEALTHY[] = "{\"healthy\":true}";
static const char RESULT_UNHEALTHY[] = "{\"healthy\":false}";

enum { STATE_WAITING = 1, STATE_DONE };

struct pv_instance {
    const pv_host_t *host;
    pv_host_ctx_t *ctx;
};

struct pv_exchange {
    int state;
    bool health;
    char message[96];
};

/* ------------------------------------------------------------------------ */
/* Query scanner: validates the whole text; remembers what "claims" held.   */
/* ------------------------------------------------------------------------ */

typedef struct scan {
    const uint8_t *p;
    size_t n;
    size_t i;
    int claims_seen;   /* top-level "claims" members seen */
    int echo_count;    /* "echo" entries in claims */
    int other_count;   /* other entries in claims */
} scan_t;

static void ws(scan_t *s) {
    while (s->i < s->n && (s->p[s->i] == ' ' || s->p[s->i] == '\t' || s->p[s->i] == '\n' || s->p[s->i] == '\r'))
        s->i++;
}

static bool is_hex(uint8_t b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
}

static unsigned hex4(const uint8_t *p) {
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        uint8_t b = p[k];
        v = (v << 4) | (unsigned)(b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
    }
    return v;
}

/* A string at s->i; sets *start and *end to the raw content between quotes. */
static bool string_(scan_t *s, size_t *start, size_t *end) {
    if (s->i >= s->n || s->p[s->i] != '"') return false;
    *start = ++s->i;
    while (s->i < s->n) {
        uint8_t b = s->p[s->i];
        if (b == '"') { *end = s->i++; return true; }
        if (b < 0x20) return false;
        if (b == '\\') {
            if (s->n - s->i < 2) return false;
            uint8_t e = s->p[s->i + 1];
            s->i += 2;
            if (e == 'u') {
                if (s->n - s->i < 4) return false;
                for (int k = 0; k < 4; k++) if (!is_hex(s->p[s->i + (size_t)k])) return false;
                unsigned u = hex4(s->p + s->i);
                s->i += 4;
                if (u >= 0xDC00 && u <= 0xDFFF) return false;
                if (u >= 0xD800 && u <= 0xDBFF) {
                    if (s->n - s->i < 6 || s->p[s->i] != '\\' || s->p[s->i + 1] != 'u') return false;
                    for (int k = 2; k < 6; k++) if (!is_hex(s->p[s->i + (size_t)k])) return false;
                    unsigned lo = hex4(s->p + s->i + 2);
                    if (lo < 0xDC00 || lo > 0xDFFF) return false;
                    s->i += 6;
                }
            } else if (!strchr("\"\\/bfnrt", e) || e == 0) {
                return false;
            }
            continue;
        }
        if (b < 0x80) { s->i++; continue; }
        size_t need;
        unsigned cp, min;
        if (b >= 0xC2 && b <= 0xDF) { need = 2; cp = b & 0x1Fu; min = 0x80; }
        else if (b >= 0xE0 && b <= 0xEF) { need = 3; cp = b & 0x0Fu; min = 0x800; }
        else if (b >= 0xF0 && b <= 0xF4) { need = 4; cp = b & 0x07u; min = 0x10000; }
        else return false;
        if (s->n - s->i < need) return false;
        for (size_t k = 1; k < need; k++) {
            uint8_t c = s->p[s->i + k];
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        s->i += need;
    }
    return false;
}

static bool digits(scan_t *s) {
    size_t st = s->i;
    while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9') s->i++;
    return s->i > st;
}

static bool number_(scan_t *s) {
    if (s->i < s->n && s->p[s->i] == '-') s->i++;
    if (s->i < s->n && s->p[s->i] == '0') s->i++;
    else if (!digits(s)) return false;
    if (s->i < s->n && s->p[s->i] == '.') { s->i++; if (!digits(s)) return false; }
    if (s->i < s->n && (s->p[s->i] == 'e' || s->p[s->i] == 'E')) {
        s->i++;
        if (s->i < s->n && (s->p[s->i] == '+' || s->p[s->i] == '-')) s->i++;
        if (!digits(s)) return false;
    }
    return true;
}

static bool literal(scan_t *s, const char *lit, size_t len) {
    if (s->n - s->i < len || memcmp(s->p + s->i, lit, len) != 0) return false;
    s->i += len;
    return true;
}

/* role: 0 anything, 1 the top-level object, 2 the top-level "claims" value */
static bool value_(scan_t *s, unsigned depth, int role) {
    size_t a, b;
    if (s->i >= s->n) return false;
    uint8_t c = s->p[s->i];
    if (c == '{' || c == '[') {
        if (depth >= ECHO_MAX_DEPTH) return false;
        bool object = c == '{';
        if (role == 1 && !object) return false;
        if (role == 2 && object) return false;
        uint8_t close = object ? '}' : ']';
        s->i++;
        ws(s);
        if (s->i < s->n && s->p[s->i] == close) { s->i++; return true; }
        for (;;) {
            int child = 0;
            if (object) {
                if (!string_(s, &a, &b)) return false;
                if (role == 1 && b - a == 6 && memcmp(s->p + a, "claims", 6) == 0) {
                    child = 2;
                    s->claims_seen++;
                }
                ws(s);
                if (s->i >= s->n || s->p[s->i] != ':') return false;
                s->i++;
                ws(s);
            } else if (role == 2) {
                if (!string_(s, &a, &b)) return false;
                if (b - a == 4 && memcmp(s->p + a, "echo", 4) == 0) s->echo_count++;
                else s->other_count++;
                goto separator;
            }
            if (!value_(s, depth + 1, child)) return false;
separator:
            ws(s);
            if (s->i >= s->n) return false;
            c = s->p[s->i++];
            if (c == close) return true;
            if (c != ',') return false;
            ws(s);
        }
    }
    if (role != 0) return false;
    switch (c) {
    case '"': return string_(s, &a, &b);
    case 't': return literal(s, "true", 4);
    case 'f': return literal(s, "false", 5);
    case 'n': return literal(s, "null", 4);
    default: return number_(s);
    }
}

/* ------------------------------------------------------------------------ */
/* Vtable                                                                   */
/* ------------------------------------------------------------------------ */

static void set_message(pv_step_t *step, const char *msg, size_t len) {
    if (PV_COVERS(step, pv_step_t, message)) {
        step->message.ptr = (const uint8_t *)msg;
        step->message.len = len;
    }
}
#define STATIC_MESSAGE(step, lit) set_message((step), (lit), sizeof(lit) - 1)

static pv_status_t echo_describe(pv_bytes_t *out_json) {
    if (out_json == NULL) return PV_ERR_INTERNAL;
    out_json->ptr = (const uint8_t *)DESCRIPTION;
    out_json->len = sizeof DESCRIPTION - 1;
    return PV_OK;
}

static pv_status_t echo_create(const pv_host_t *host, pv_host_ctx_t *ctx, pv_bytes_t settings,
                               pv_instance_t **out_instance, pv_bytes_t *out_message) {
    static const char bad[] = "create called with NULL arguments";
    static const char oom[] = "out of memory";
    (void)settings; /* echo has no settings */
    if (out_instance == NULL || host == NULL) {
        if (out_instance) *out_instance = NULL;
        if (out_message) { out_message->ptr = (const uint8_t *)bad; out_message->len = sizeof bad - 1; }
        return PV_ERR_INVALID_INPUT;
    }
    pv_instance_t *in = malloc(sizeof *in);
    if (in == NULL) {
        *out_instance = NULL;
        if (out_message) { out_message->ptr = (const uint8_t *)oom; out_message->len = sizeof oom - 1; }
        return PV_ERR_NO_MEMORY;
    }
    in->host = host;
    in->ctx = ctx;
    *out_instance = in;
    return PV_OK;
}

static void echo_destroy(pv_instance_t *instance) { free(instance); }

static pv_status_t start(pv_instance_t *instance, pv_exchange_t **out_exchange, pv_step_t *step, bool health,
                         pv_bytes_t query) {
    if (out_exchange != NULL) *out_exchange = NULL;
    if (step == NULL || !PV_COVERS(step, pv_step_t, request)) return PV_ERR_HOST;
    if (instance == NULL || out_exchange == NULL) {
        STATIC_MESSAGE(step, "exchange_begin called with NULL arguments");
        return PV_ERR_INVALID_INPUT;
    }
    if (!health) {
        scan_t s = { query.ptr, query.len, 0, 0, 0, 0 };
        bool ok = query.ptr != NULL;
        if (ok) {
            ws(&s);
            ok = value_(&s, 0, 1);
            ws(&s);
            ok = ok && s.i == s.n;
        }
        if (!ok || s.claims_seen != 1) {
            STATIC_MESSAGE(step, "query must be a JSON object with a claims array of strings");
            return PV_ERR_INVALID_INPUT;
        }
        if (s.other_count > 0) {
            STATIC_MESSAGE(step, "query asks for a claim other than echo");
            return PV_ERR_UNSUPPORTED;
        }
        if (s.echo_count == 0) {
            STATIC_MESSAGE(step, "query asks for no claims");
            return PV_ERR_INVALID_INPUT;
        }
    }
    pv_exchange_t *ex = malloc(sizeof *ex);
    if (ex == NULL) {
        STATIC_MESSAGE(step, "out of memory");
        return PV_ERR_NO_MEMORY;
    }
    ex->state = STATE_WAITING;
    ex->health = health;
    ex->message[0] = '\0';
    *out_exchange = ex;
    step->kind = PV_STEP_REQUEST;
    step->request = health ? &HEALTH_REQUEST : &ECHO_REQUEST;
    return PV_OK;
}

static pv_status_t echo_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                              pv_exchange_t **out_exchange, pv_step_t *step) {
    (void)hx;
    return start(instance, out_exchange, step, false, query);
}

static pv_status_t echo_health(pv_instance_t *instance, pv_host_exchange_t *hx, pv_exchange_t **out_exchange,
                               pv_step_t *step) {
    pv_bytes_t none = { NULL, 0 };
    (void)hx;
    return start(instance, out_exchange, step, true, none);
}

static pv_status_t echo_step(pv_exchange_t *ex, const pv_response_t *response, pv_step_t *step) {
    if (ex == NULL || step == NULL) return PV_ERR_STATE;
    if (!PV_COVERS(step, pv_step_t, result)) return PV_ERR_HOST;
    if (ex->state != STATE_WAITING) {
        STATIC_MESSAGE(step, "exchange is finished");
        return PV_ERR_STATE;
    }
    ex->state = STATE_DONE;
    if (response == NULL || !PV_COVERS(response, pv_response_t, status)) {
        STATIC_MESSAGE(step, "step called without a response");
        return PV_ERR_INTERNAL;
    }
    const char *result;
    size_t len;
    if (ex->health) {
        bool ok = response->status == 200;
        result = ok ? RESULT_HEALTHY : RESULT_UNHEALTHY;
        len = ok ? sizeof RESULT_HEALTHY - 1 : sizeof RESULT_UNHEALTHY - 1;
    } else if (response->status == 200) {
        result = RESULT_ECHO;
        len = sizeof RESULT_ECHO - 1;
    } else {
        int n = snprintf(ex->message, sizeof ex->message, "echo endpoint answered HTTP %u",
                         (unsigned)response->status);
        (void)n;
        set_message(step, ex->message, strlen(ex->message));
        return PV_ERR_UPSTREAM;
    }
    step->kind = PV_STEP_RESULT;
    step->result.ptr = (const uint8_t *)result;
    step->result.len = len;
    return PV_OK;
}

static void echo_end(pv_exchange_t *ex) { free(ex); }

static const pv_plugin_t PLUGIN = {
    .abi_version = 1,
    .struct_size = sizeof(pv_plugin_t),
    .describe = echo_describe,
    .create = echo_create,
    .destroy = echo_destroy,
    .exchange_begin = echo_begin,
    .exchange_step = echo_step,
    .exchange_end = echo_end,
    .health_begin = echo_health,
};

const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
    /* Echo needs no host service, only a well-formed table. */
    if (host_abi_version < 1 || host == NULL || host->struct_size < 2 * sizeof(uint32_t)) return NULL;
    return &PLUGIN;
}
