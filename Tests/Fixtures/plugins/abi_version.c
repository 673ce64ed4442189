/* Returns a full vtable claiming ABI version FX_ABI (0 unless given), e.g.
 * 0 (invalid) or 99 (newer than the host offered). */
#define FX_CUSTOM_ENTRY
#include "fixture.h"

#ifndef FX_ABI
#define FX_ABI 0
#endif

static const pv_plugin_t fx_versioned = {
    .abi_version = FX_ABI, .struct_size = sizeof(pv_plugin_t), .describe = fx_describe, .create = fx_create,
    .destroy = fx_destroy, .exchange_begin = fx_begin, .exchange_step = fx_step, .exchange_end = fx_end};

const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
    (void)host_abi_version;
    (void)host;
    return &fx_versioned;
}
