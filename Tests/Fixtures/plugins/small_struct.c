/* Returns a vtable whose struct_size is smaller than the ABI-1 table. */
#define FX_CUSTOM_ENTRY
#include "fixture.h"

static pv_plugin_t fx_small = {.abi_version = 1, .struct_size = 16, .describe = fx_describe, .create = fx_create};

const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
    (void)host_abi_version;
    (void)host;
    return &fx_small;
}
