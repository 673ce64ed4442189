/*
 * pv_json.h — a small strict JSON reader and writer for C connectors.
 *
 * The C connector kit: depend on the PavilionCJSON target, or compile pv_json.c
 * into your library (`pavilion connector new --lang c` copies both files).
 *
 * Reading is two-phase. pvj_validate() checks a whole document once (RFC 8259
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
#ifndef PV_JSON_H
#define PV_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Deepest array/object nesting pvj_validate accepts. */
#define PVJ_MAX_DEPTH 32u

/** A slice of JSON text holding exactly one value (no surrounding space). */
typedef struct pvj_span {
    const uint8_t *p;
    size_t n;
} pvj_span;

/** Value kinds, from the first byte of a span. */
#define PVJ_INVALID 0
#define PVJ_NULL 1
#define PVJ_BOOL 2
#define PVJ_NUMBER 3
#define PVJ_STRING 4
#define PVJ_ARRAY 5
#define PVJ_OBJECT 6

/** Validate `n` bytes at `p` as one JSON text. On success `*out` spans the
 *  value without surrounding whitespace. Returns false for anything else. */
bool pvj_validate(const uint8_t *p, size_t n, pvj_span *out);

/** The kind of the value `v` spans. */
int pvj_kind(pvj_span v);

/** Iterator over the members of an object or the elements of an array. */
typedef struct pvj_iter {
    const uint8_t *p;
    size_t n;
    size_t i;
    bool done;
} pvj_iter;

/** Start iterating `container` (an array or object span). False if it is
 *  neither. */
bool pvj_iter_begin(pvj_iter *it, pvj_span container);
/** Next object member: 1 and `*key` (a string span) / `*value`, 0 at the end,
 *  -1 on malformed text. */
int pvj_next_member(pvj_iter *it, pvj_span *key, pvj_span *value);
/** Next array element: 1 and `*value`, 0 at the end, -1 on malformed text. */
int pvj_next_element(pvj_iter *it, pvj_span *value);

/** Look up member `key` (NUL-terminated ASCII) of object `obj`. Returns 1 and
 *  `*out` when present once, 0 when absent, -1 when duplicated or malformed. */
int pvj_get(pvj_span obj, const char *key, pvj_span *out);

/** Decode string span `s` into `out` (capacity `cap`), UTF-8, no NUL added.
 *  Returns false if `s` is not a valid string or does not fit. */
bool pvj_decode(pvj_span s, uint8_t *out, size_t cap, size_t *out_len);

/** True if string span `s` decodes exactly to the NUL-terminated `lit`. */
bool pvj_equals(pvj_span s, const char *lit);

/** An append-only output buffer with a hard size cap. */
typedef struct pvj_buf {
    uint8_t *p;
    size_t len;
    size_t cap;
    size_t limit;
    bool failed;
} pvj_buf;

/** An empty buffer that will refuse to grow beyond `limit` bytes. */
void pvj_buf_init(pvj_buf *b, size_t limit);
/** Zero the contents and free the storage; the buffer is empty again. */
void pvj_buf_wipe(pvj_buf *b);
/** Empty the buffer, keeping (and zeroing) its storage. */
void pvj_buf_reset(pvj_buf *b);
/** Append raw bytes. */
void pvj_put(pvj_buf *b, const void *data, size_t len);
/** Append a NUL-terminated string. */
void pvj_puts(pvj_buf *b, const char *s);
/** Append `len` bytes of valid UTF-8 as a JSON string literal. */
void pvj_put_string(pvj_buf *b, const uint8_t *s, size_t len);

#endif /* PV_JSON_H */
