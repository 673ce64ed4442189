/* Reads the declared secret "api_key", logs it (the host must redact it),
 * probes an undeclared and a missing secret, keeps a copy and logs that copy
 * again in step, after the host's lease on the value has ended. */
#define FX_CUSTOM_BEGIN
#define FX_CUSTOM_STEP
#include "fixture.h"

static pv_status_t fx_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                            pv_exchange_t **out_exchange, pv_step_t *step) {
    (void)query;
    fx_exchange *ex = fx_new_exchange(instance, hx);
    if (!ex) return PV_ERR_NO_MEMORY;
    *out_exchange = (pv_exchange_t *)ex;
    const pv_host_t *host = ex->inst->host;
    pv_bytes_t value = {0};
    pv_status_t st = host->secret(ex->inst->ctx, hx, fx_str("api_key"), &value);
    if (st != PV_OK || value.len >= sizeof ex->secret_copy) {
        step->message = fx_str("no api_key");
        return PV_ERR_HOST;
    }
    memcpy(ex->secret_copy, value.ptr, value.len);
    ex->secret_len = value.len;
    pv_bytes_t other = {0};
    char line[256];
    snprintf(line, sizeof line, "undeclared=%u missing=%u null=%u",
             (unsigned)host->secret(ex->inst->ctx, hx, fx_str("not_in_manifest"), &other),
             (unsigned)host->secret(ex->inst->ctx, hx, fx_str("declared_but_unset"), &other),
             (unsigned)host->secret(ex->inst->ctx, NULL, fx_str("api_key"), &other));
    fx_log(ex->inst, line);
    snprintf(line, sizeof line, "calling DP with key %.*s now", (int)value.len, (const char *)value.ptr);
    fx_log(ex->inst, line);
    fx_set_request(ex, step, "GET", "/v1/subject");
    fx_add_header(ex, "authorization", "Bearer token");
    return PV_OK;
}

static pv_status_t fx_step(pv_exchange_t *exchange, const pv_response_t *response, pv_step_t *step) {
    fx_exchange *ex = (fx_exchange *)exchange;
    char line[256];
    snprintf(line, sizeof line, "still holding %.*s after the lease", (int)ex->secret_len, ex->secret_copy);
    fx_log(ex->inst, line);
    return fx_set_result(ex, step, response->body.ptr, response->body.len);
}
