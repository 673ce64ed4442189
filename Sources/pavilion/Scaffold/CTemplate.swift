/// The C connector `pavilion connector new NAME --lang c` writes: a subject
/// lookup (`GET /v1/subjects/{subject_id}`) answering `subject_active`, built
/// on the C connector kit's JSON reader (pv_json.h).
enum CTemplate {
    static func source(name: String) -> String {
        """
        /*
         * \(name) — a Pavilion connector (ABI 1).
         *
         * Asks the data provider `GET /v1/subjects/{subject_id}` and answers the
         * claim `subject_active` from the JSON field `active`. Replace the request
         * and the mapping with your provider's API; keep the shape: all state on
         * the instance and exchange handles, outputs owned by the exchange until
         * the next call, every status code named in connector.h.
         */
        #include <pavilion/connector.h>

        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>

        #include "pv_json.h"

        #define MAX_SUBJECT_ID 128

        struct pv_instance {
            const pv_host_t *host;
            pv_host_ctx_t *ctx;
        };

        enum stage { STAGE_LOOKUP, STAGE_DONE };

        struct pv_exchange {
            struct pv_instance *instance;
            enum stage stage;
            char path[32 + 3 * MAX_SUBJECT_ID];
            pv_header_t headers[1];
            pv_request_t request;
            char result[64];
        };

        static const char DESCRIPTION[] =
            "{\\"name\\":\\"\(name)\\",\\"version\\":\\"0.1.0\\",\\"claims\\":[\\"subject_active\\"],"
            "\\"input_formats\\":[\\"json\\"],\\"output_formats\\":[\\"json\\"],\\"health\\":false}";

        static pv_status_t fail(pv_step_t *out, pv_status_t status, const char *message) {
            if (out->struct_size >= offsetof(pv_step_t, message) + sizeof(pv_bytes_t)) {
                out->message.ptr = (const uint8_t *)message;
                out->message.len = strlen(message);
            }
            return status;
        }

        static pv_status_t describe(pv_bytes_t *out_json) {
            if (out_json == NULL) return PV_ERR_INTERNAL;
            out_json->ptr = (const uint8_t *)DESCRIPTION;
            out_json->len = sizeof(DESCRIPTION) - 1;
            return PV_OK;
        }

        static pv_status_t create(const pv_host_t *host, pv_host_ctx_t *ctx, pv_bytes_t settings,
                                  pv_instance_t **out_instance, pv_bytes_t *out_message) {
            static const char bad[] = "settings must be a JSON object";
            pvj_span root;
            if (out_instance == NULL) return PV_ERR_INTERNAL;
            *out_instance = NULL;
            if (!pvj_validate(settings.ptr, settings.len, &root) || pvj_kind(root) != PVJ_OBJECT) {
                if (out_message != NULL) { out_message->ptr = (const uint8_t *)bad; out_message->len = sizeof(bad) - 1; }
                return PV_ERR_INVALID_INPUT;
            }
            struct pv_instance *instance = calloc(1, sizeof *instance);
            if (instance == NULL) return PV_ERR_NO_MEMORY;
            instance->host = host;
            instance->ctx = ctx;
            *out_instance = instance;
            return PV_OK;
        }

        static void destroy(pv_instance_t *instance) { free(instance); }

        /* Percent-encode `in` into `out` as a path segment (RFC 3986 unreserved kept). */
        static int encode_segment(const uint8_t *in, size_t n, char *out, size_t cap) {
            static const char hex[] = "0123456789ABCDEF";
            size_t o = 0;
            for (size_t i = 0; i < n; i++) {
                uint8_t c = in[i];
                int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
                if (o + (plain ? 1 : 3) >= cap) return -1;
                if (plain) { out[o++] = (char)c; }
                else { out[o++] = '%'; out[o++] = hex[c >> 4]; out[o++] = hex[c & 15]; }
            }
            out[o] = '\\0';
            return 0;
        }

        static pv_status_t begin(pv_instance_t *instance, pv_host_exchange_t *host_exchange, pv_bytes_t query,
                                 pv_exchange_t **out_exchange, pv_step_t *out) {
            (void)host_exchange;
            pvj_span root, subject, id, claims, claim;
            pvj_iter it;
            uint8_t raw[MAX_SUBJECT_ID];
            size_t raw_len = 0;
            if (out_exchange == NULL || out == NULL) return PV_ERR_INTERNAL;
            *out_exchange = NULL;
            if (!pvj_validate(query.ptr, query.len, &root) || pvj_kind(root) != PVJ_OBJECT)
                return fail(out, PV_ERR_INVALID_INPUT, "query is not a JSON object");
            if (pvj_get(root, "claims", &claims) != 1 || !pvj_iter_begin(&it, claims))
                return fail(out, PV_ERR_INVALID_INPUT, "query.claims must be a list");
            int n;
            while ((n = pvj_next_element(&it, &claim)) == 1) {
                if (!pvj_equals(claim, "subject_active")) return fail(out, PV_ERR_UNSUPPORTED, "unknown claim requested");
            }
            if (n < 0) return fail(out, PV_ERR_INVALID_INPUT, "query.claims is malformed");
            if (pvj_get(root, "subject", &subject) != 1 || pvj_kind(subject) != PVJ_OBJECT ||
                pvj_get(subject, "subject_id", &id) != 1 || pvj_kind(id) != PVJ_STRING ||
                !pvj_decode(id, raw, sizeof raw, &raw_len) || raw_len == 0)
                return fail(out, PV_ERR_INVALID_INPUT, "subject.subject_id must be a string of 1 to 128 bytes");

            struct pv_exchange *ex = calloc(1, sizeof *ex);
            if (ex == NULL) return fail(out, PV_ERR_NO_MEMORY, "out of memory");
            *out_exchange = ex;
            ex->instance = instance;
            memcpy(ex->path, "/v1/subjects/", 13);
            if (encode_segment(raw, raw_len, ex->path + 13, sizeof ex->path - 13) != 0)
                return fail(out, PV_ERR_INVALID_INPUT, "subject.subject_id is too long");
            ex->headers[0].name = (pv_bytes_t){(const uint8_t *)"accept", 6};
            ex->headers[0].value = (pv_bytes_t){(const uint8_t *)"application/json", 16};
            ex->request = (pv_request_t){
                .abi_version = PV_ABI_VERSION, .struct_size = sizeof(pv_request_t),
                .method = {(const uint8_t *)"GET", 3},
                .path = {(const uint8_t *)ex->path, strlen(ex->path)},
                .headers = ex->headers, .header_count = 1,
                .flags = PV_REQUEST_IDEMPOTENT,
            };
            ex->stage = STAGE_LOOKUP;
            out->kind = PV_STEP_REQUEST;
            out->request = &ex->request;
            return PV_OK;
        }

        static pv_status_t step(pv_exchange_t *ex, const pv_response_t *response, pv_step_t *out) {
            pvj_span root, active;
            if (ex == NULL || response == NULL || out == NULL) return PV_ERR_INTERNAL;
            if (ex->stage != STAGE_LOOKUP) return fail(out, PV_ERR_STATE, "exchange already finished");
            ex->stage = STAGE_DONE;
            if (response->status == 404) return fail(out, PV_ERR_NOT_FOUND, "provider does not know the subject");
            if (response->status != 200) return fail(out, PV_ERR_UPSTREAM, "provider answered with an error status");
            if (!pvj_validate(response->body.ptr, response->body.len, &root) || pvj_kind(root) != PVJ_OBJECT)
                return fail(out, PV_ERR_BAD_RESPONSE, "provider body is not a JSON object");
            if (pvj_get(root, "active", &active) != 1 || pvj_kind(active) != PVJ_BOOL)
                return fail(out, PV_ERR_BAD_RESPONSE, "provider body lacks a boolean 'active'");
            int is_active = active.n == 4; /* "true" */
            int len = snprintf(ex->result, sizeof ex->result, "{\\"subject_active\\":%s}", is_active ? "true" : "false");
            out->kind = PV_STEP_RESULT;
            out->result = (pv_bytes_t){(const uint8_t *)ex->result, (size_t)len};
            return PV_OK;
        }

        static void end(pv_exchange_t *ex) { free(ex); }

        static const pv_plugin_t PLUGIN = {
            .abi_version = 1, .struct_size = sizeof(pv_plugin_t),
            .describe = describe, .create = create, .destroy = destroy,
            .exchange_begin = begin, .exchange_step = step, .exchange_end = end,
            .health_begin = NULL,
        };

        const pv_plugin_t *pv_connector_entry(uint32_t host_abi_version, const pv_host_t *host) {
            if (host_abi_version < 1 || host == NULL) return NULL;
            return &PLUGIN;
        }

        """
    }

    static func buildScript(name: String, kit: String) -> String {
        """
        #!/bin/sh
        # Build lib/libpv_\(name).so and pin its SHA-256 in \(name).yaml.
        set -eu
        cd "$(dirname "$0")"
        mkdir -p lib
        ${CC:-cc} -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror \\
          -I "\(kit)/include" -I src -o lib/libpv_\(name).so src/connector.c src/pv_json.c
        ${PAVILION:-pavilion} manifest pin \(name).yaml

        """
    }
}
