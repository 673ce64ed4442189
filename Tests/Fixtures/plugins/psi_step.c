/* begin asks for a PSI step (PV_STEP_PSI, ABI 2); the vtable claims ABI
 * FX_ABI (default 2; built with 1 to be an ABI-1 plugin that breaks the
 * rules). A marker word in the query picks a bad step: many (1025
 * elements), none (0 elements), empty_element, seven (mode 7), dotdot,
 * query_path, null_psi, small_psi. step answers {"age_over_18": true} when
 * the host's answer lists index 0, else false. */
#define FX_CUSTOM_BEGIN
#define FX_CUSTOM_STEP
#define FX_CUSTOM_ENTRY
#include "fixture.h"

#ifndef FX_ABI
#define FX_ABI 2
#endif

typedef struct psi_exchange {
    fx_exchange base;
    pv_psi_request_t psi;
    pv_bytes_t elements[1025];
} psi_exchange;

static pv_status_t fx_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                            pv_exchange_t **out_exchange, pv_step_t *step) {
    psi_exchange *ex = calloc(1, sizeof *ex);
    if (!ex) return PV_ERR_NO_MEMORY;
    ex->base.inst = (fx_instance *)instance;
    ex->base.hx = hx;
    *out_exchange = (pv_exchange_t *)ex;
    ex->psi.abi_version = 2;
    ex->psi.struct_size = sizeof(pv_psi_request_t);
    ex->psi.path = fx_str("/psi/v1");
    ex->psi.mode = PV_PSI_INTERSECTION;
    for (size_t i = 0; i < 1025; i++) ex->elements[i] = fx_str("+447700900555");
    ex->psi.elements = ex->elements;
    ex->psi.element_count = 1;
    if (fx_contains(query, "many")) ex->psi.element_count = 1025;
    if (fx_contains(query, "none")) ex->psi.element_count = 0;
    if (fx_contains(query, "empty_element")) ex->elements[0] = fx_str("");
    if (fx_contains(query, "seven")) ex->psi.mode = 7;
    if (fx_contains(query, "dotdot")) ex->psi.path = fx_str("/psi/../admin");
    if (fx_contains(query, "query_path")) ex->psi.path = fx_str("/psi/v1?x=1");
    if (fx_contains(query, "small_psi")) ex->psi.struct_size = 8;
    step->kind = PV_STEP_PSI;
    if (step->struct_size >= offsetof(pv_step_t, psi) + sizeof(step->psi))
        step->psi = fx_contains(query, "null_psi") ? NULL : &ex->psi;
    return PV_OK;
}

static pv_status_t fx_step(pv_exchange_t *exchange, const pv_response_t *response, pv_step_t *step) {
    fx_exchange *ex = (fx_exchange *)exchange;
    if (response->status != 200) {
        step->message = fx_str("host answered a PSI step with an error");
        return PV_ERR_BAD_RESPONSE;
    }
    const char *json = fx_contains(response->body, "[0]") ? "{\"age_over_18\":true}" : "{\"age_over_18\":false}";
    return fx_set_result(ex, step, (const uint8_t *)json, strlen(json));
}

static const pv_plugin_t fx_psi_plugin = {
    .abi_version = FX_ABI, .struct_size = sizeof(pv_plugin_t), .describe = fx_describe, .create = fx_create,
    .destroy = fx_destroy, .exchange_begin = fx_begin, .exchange_step = fx_step, .exchange_end = fx_end};

const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
    (void)host;
    return host_abi_version >= FX_ABI ? &fx_psi_plugin : NULL;
}
