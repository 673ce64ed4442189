/* begin allocates exchange state and then fails with PV_ERR_NOT_FOUND; the
 * host must still end the exchange exactly once. */
#define FX_CUSTOM_BEGIN
#include "fixture.h"

static pv_status_t fx_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                            pv_exchange_t **out_exchange, pv_step_t *step) {
    (void)query;
    fx_exchange *ex = fx_new_exchange(instance, hx);
    if (!ex) return PV_ERR_NO_MEMORY;
    *out_exchange = (pv_exchange_t *)ex;
    snprintf(ex->message, sizeof ex->message, "subject unknown to the DP");
    step->message = fx_str(ex->message);
    return PV_ERR_NOT_FOUND;
}
