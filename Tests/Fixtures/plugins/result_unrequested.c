/* begin returns a result with a claim the query did not ask for. */
#define FX_CUSTOM_BEGIN
#include "fixture.h"

static pv_status_t fx_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                            pv_exchange_t **out_exchange, pv_step_t *step) {
    (void)query;
    fx_exchange *ex = fx_new_exchange(instance, hx);
    if (!ex) return PV_ERR_NO_MEMORY;
    *out_exchange = (pv_exchange_t *)ex;
    static const char text[] = "{\"age_over_18\":true,\"name_match\":\"not_available\",\"credit_score\":700}";
    return fx_set_result(ex, step, (const uint8_t *)text, sizeof text - 1);
}
