/* Shares no ABI version with any host: the entry returns NULL. */
#define FX_CUSTOM_ENTRY
#include "fixture.h"

const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
    (void)host_abi_version;
    (void)host;
    return NULL;
}
