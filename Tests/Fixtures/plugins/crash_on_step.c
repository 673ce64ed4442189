/* Crashes (writes through NULL) when stepped: the conformance suite must
 * report a failed check naming where it crashed, not die with the plugin. */
#define FX_CUSTOM_STEP
#include "fixture.h"

static pv_status_t fx_step(pv_exchange_t *exchange, const pv_response_t *response, pv_step_t *step) {
    (void)exchange;
    (void)response;
    (void)step;
    volatile int *nowhere = NULL;
    *nowhere = 1;
    return PV_ERR_INTERNAL;
}
