/*
 * kyc_json.h — a small strict JSON reader and writer for the CAMARA connector.
 *
 * Reading is two-phase. kj_validate() checks a whole document once (RFC 8259
 * grammar, UTF-8, escapes including surrogate pairs, a depth limit) without
 * allocating. Afterwards the navigation helpers walk the validated text by
 * spans; they still bounds-check every byte, so a caller that skips
 * validation gets "not found" rather than a crash. Input is never assumed to
 * be NUL-terminated.
 *
 * Writing appends to a growable buffer with a hard cap; once an append fails
 * the buffer stays failed, so callers check once at the end.
 *
 * Thread: no shared state; every function works only on its arguments.
 */
#ifndef PV_KYC_JSON_H
#define PV_KYC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Deepest array/object nesting kj_validate accepts. */
#define KJ_MAX_DEPTH 32u

/** A slice of JSON text holding exactly one value (no surrounding space). */
typedef struct kj_span {
    const uint8_t *p;
    size_t n;
} kj_span;

/** Value kinds, from the first byte of a span. */
#define KJ_INVALID 0
#define KJ_NULL 1
#define KJ_BOOL 2
#define KJ_NUMBER 3
#define KJ_STRING 4
#define KJ_ARRAY 5
#define KJ_OBJECT 6

/** Validate `n` bytes at `p` as one JSON text. On success `*out` spans the
 *  value without surrounding whitespace. Returns false for anything else. */
bool kj_validate(const uint8_t *p, size_t n, kj_span *out);

/** The kind of the value `v` spans. */
int kj_kind(kj_span v);

/** Iterator over the members of an object or the elements of an array. */
typedef struct kj_iter {
    const uint8_t *p;
    size_t n;
    size_t i;
    bool done;
} kj_iter;

/** Start iterating `container` (an array or object span). False if it is
 *  neither. */
bool kj_iter_begin(kj_iter *it, kj_span container);
/** Next object member: 1 and `*key` (a string span) / `*value`, 0 at the end,
 *  -1 on malformed text. */
int kj_next_member(kj_iter *it, kj_span *key, kj_span *value);
/** Next array element: 1 and `*value`, 0 at the end, -1 on malformed text. */
int kj_next_element(kj_iter *it, kj_span *value);

/** Look up member `key` (NUL-terminated ASCII) of object `obj`. Returns 1 and
 *  `*out` when present once, 0 when absent, -1 when duplicated or malformed. */
int kj_get(kj_span obj, const char *key, kj_span *out);

/** Decode string span `s` into `out` (capacity `cap`), UTF-8, no NUL added.
 *  Returns false if `s` is not a valid string or does not fit. */
bool kj_decode(kj_span s, uint8_t *out, size_t cap, size_t *out_len);

/** True if string span `s` decodes exactly to the NUL-terminated `lit`. */
bool kj_equals(kj_span s, const char *lit);

/** An append-only output buffer with a hard size cap. */
typedef struct kj_buf {
    uint8_t *p;
    size_t len;
    size_t cap;
    size_t limit;
    bool failed;
} kj_buf;

/** An empty buffer that will refuse to grow beyond `limit` bytes. */
void kj_buf_init(kj_buf *b, size_t limit);
/** Zero the contents and free the storage; the buffer is empty again. */
void kj_buf_wipe(kj_buf *b);
/** Empty the buffer, keeping (and zeroing) its storage. */
void kj_buf_reset(kj_buf *b);
/** Append raw bytes. */
void kj_put(kj_buf *b, const void *data, size_t len);
/** Append a NUL-terminated string. */
void kj_puts(kj_buf *b, const char *s);
/** Append `len` bytes of valid UTF-8 as a JSON string literal. */
void kj_put_string(kj_buf *b, const uint8_t *s, size_t len);

#endif /* PV_KYC_JSON_H */
