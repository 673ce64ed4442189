/*
 * Scaffolding shared by the test connectors in this folder: a complete,
 * well-behaved connector whose parts a scenario file replaces by defining
 * FX_CUSTOM_<PART> before including this header and writing its own
 * fx_<part> function below the include.
 *
 * Default behaviour: describe -> name FX_NAME, version FX_VERSION, claims
 * age_over_18 and name_match; begin -> GET /v1/subject with the host clock in
 * "x-time"; step -> the response body is the result (404 -> NOT_FOUND,
 * >= 400 -> UPSTREAM); create/destroy/end log "create"/"destroy"/"end".
 */
#ifndef PV_TEST_FIXTURE_H
#define PV_TEST_FIXTURE_H

#include <pavilion/connector.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_UNUSED __attribute__((unused))

#ifndef FX_NAME
#define FX_NAME "fixture"
#endif
#ifndef FX_VERSION
#define FX_VERSION "1.0.0"
#endif
#ifdef FX_WITH_HEALTH
#define FX_HEALTH_JSON "true"
#else
#define FX_HEALTH_JSON "false"
#endif
#ifndef FX_DESCRIPTION
#define FX_DESCRIPTION                                                                     \
    "{\"name\":\"" FX_NAME "\",\"version\":\"" FX_VERSION "\","                            \
    "\"claims\":[\"age_over_18\",\"name_match\"],\"input_formats\":[\"json\"],"            \
    "\"output_formats\":[\"json\"],\"health\":" FX_HEALTH_JSON "}"
#endif

typedef struct fx_instance {
    const pv_host_t *host;
    pv_host_ctx_t *ctx;
} fx_instance;

typedef struct fx_exchange {
    fx_instance *inst;
    pv_host_exchange_t *hx;
    pv_request_t request;
    pv_header_t headers[4];
    char header_values[4][256];
    char path[256];
    uint8_t *result;
    char message[256];
    char secret_copy[128];
    size_t secret_len;
} fx_exchange;

static FX_UNUSED pv_bytes_t fx_str(const char *s) {
    pv_bytes_t b = {(const uint8_t *)s, strlen(s)};
    return b;
}

static FX_UNUSED void fx_log(fx_instance *inst, const char *text) {
    if (inst && inst->host && inst->host->log) inst->host->log(inst->ctx, PV_LOG_DEBUG, fx_str(text));
}

static FX_UNUSED int fx_contains(pv_bytes_t hay, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; hay.ptr && i + n <= hay.len; i++)
        if (memcmp(hay.ptr + i, needle, n) == 0) return 1;
    return 0;
}

static FX_UNUSED fx_exchange *fx_new_exchange(pv_instance_t *instance, pv_host_exchange_t *hx) {
    fx_exchange *ex = calloc(1, sizeof *ex);
    if (!ex) return NULL;
    ex->inst = (fx_instance *)instance;
    ex->hx = hx;
    return ex;
}

static FX_UNUSED void fx_set_request(fx_exchange *ex, pv_step_t *step, const char *method, const char *path) {
    snprintf(ex->path, sizeof ex->path, "%s", path);
    ex->request.abi_version = PV_ABI_VERSION;
    ex->request.struct_size = sizeof(pv_request_t);
    ex->request.method = fx_str(method);
    ex->request.path = fx_str(ex->path);
    ex->request.headers = ex->headers;
    ex->request.flags = PV_REQUEST_IDEMPOTENT;
    ex->request.timeout_ms = 1500;
    step->kind = PV_STEP_REQUEST;
    step->request = &ex->request;
}

static FX_UNUSED void fx_add_header(fx_exchange *ex, const char *name, const char *value) {
    size_t i = ex->request.header_count;
    if (i >= 4) return;
    snprintf(ex->header_values[i], sizeof ex->header_values[i], "%s", value);
    ex->headers[i].name = fx_str(name);
    ex->headers[i].value = fx_str(ex->header_values[i]);
    ex->request.header_count = i + 1;
}

static FX_UNUSED pv_status_t fx_set_result(fx_exchange *ex, pv_step_t *step, const uint8_t *json, size_t len) {
    free(ex->result);
    ex->result = malloc(len ? len : 1);
    if (!ex->result) return PV_ERR_NO_MEMORY;
    if (len) memcpy(ex->result, json, len);
    step->kind = PV_STEP_RESULT;
    step->result.ptr = ex->result;
    step->result.len = len;
    return PV_OK;
}

static pv_status_t fx_describe(pv_bytes_t *out_json) FX_UNUSED;
static pv_status_t fx_create(const pv_host_t *host, pv_host_ctx_t *ctx, pv_bytes_t settings,
                             pv_instance_t **out_instance, pv_bytes_t *out_message) FX_UNUSED;
static void fx_destroy(pv_instance_t *instance) FX_UNUSED;
static pv_status_t fx_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                            pv_exchange_t **out_exchange, pv_step_t *step) FX_UNUSED;
static pv_status_t fx_step(pv_exchange_t *exchange, const pv_response_t *response, pv_step_t *step) FX_UNUSED;
static void fx_end(pv_exchange_t *exchange) FX_UNUSED;
static pv_status_t fx_health_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_exchange_t **out_exchange,
                                   pv_step_t *step) FX_UNUSED;

#ifndef FX_CUSTOM_DESCRIBE
static pv_status_t fx_describe(pv_bytes_t *out_json) {
    *out_json = fx_str(FX_DESCRIPTION);
    return PV_OK;
}
#endif

#ifndef FX_CUSTOM_CREATE
static pv_status_t fx_create(const pv_host_t *host, pv_host_ctx_t *ctx, pv_bytes_t settings,
                             pv_instance_t **out_instance, pv_bytes_t *out_message) {
    (void)settings;
    (void)out_message;
    fx_instance *inst = calloc(1, sizeof *inst);
    if (!inst) return PV_ERR_NO_MEMORY;
    inst->host = host;
    inst->ctx = ctx;
    *out_instance = (pv_instance_t *)inst;
    fx_log(inst, "create");
    return PV_OK;
}
#endif

#ifndef FX_CUSTOM_DESTROY
static void fx_destroy(pv_instance_t *instance) {
    fx_instance *inst = (fx_instance *)instance;
    if (!inst) return;
    fx_log(inst, "destroy");
    free(inst);
}
#endif

#ifndef FX_CUSTOM_BEGIN
static pv_status_t fx_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                            pv_exchange_t **out_exchange, pv_step_t *step) {
    (void)query;
    fx_exchange *ex = fx_new_exchange(instance, hx);
    if (!ex) {
        step->message = fx_str("out of memory");
        return PV_ERR_NO_MEMORY;
    }
    *out_exchange = (pv_exchange_t *)ex;
    char now[32];
    snprintf(now, sizeof now, "%lld", (long long)ex->inst->host->clock_ms(ex->inst->ctx));
    fx_set_request(ex, step, "GET", "/v1/subject");
    fx_add_header(ex, "accept", "application/json");
    fx_add_header(ex, "x-time", now);
    return PV_OK;
}
#endif

#ifndef FX_CUSTOM_STEP
static pv_status_t fx_step(pv_exchange_t *exchange, const pv_response_t *response, pv_step_t *step) {
    fx_exchange *ex = (fx_exchange *)exchange;
    (void)ex->inst->host->clock_ms(ex->inst->ctx);
    if (response->status == 404) {
        step->message = fx_str("subject unknown to the DP");
        return PV_ERR_NOT_FOUND;
    }
    if (response->status >= 400) {
        snprintf(ex->message, sizeof ex->message, "DP answered %u", (unsigned)response->status);
        step->message = fx_str(ex->message);
        return PV_ERR_UPSTREAM;
    }
    return fx_set_result(ex, step, response->body.ptr, response->body.len);
}
#endif

#ifndef FX_CUSTOM_END
static void fx_end(pv_exchange_t *exchange) {
    fx_exchange *ex = (fx_exchange *)exchange;
    if (!ex) return;
    fx_log(ex->inst, "end");
    free(ex->result);
    memset(ex->secret_copy, 0, sizeof ex->secret_copy);
    free(ex);
}
#endif

#ifndef FX_CUSTOM_HEALTH
static pv_status_t fx_health_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_exchange_t **out_exchange,
                                   pv_step_t *step) {
    fx_exchange *ex = fx_new_exchange(instance, hx);
    if (!ex) {
        step->message = fx_str("out of memory");
        return PV_ERR_NO_MEMORY;
    }
    *out_exchange = (pv_exchange_t *)ex;
    fx_set_request(ex, step, "GET", "/health");
    return PV_OK;
}
#endif

#ifndef FX_CUSTOM_ENTRY
static const pv_plugin_t fx_plugin = {
    .abi_version = PV_ABI_VERSION,
    .struct_size = sizeof(pv_plugin_t),
    .describe = fx_describe,
    .create = fx_create,
    .destroy = fx_destroy,
    .exchange_begin = fx_begin,
    .exchange_step = fx_step,
    .exchange_end = fx_end,
#ifdef FX_WITH_HEALTH
    .health_begin = fx_health_begin,
#endif
};

const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
    (void)host;
    return host_abi_version >= 1 ? &fx_plugin : NULL;
}
#endif

#endif /* PV_TEST_FIXTURE_H */
