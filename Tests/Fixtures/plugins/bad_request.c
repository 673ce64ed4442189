/* begin asks for a request the host must refuse; which one is picked by a
 * marker word in the query: dotdot, encoded_dotdot, absolute, host_header,
 * control, method. */
#define FX_CUSTOM_BEGIN
#include "fixture.h"

static pv_status_t fx_begin(pv_instance_t *instance, pv_host_exchange_t *hx, pv_bytes_t query,
                            pv_exchange_t **out_exchange, pv_step_t *step) {
    fx_exchange *ex = fx_new_exchange(instance, hx);
    if (!ex) return PV_ERR_NO_MEMORY;
    *out_exchange = (pv_exchange_t *)ex;
    if (fx_contains(query, "encoded_dotdot")) {
        fx_set_request(ex, step, "GET", "/v1/%2e%2e/admin");
    } else if (fx_contains(query, "dotdot")) {
        fx_set_request(ex, step, "GET", "/v1/../admin");
    } else if (fx_contains(query, "absolute")) {
        fx_set_request(ex, step, "GET", "https://evil.example/steal");
    } else if (fx_contains(query, "host_header")) {
        fx_set_request(ex, step, "GET", "/v1/subject");
        fx_add_header(ex, "Host", "evil.example");
    } else if (fx_contains(query, "control")) {
        fx_set_request(ex, step, "GET", "/v1/a\r\nX-Injected: 1");
    } else if (fx_contains(query, "method")) {
        fx_set_request(ex, step, "CONNECT", "/v1/subject");
    } else {
        fx_set_request(ex, step, "GET", "/v1/subject");
    }
    return PV_OK;
}
