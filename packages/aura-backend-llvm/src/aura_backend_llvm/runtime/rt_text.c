/* Strings, the text form (spec 7.4), Unicode case mapping. */
#define _GNU_SOURCE
#include "aura_rt_internal.h"

#include "aura_case.h"

#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- strings */

/* The empty string and the one-character ASCII strings are static (a count
 * that never reaches zero, as literals have): the pieces of `split` and
 * `chars`, and single digits, then cost no allocation.  Strings are immutable
 * (`s += t` writes in place only into a string with one holder), so sharing
 * these is safe. */
typedef struct TinyStr {
    int64_t rc;
    int64_t len;
    char data[8];
} TinyStr;

static TinyStr tiny_strs[129];
static int tiny_ready;

static AuraStr *tiny_str(int64_t len, unsigned char c) {
    if (!tiny_ready) {
        for (int i = 0; i < 129; i++) {
            tiny_strs[i].rc = AURA_RC_STATIC;
            tiny_strs[i].len = i < 128;
            tiny_strs[i].data[0] = (char)(i < 128 ? i : 0);
        }
        tiny_ready = 1;
    }
    return (AuraStr *)(void *)&tiny_strs[len ? c : 128];
}

/* A new string with one holder that the caller may still write into. */
static AuraStr *str_fresh(int64_t len) {
    AuraStr *s = aura_alloc((int64_t)sizeof(AuraStr) + 1 + len);
    s->rc = 1;
    s->len = len;
    s->data[len] = 0;
    return s;
}

AuraStr *aura_str_new(const char *p, int64_t len) {
    if (len == 0) return tiny_str(0, 0);
    if (len == 1 && (unsigned char)p[0] < 0x80) return tiny_str(1, (unsigned char)p[0]);
    AuraStr *s = aura_alloc((int64_t)sizeof(AuraStr) + 1 + len);
    s->rc = 1;
    s->len = len;
    aura_rt_copy(s->data, p, len);
    s->data[len] = 0;
    return s;
}

AuraStr *aura_str_concat(AuraStr *a, AuraStr *b) {
    AuraStr *s = aura_alloc((int64_t)sizeof(AuraStr) + 1 + a->len + b->len);
    s->rc = 1;
    s->len = a->len + b->len;
    memcpy(s->data, a->data, (size_t)a->len);
    memcpy(s->data + a->len, b->data, (size_t)b->len);
    s->data[s->len] = 0;
    return s;
}

void aura_str_release(AuraStr *s) {
    if (s && s->rc < AURA_RC_STATIC && --s->rc == 0) aura_free(s);
}

/* `s += t` for the one holder of `s`: in place when no one else holds `s`
 * (amortised growth), else a new string (and `s` has one holder less). */
AuraStr *aura_str_append(AuraStr *s, AuraStr *t) {
    if (s->rc != 1) {
        if (s->rc < AURA_RC_STATIC) s->rc--;
        return aura_str_concat(s, t);
    }
    int64_t need = (int64_t)sizeof(AuraStr) + s->len + t->len + 1;
    if ((size_t)need > malloc_usable_size(s)) {
        int64_t cap = 64;
        while (cap < need) cap *= 2;
        /* `s += s` reads the string being grown: it moves with it. */
        int same = t == s;
        s = aura_rt_grow(s, cap);
        if (same) t = s;
    }
    memcpy(s->data + s->len, t->data, (size_t)t->len);
    s->len += t->len;
    s->data[s->len] = 0;
    return s;
}

int32_t aura_str_cmp(AuraStr *a, AuraStr *b) {
    int64_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c) return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

int8_t aura_str_eq(AuraStr *a, AuraStr *b) {
    return a == b || (a->len == b->len && aura_rt_same_bytes(a->data, b->data, a->len));
}

static int64_t find_bytes(AuraStr *s, AuraStr *needle, int64_t from) {
    if (needle->len == 0) return from <= s->len ? from : -1;
    const char *at = memmem(s->data + from, (size_t)(s->len - from), needle->data, (size_t)needle->len);
    return at ? at - s->data : -1;
}

int64_t aura_str_find(AuraStr *s, AuraStr *needle) { return find_bytes(s, needle, 0); }

int8_t aura_str_contains(AuraStr *s, AuraStr *needle) { return find_bytes(s, needle, 0) >= 0; }

int8_t aura_str_starts_with(AuraStr *s, AuraStr *p) {
    return p->len <= s->len && memcmp(s->data, p->data, (size_t)p->len) == 0;
}

int8_t aura_str_ends_with(AuraStr *s, AuraStr *p) {
    return p->len <= s->len && memcmp(s->data + s->len - p->len, p->data, (size_t)p->len) == 0;
}

static void vec_push_str(AuraVec *v, AuraStr *x) {
    if (v->len == v->cap) aura_vec_reserve(v, v->len + 1, sizeof(AuraStr *));
    ((AuraStr **)v->data)[v->len++] = x;
}

/* Rust's str::split: an empty separator gives "", each character, "". */
AuraVec *aura_str_split(AuraStr *s, AuraStr *sep) {
    if (sep->len == 1 && s->len <= 256) { /* one byte in a short string: one pass */
        int32_t ends[257];
        int64_t pieces = 0;
        char c = sep->data[0];
        const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        const uint64_t pattern = ones * (unsigned char)c;
        int64_t i = 0;
        for (; i + 8 <= s->len; i += 8) { /* eight bytes at a time: a bit per match */
            uint64_t w;
            memcpy(&w, s->data + i, 8);
            w ^= pattern;
            uint64_t hits = ~(((w & ~highs) + ~highs) | w) & highs;
            for (; hits; hits &= hits - 1) ends[pieces++] = (int32_t)(i + (__builtin_ctzll(hits) >> 3));
        }
        for (; i < s->len; i++)
            if (s->data[i] == c) ends[pieces++] = (int32_t)i;
        ends[pieces++] = (int32_t)s->len;
        AuraVec *v = aura_vec_new(pieces, sizeof(AuraStr *));
        AuraStr **out = (AuraStr **)v->data;
        for (int64_t k = 0, start = 0; k < pieces; start = ends[k++] + 1)
            out[k] = aura_str_new(s->data + start, ends[k] - start);
        v->len = pieces;
        return v;
    }
    if (sep->len == 1) { /* one byte in a long string, found with memchr */
        const char *p = s->data, *end = p + s->len, *at;
        char c = sep->data[0];
        int64_t pieces = 1; /* counted first: the vector is allocated once */
        for (const char *q = p; (at = memchr(q, c, (size_t)(end - q))) != NULL; q = at + 1) pieces++;
        AuraVec *v = aura_vec_new(pieces, sizeof(AuraStr *));
        AuraStr **out = (AuraStr **)v->data;
        for (; (at = memchr(p, c, (size_t)(end - p))) != NULL; p = at + 1) out[v->len++] = aura_str_new(p, at - p);
        out[v->len++] = aura_str_new(p, end - p);
        return v;
    }
    AuraVec *v = aura_vec_new(4, sizeof(AuraStr *));
    if (sep->len == 0) {
        vec_push_str(v, aura_str_new("", 0));
        int64_t i = 0;
        while (i < s->len) {
            unsigned char c = (unsigned char)s->data[i];
            int64_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
            vec_push_str(v, aura_str_new(s->data + i, k));
            i += k;
        }
        vec_push_str(v, aura_str_new("", 0));
        return v;
    }
    int64_t start = 0;
    for (;;) {
        int64_t at = find_bytes(s, sep, start);
        if (at < 0) break;
        vec_push_str(v, aura_str_new(s->data + start, at - start));
        start = at + sep->len;
    }
    vec_push_str(v, aura_str_new(s->data + start, s->len - start));
    return v;
}

/* An optional sign and decimal digits, fitting an i64. */
int8_t aura_str_parse_int(AuraStr *s, int64_t *out) {
    int64_t i = 0, n = s->len;
    int neg = 0;
    if (i < n && (s->data[i] == '+' || s->data[i] == '-')) neg = s->data[i++] == '-';
    if (i == n) return 0;
    unsigned __int128 v = 0;
    for (; i < n; i++) {
        char c = s->data[i];
        if (c < '0' || c > '9') return 0;
        v = v * 10 + (unsigned)(c - '0');
        if (v > ((unsigned __int128)1 << 63)) return 0;
    }
    if (!neg && v > (unsigned __int128)INT64_MAX) return 0;
    *out = neg ? (int64_t)(0 - (uint64_t)v) : (int64_t)v;
    return 1;
}

static int word_at(const char *p, int64_t n, const char *w) {
    int64_t k = (int64_t)strlen(w);
    if (n != k) return 0;
    for (int64_t i = 0; i < k; i++)
        if ((p[i] | 0x20) != w[i]) return 0;
    return 1;
}

/* Rust's f64 syntax: sign, then inf / infinity / nan, or digits with an
 * optional fraction and exponent (at least one digit in the mantissa). */
int8_t aura_str_parse_float(AuraStr *s, double *out) {
    const char *p = s->data;
    int64_t n = s->len, i = 0;
    int neg = 0;
    if (i < n && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
    if (word_at(p + i, n - i, "inf") || word_at(p + i, n - i, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 1;
    }
    if (word_at(p + i, n - i, "nan")) {
        *out = NAN;
        return 1;
    }
    int64_t digits = 0, j = i;
    while (j < n && p[j] >= '0' && p[j] <= '9') j++, digits++;
    if (j < n && p[j] == '.') {
        j++;
        while (j < n && p[j] >= '0' && p[j] <= '9') j++, digits++;
    }
    if (!digits) return 0;
    if (j < n && (p[j] == 'e' || p[j] == 'E')) {
        j++;
        if (j < n && (p[j] == '+' || p[j] == '-')) j++;
        int64_t e = 0;
        while (j < n && p[j] >= '0' && p[j] <= '9') j++, e++;
        if (!e) return 0;
    }
    if (j != n) return 0;
    *out = strtod(s->data, NULL);
    return 1;
}

AuraStr *aura_str_slice(int32_t site, AuraStr *s, int64_t a, int64_t b) {
    int64_t n = s->len;
    if (!(0 <= a && a <= b && b <= n)) {
        if (0 <= a && a <= n && 0 <= b && b <= n)
            aura_rt_panic_fmt(site, "string slice %lld..%lld starts after its end", a, b, 0);
        aura_rt_panic_fmt(site, "string slice %lld..%lld is out of bounds of a string of %lld bytes", a, b, n);
    }
    if (a < n && ((unsigned char)s->data[a] & 0xC0) == 0x80)
        aura_rt_panic_fmt(site, "byte index %lld is not a char boundary", a, 0, 0);
    if (b < n && ((unsigned char)s->data[b] & 0xC0) == 0x80)
        aura_rt_panic_fmt(site, "byte index %lld is not a char boundary", b, 0, 0);
    return aura_str_new(s->data + a, b - a);
}

AuraStr *aura_str_repeat(int32_t site, AuraStr *s, int64_t n) {
    if (n < 0) aura_rt_panic_fmt(site, "cannot repeat a string %lld times", n, 0, 0);
    AuraBuf *b = aura_buf_new();
    for (int64_t i = 0; i < n; i++) aura_buf_str(b, s);
    return aura_buf_finish(b);
}

AuraVec *aura_str_bytes(AuraStr *s) {
    AuraVec *v = aura_vec_new(s->len, 1);
    memcpy(v->data, s->data, (size_t)s->len);
    v->len = s->len;
    return v;
}

static int64_t char_len(unsigned char c) { return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4; }

AuraVec *aura_str_chars(AuraStr *s) {
    AuraVec *v = aura_vec_new(s->len, sizeof(AuraStr *));
    for (int64_t i = 0; i < s->len;) {
        int64_t k = char_len((unsigned char)s->data[i]);
        ((AuraStr **)v->data)[v->len++] = aura_str_new(s->data + i, k);
        i += k;
    }
    return v;
}


AuraStr *aura_str_from_bytes(AuraVec *v) {
    if (!aura_rt_valid_utf8((const unsigned char *)v->data, v->len)) return NULL;
    return aura_str_new(v->data, v->len);
}

/* The length of the Unicode White_Space character at p (0 if none). */
static int64_t white_space_at(const unsigned char *p, int64_t n) {
    unsigned c = p[0];
    if (c == ' ' || (c >= 9 && c <= 13)) return 1;
    if (n >= 2 && c == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0)) return 2;
    if (n >= 3) {
        unsigned cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if ((c >> 4) == 14 && (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
                               cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000))
            return 3;
    }
    return 0;
}

AuraStr *aura_str_trim(AuraStr *s) {
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t a = 0, b = s->len;
    for (int64_t k; a < b && (k = white_space_at(p + a, b - a)) > 0;) a += k;
    for (;;) {
        int64_t start = b - 1;
        while (start > a && (p[start] & 0xC0) == 0x80) start--;
        if (start < a) break;
        int64_t k = white_space_at(p + start, b - start);
        if (k != b - start || k == 0) break;
        b = start;
    }
    return aura_str_new(s->data + a, b - a);
}

static uint32_t decode_at(const unsigned char *p, int64_t *k) {
    unsigned c = p[0];
    if (c < 0x80) return *k = 1, c;
    if ((c >> 5) == 6) return *k = 2, ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    if ((c >> 4) == 14) return *k = 3, ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    return *k = 4, ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
}

static void encode_into(AuraBuf *b, uint32_t cp) {
    char out[4];
    int n;
    if (cp < 0x80) out[0] = (char)cp, n = 1;
    else if (cp < 0x800) out[0] = (char)(0xC0 | (cp >> 6)), out[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        out[0] = (char)(0xE0 | (cp >> 12)), out[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        out[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        out[0] = (char)(0xF0 | (cp >> 18)), out[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), out[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    aura_buf_raw(b, out, n);
}

static const AuraCase *case_find(const AuraCase *table, int64_t n, uint32_t cp) {
    int64_t lo = 0, hi = n - 1;
    while (lo <= hi) {
        int64_t mid = (lo + hi) / 2;
        if (table[mid].cp == cp) return &table[mid];
        if (table[mid].cp < cp) lo = mid + 1;
        else hi = mid - 1;
    }
    return NULL;
}

static int is_cased(uint32_t cp) {
    return case_find(aura_upper, sizeof aura_upper / sizeof *aura_upper, cp) ||
           case_find(aura_lower, sizeof aura_lower / sizeof *aura_lower, cp);
}

/* Full case mapping, as Python's str.upper / str.lower (final sigma included). */
AuraStr *aura_str_case(AuraStr *s, int8_t upper) {
    int64_t ascii = 0;
    while (ascii < s->len && (unsigned char)s->data[ascii] < 0x80) ascii++;
    if (ascii == s->len) { /* ASCII only: the mapping is byte for byte */
        AuraStr *r = str_fresh(s->len);
        memcpy(r->data, s->data, (size_t)s->len);
        char lo = upper ? 'a' : 'A', flip = 'a' - 'A';
        for (int64_t i = 0; i < r->len; i++)
            if ((unsigned char)(r->data[i] - lo) < 26) r->data[i] = (char)(r->data[i] ^ flip);
        return r;
    }
    const AuraCase *table = upper ? aura_upper : aura_lower;
    int64_t n = upper ? (int64_t)(sizeof aura_upper / sizeof *aura_upper) : (int64_t)(sizeof aura_lower / sizeof *aura_lower);
    AuraBuf *b = aura_buf_new();
    const unsigned char *p = (const unsigned char *)s->data;
    uint32_t prev = 0;
    for (int64_t i = 0; i < s->len;) {
        int64_t k;
        uint32_t cp = decode_at(p + i, &k);
        if (!upper && cp == 0x3A3) {
            int64_t k2 = 0;
            uint32_t next = i + k < s->len ? decode_at(p + i + k, &k2) : 0;
            if (prev && is_cased(prev) && !(next && is_cased(next))) {
                encode_into(b, 0x3C2);
                prev = cp;
                i += k;
                continue;
            }
        }
        const AuraCase *c = case_find(table, n, cp);
        if (!c) {
            aura_buf_raw(b, (const char *)p + i, k);
        } else {
            for (int j = 0; j < 3 && c->out[j]; j++) encode_into(b, c->out[j]);
        }
        prev = cp;
        i += k;
    }
    return aura_buf_finish(b);
}

/* ------------------------------------------------------------- text buffers */

AuraBuf *aura_buf_new(void) {
    AuraBuf *b = aura_alloc(sizeof(AuraBuf));
    b->cap = 64;
    b->len = 0;
    b->p = aura_alloc(b->cap);
    return b;
}

void aura_buf_raw(AuraBuf *b, const char *p, int64_t len) {
    if (b->len + len > b->cap) {
        while (b->len + len > b->cap) b->cap *= 2;
        b->p = aura_rt_grow(b->p, b->cap);
    }
    memcpy(b->p + b->len, p, (size_t)len);
    b->len += len;
}

void aura_buf_str(AuraBuf *b, AuraStr *s) { aura_buf_raw(b, s->data, s->len); }

/* A string inside a container: quoted, with \\ \" \n \r \t escaped and other
 * control characters as \u{..} (spec 7.4). */
void aura_buf_quoted(AuraBuf *b, AuraStr *s) {
    aura_buf_raw(b, "\"", 1);
    for (int64_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        char esc[16];
        switch (c) {
        case '\\': aura_buf_raw(b, "\\\\", 2); break;
        case '"': aura_buf_raw(b, "\\\"", 2); break;
        case '\n': aura_buf_raw(b, "\\n", 2); break;
        case '\r': aura_buf_raw(b, "\\r", 2); break;
        case '\t': aura_buf_raw(b, "\\t", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                int n = snprintf(esc, sizeof esc, "\\u{%x}", c);
                aura_buf_raw(b, esc, n);
            } else if (c == 0xC2 && i + 1 < s->len && (unsigned char)s->data[i + 1] <= 0x9F) {
                /* A C1 control character, U+0080..U+009F (UTF-8 C2 80..C2 9F):
                 * a control character like the C0 ones, escaped alike. */
                int n = snprintf(esc, sizeof esc, "\\u{%x}", (unsigned char)s->data[++i]);
                aura_buf_raw(b, esc, n);
            } else {
                aura_buf_raw(b, (const char *)&s->data[i], 1);
            }
        }
    }
    aura_buf_raw(b, "\"", 1);
}

/* The decimal digits of an integer (of the type ty), written backwards ending
 * at `end`; returns where they start. */
static char *int_digits(char *end, int64_t v, int32_t ty) {
    int negative = (ty & AURA_TY_SIGNED) && v < 0;
    uint64_t u = negative ? 0 - (uint64_t)v : (uint64_t)v;
    char *p = end;
    do {
        *--p = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (negative) *--p = '-';
    return p;
}

void aura_buf_int(AuraBuf *b, int64_t v, int32_t ty) {
    char num[24];
    char *start = int_digits(num + sizeof num, v, ty);
    aura_buf_raw(b, start, num + sizeof num - start);
}

/* Python's repr of a float: the shortest digits that read back as the same
 * double, in fixed notation for decimal exponents -4..15, else scientific. */
void aura_buf_f64(AuraBuf *b, double v) {
    if (isnan(v)) {
        aura_buf_raw(b, "nan", 3);
        return;
    }
    if (signbit(v)) {
        aura_buf_raw(b, "-", 1);
        v = -v;
    }
    if (isinf(v)) {
        aura_buf_raw(b, "inf", 3);
        return;
    }
    if (v == 0.0) {
        aura_buf_raw(b, "0.0", 3);
        return;
    }
    char sci[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(sci, sizeof sci, "%.*e", p - 1, v);
        if (strtod(sci, NULL) == v) break;
    }
    /* sci is d[.ddd]e[+-]XX: collect the digits and the exponent. */
    char digits[24];
    int nd = 0;
    char *e = strchr(sci, 'e');
    for (char *q = sci; q < e; q++)
        if (*q >= '0' && *q <= '9') digits[nd++] = *q;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    int exp10 = atoi(e + 1);
    char out[64];
    int k = 0;
    if (exp10 >= -4 && exp10 < 16) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++) out[k++] = i < nd ? digits[i] : '0';
            out[k++] = '.';
            if (nd > exp10 + 1) {
                for (int i = exp10 + 1; i < nd; i++) out[k++] = digits[i];
            } else {
                out[k++] = '0';
            }
        } else {
            out[k++] = '0';
            out[k++] = '.';
            for (int i = 0; i < -exp10 - 1; i++) out[k++] = '0';
            for (int i = 0; i < nd; i++) out[k++] = digits[i];
        }
    } else {
        out[k++] = digits[0];
        if (nd > 1) {
            out[k++] = '.';
            for (int i = 1; i < nd; i++) out[k++] = digits[i];
        }
        k += snprintf(out + k, sizeof out - (size_t)k, "e%c%02d", exp10 < 0 ? '-' : '+',
                      exp10 < 0 ? -exp10 : exp10);
    }
    aura_buf_raw(b, out, k);
}

AuraStr *aura_int_to_str(int64_t v, int32_t ty) {
    char num[24];
    char *start = int_digits(num + sizeof num, v, ty);
    return aura_str_new(start, num + sizeof num - start);
}

AuraStr *aura_buf_finish(AuraBuf *b) {
    AuraStr *s = aura_str_new(b->p, b->len);
    free(b->p);
    free(b);
    return s;
}
