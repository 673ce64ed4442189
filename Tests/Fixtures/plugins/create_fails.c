/* create refuses its settings with a message. */
#define FX_CUSTOM_CREATE
#include "fixture.h"

static pv_status_t fx_create(const pv_host_t *host, pv_host_ctx_t *ctx, pv_bytes_t settings,
                             pv_instance_t **out_instance, pv_bytes_t *out_message) {
    (void)host;
    (void)ctx;
    (void)settings;
    *out_instance = NULL;
    *out_message = fx_str("settings lack api_base");
    return PV_ERR_INVALID_INPUT;
}
