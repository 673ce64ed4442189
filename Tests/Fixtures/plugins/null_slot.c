/* Leaves the required exchange_step slot NULL. */
#define FX_CUSTOM_ENTRY
#include "fixture.h"

static const pv_plugin_t fx_holey = {
    .abi_version = 1, .struct_size = sizeof(pv_plugin_t), .describe = fx_describe, .create = fx_create,
    .destroy = fx_destroy, .exchange_begin = fx_begin, .exchange_step = NULL, .exchange_end = fx_end};

const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
    (void)host_abi_version;
    (void)host;
    return &fx_holey;
}
