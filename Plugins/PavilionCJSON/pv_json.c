/*
 * kyc_json.c — see pv_json.h. Every read checks its index against the
 * length first; nothing here reads past the slice it was given.
 */
#include "pv_json.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Validation                                                               */
/* ------------------------------------------------------------------------ */

typedef struct pvj_cursor {
    const uint8_t *p;
    size_t n;
    size_t i;
} pvj_cursor;

static void skip_ws(pvj_cursor *c) {
    while (c->i < c->n) {
        uint8_t b = c->p[c->i];
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r') return;
        c->i++;
    }
}

static int hex_value(uint8_t b) {
    if (b >= '0' && b <= '9') return b - '0';
    if (b >= 'a' && b <= 'f') return b - 'a' + 10;
    if (b >= 'A' && b <= 'F') return b - 'A' + 10;
    return -1;
}

/* Read four hex digits at c->i; advances past them. */
static bool read_hex4(pvj_cursor *c, uint32_t *out) {
    if (c->n - c->i < 4) return false;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hex_value(c->p[c->i + (size_t)k]);
        if (h < 0) return false;
        v = (v << 4) | (uint32_t)h;
    }
    c->i += 4;
    *out = v;
    return true;
}

/* Length of the valid UTF-8 sequence starting at p[i], or 0 if invalid. */
static size_t utf8_len(const uint8_t *p, size_t n, size_t i) {
    uint8_t b0 = p[i];
    if (b0 < 0x80) return 1;
    size_t need;
    uint32_t min, cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) { need = 2; min = 0x80; cp = b0 & 0x1Fu; }
    else if (b0 >= 0xE0 && b0 <= 0xEF) { need = 3; min = 0x800; cp = b0 & 0x0Fu; }
    else if (b0 >= 0xF0 && b0 <= 0xF4) { need = 4; min = 0x10000; cp = b0 & 0x07u; }
    else return 0;
    if (n - i < need) return 0;
    for (size_t k = 1; k < need; k++) {
        uint8_t b = p[i + k];
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return need;
}

/* Scan a string starting at the opening quote; on success c->i is past the
 * closing quote. */
static bool scan_string(pvj_cursor *c) {
    if (c->i >= c->n || c->p[c->i] != '"') return false;
    c->i++;
    while (c->i < c->n) {
        uint8_t b = c->p[c->i];
        if (b == '"') { c->i++; return true; }
        if (b < 0x20) return false;
        if (b == '\\') {
            c->i++;
            if (c->i >= c->n) return false;
            uint8_t e = c->p[c->i++];
            switch (e) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                break;
            case 'u': {
                uint32_t u;
                if (!read_hex4(c, &u)) return false;
                if (u >= 0xDC00 && u <= 0xDFFF) return false;        /* lone low */
                if (u >= 0xD800 && u <= 0xDBFF) {                   /* needs a low */
                    uint32_t lo;
                    if (c->n - c->i < 2 || c->p[c->i] != '\\' || c->p[c->i + 1] != 'u') return false;
                    c->i += 2;
                    if (!read_hex4(c, &lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
                }
                break;
            }
            default:
                return false;
            }
            continue;
        }
        size_t l = utf8_len(c->p, c->n, c->i);
        if (l == 0) return false;
        c->i += l;
    }
    return false;
}

static bool scan_digits(pvj_cursor *c) {
    size_t start = c->i;
    while (c->i < c->n && c->p[c->i] >= '0' && c->p[c->i] <= '9') c->i++;
    return c->i > start;
}

static bool scan_number(pvj_cursor *c) {
    if (c->i < c->n && c->p[c->i] == '-') c->i++;
    if (c->i >= c->n) return false;
    if (c->p[c->i] == '0') c->i++;
    else if (!scan_digits(c)) return false;
    if (c->i < c->n && c->p[c->i] == '.') {
        c->i++;
        if (!scan_digits(c)) return false;
    }
    if (c->i < c->n && (c->p[c->i] == 'e' || c->p[c->i] == 'E')) {
        c->i++;
        if (c->i < c->n && (c->p[c->i] == '+' || c->p[c->i] == '-')) c->i++;
        if (!scan_digits(c)) return false;
    }
    return true;
}

static bool scan_literal(pvj_cursor *c, const char *lit) {
    size_t l = strlen(lit);
    if (c->n - c->i < l || memcmp(c->p + c->i, lit, l) != 0) return false;
    c->i += l;
    return true;
}

static bool scan_value(pvj_cursor *c, unsigned depth);

static bool scan_container(pvj_cursor *c, unsigned depth, bool object) {
    if (depth > PVJ_MAX_DEPTH) return false;
    uint8_t close = object ? '}' : ']';
    c->i++; /* the opening bracket */
    skip_ws(c);
    if (c->i < c->n && c->p[c->i] == close) { c->i++; return true; }
    for (;;) {
        if (object) {
            if (!scan_string(c)) return false;
            skip_ws(c);
            if (c->i >= c->n || c->p[c->i] != ':') return false;
            c->i++;
            skip_ws(c);
        }
        if (!scan_value(c, depth)) return false;
        skip_ws(c);
        if (c->i >= c->n) return false;
        uint8_t b = c->p[c->i++];
        if (b == close) return true;
        if (b != ',') return false;
        skip_ws(c);
    }
}

static bool scan_value(pvj_cursor *c, unsigned depth) {
    if (c->i >= c->n) return false;
    switch (c->p[c->i]) {
    case '{': return scan_container(c, depth + 1, true);
    case '[': return scan_container(c, depth + 1, false);
    case '"': return scan_string(c);
    case 't': return scan_literal(c, "true");
    case 'f': return scan_literal(c, "false");
    case 'n': return scan_literal(c, "null");
    default: return scan_number(c);
    }
}

bool pvj_validate(const uint8_t *p, size_t n, pvj_span *out) {
    if (p == NULL || n == 0 || out == NULL) return false;
    pvj_cursor c = { p, n, 0 };
    skip_ws(&c);
    size_t start = c.i;
    if (!scan_value(&c, 0)) return false;
    size_t end = c.i;
    skip_ws(&c);
    if (c.i != n) return false;
    out->p = p + start;
    out->n = end - start;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Navigation                                                               */
/* ------------------------------------------------------------------------ */

int pvj_kind(pvj_span v) {
    if (v.p == NULL || v.n == 0) return PVJ_INVALID;
    switch (v.p[0]) {
    case '{': return PVJ_OBJECT;
    case '[': return PVJ_ARRAY;
    case '"': return PVJ_STRING;
    case 't': case 'f': return PVJ_BOOL;
    case 'n': return PVJ_NULL;
    case '-': return PVJ_NUMBER;
    default: return (v.p[0] >= '0' && v.p[0] <= '9') ? PVJ_NUMBER : PVJ_INVALID;
    }
}

bool pvj_iter_begin(pvj_iter *it, pvj_span container) {
    int k = pvj_kind(container);
    if (k != PVJ_OBJECT && k != PVJ_ARRAY) return false;
    it->p = container.p;
    it->n = container.n;
    it->i = 1;
    it->done = false;
    return true;
}

/* Scan one value at it->i (re-validating it, bounded by the depth limit). */
static int iter_value(pvj_iter *it, pvj_span *value) {
    pvj_cursor c = { it->p, it->n, it->i };
    skip_ws(&c);
    size_t start = c.i;
    if (!scan_value(&c, 1)) return -1;
    value->p = it->p + start;
    value->n = c.i - start;
    it->i = c.i;
    return 1;
}

/* Consume the separator after an item: ',' (more) or the closing bracket. */
static int iter_separator(pvj_iter *it, uint8_t close) {
    pvj_cursor c = { it->p, it->n, it->i };
    skip_ws(&c);
    if (c.i >= c.n) return -1;
    uint8_t b = c.p[c.i++];
    it->i = c.i;
    if (b == close) { it->done = true; return 1; }
    return b == ',' ? 1 : -1;
}

static int iter_start(pvj_iter *it, uint8_t close) {
    if (it->done) return 0;
    pvj_cursor c = { it->p, it->n, it->i };
    skip_ws(&c);
    if (c.i >= c.n) return -1;
    if (it->i == 1 && c.p[c.i] == close) { it->done = true; return 0; }
    it->i = c.i;
    return 1;
}

int pvj_next_element(pvj_iter *it, pvj_span *value) {
    int r = iter_start(it, ']');
    if (r <= 0) return r;
    if (iter_value(it, value) < 0) return -1;
    return iter_separator(it, ']');
}

int pvj_next_member(pvj_iter *it, pvj_span *key, pvj_span *value) {
    int r = iter_start(it, '}');
    if (r <= 0) return r;
    pvj_cursor c = { it->p, it->n, it->i };
    size_t kstart = c.i;
    if (!scan_string(&c)) return -1;
    key->p = it->p + kstart;
    key->n = c.i - kstart;
    skip_ws(&c);
    if (c.i >= c.n || c.p[c.i] != ':') return -1;
    it->i = c.i + 1;
    if (iter_value(it, value) < 0) return -1;
    return iter_separator(it, '}');
}

int pvj_get(pvj_span obj, const char *key, pvj_span *out) {
    pvj_iter it;
    if (!pvj_iter_begin(&it, obj) || pvj_kind(obj) != PVJ_OBJECT) return -1;
    pvj_span k, v;
    int found = 0, r;
    while ((r = pvj_next_member(&it, &k, &v)) == 1) {
        if (pvj_equals(k, key)) {
            if (found) return -1;
            found = 1;
            *out = v;
        }
    }
    return r < 0 ? -1 : found;
}

static bool put_utf8(uint8_t *out, size_t cap, size_t *len, uint32_t cp) {
    uint8_t tmp[4];
    size_t l;
    if (cp < 0x80) { tmp[0] = (uint8_t)cp; l = 1; }
    else if (cp < 0x800) { tmp[0] = (uint8_t)(0xC0 | (cp >> 6)); tmp[1] = (uint8_t)(0x80 | (cp & 0x3F)); l = 2; }
    else if (cp < 0x10000) {
        tmp[0] = (uint8_t)(0xE0 | (cp >> 12)); tmp[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        tmp[2] = (uint8_t)(0x80 | (cp & 0x3F)); l = 3;
    } else {
        tmp[0] = (uint8_t)(0xF0 | (cp >> 18)); tmp[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        tmp[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F)); tmp[3] = (uint8_t)(0x80 | (cp & 0x3F)); l = 4;
    }
    if (cap - *len < l) return false;
    memcpy(out + *len, tmp, l);
    *len += l;
    return true;
}

bool pvj_decode(pvj_span s, uint8_t *out, size_t cap, size_t *out_len) {
    pvj_cursor check = { s.p, s.n, 0 };
    if (s.p == NULL || !scan_string(&check) || check.i != s.n) return false;
    size_t len = 0;
    size_t i = 1;
    while (i + 1 < s.n) {
        uint8_t b = s.p[i];
        if (b != '\\') {
            if (len >= cap) return false;
            out[len++] = b;
            i++;
            continue;
        }
        uint8_t e = s.p[i + 1];
        i += 2;
        uint32_t cp;
        switch (e) {
        case 'b': cp = 0x08; break;
        case 'f': cp = 0x0C; break;
        case 'n': cp = 0x0A; break;
        case 'r': cp = 0x0D; break;
        case 't': cp = 0x09; break;
        case 'u': {
            pvj_cursor c = { s.p, s.n, i };
            if (!read_hex4(&c, &cp)) return false;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                c.i += 2; /* the "\u" validated by scan_string */
                if (!read_hex4(&c, &lo)) return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            i = c.i;
            break;
        }
        default: cp = e; break; /* '"', '\\', '/' */
        }
        if (!put_utf8(out, cap, &len, cp)) return false;
    }
    *out_len = len;
    return true;
}

bool pvj_equals(pvj_span s, const char *lit) {
    uint8_t tmp[64];
    size_t len;
    if (!pvj_decode(s, tmp, sizeof tmp, &len)) return false;
    return len == strlen(lit) && memcmp(tmp, lit, len) == 0;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

void pvj_buf_init(pvj_buf *b, size_t limit) {
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->limit = limit;
    b->failed = false;
}

void pvj_buf_wipe(pvj_buf *b) {
    if (b->p != NULL) {
        volatile uint8_t *v = b->p;
        for (size_t i = 0; i < b->cap; i++) v[i] = 0;
        free(b->p);
    }
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void pvj_buf_reset(pvj_buf *b) {
    if (b->p != NULL) {
        volatile uint8_t *v = b->p;
        for (size_t i = 0; i < b->len; i++) v[i] = 0;
    }
    b->len = 0;
    b->failed = false;
}

void pvj_put(pvj_buf *b, const void *data, size_t len) {
    if (b->failed || len == 0) return;
    if (len > b->limit - b->len) { b->failed = true; return; }
    if (b->cap - b->len < len) {
        size_t want = b->cap ? b->cap : 256;
        while (want - b->len < len) want = (want > b->limit / 2) ? b->limit : want * 2;
        uint8_t *np = malloc(want);
        if (np == NULL) { b->failed = true; return; }
        if (b->p != NULL) {
            memcpy(np, b->p, b->len);
            volatile uint8_t *v = b->p;
            for (size_t i = 0; i < b->cap; i++) v[i] = 0;
            free(b->p);
        }
        b->p = np;
        b->cap = want;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

void pvj_puts(pvj_buf *b, const char *s) { pvj_put(b, s, strlen(s)); }

void pvj_put_string(pvj_buf *b, const uint8_t *s, size_t len) {
    static const char hex[] = "0123456789abcdef";
    pvj_put(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        pvj_put(b, s + run, i - run);
        run = i + 1;
        char esc[6] = { '\\', (char)c, 0, 0, 0, 0 };
        size_t el = 2;
        switch (c) {
        case '"': case '\\': break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 0xF]; el = 6;
        }
        pvj_put(b, esc, el);
    }
    pvj_put(b, s + run, len - run);
    pvj_put(b, "\"", 1);
}
