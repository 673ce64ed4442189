/* begin returns a status code the ABI does not define. */
#define FX_CUSTOM_BEGIN
#include "fixture.h"

static pv_status_t fx_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                            pv_exchange_t **out_exchange, pv_step_t *step) {
    (void)instance;
    (void)hx;
    (void)query;
    *out_exchange = NULL;
    step->message = fx_str("forty-two");
    return 42;
}
