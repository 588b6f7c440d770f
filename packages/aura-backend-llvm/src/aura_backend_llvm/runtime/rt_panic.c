/* Panics and Aura stack traces, checked integer helpers, allocation. */
#define _GNU_SOURCE
#include "aura_rt_internal.h"

#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ panics */

/* Frames shown at most: the innermost ones, then the outermost ones. */
#define SHOW_INNER 40
#define SHOW_OUTER 10
/* A run of identical frames longer than this is folded into one line and a count. */
#define FOLD_RUN 3

static int same_frame(const int32_t *a, const int32_t *b) {
    const AuraSite *sa = &aura_sites[*a], *sb = &aura_sites[*b];
    return *a == *b || (sa->line == sb->line && sa->column == sb->column &&
                        strcmp(sa->file, sb->file) == 0 && strcmp(sa->cell, sb->cell) == 0);
}

static void render_frame(AuraBuf *out, const int32_t *f) {
    const AuraSite *s = &aura_sites[*f];
    char line[64];
    aura_buf_raw(out, "  at ", 5);
    aura_buf_raw(out, s->file, (int64_t)strlen(s->file));
    int n = snprintf(line, sizeof line, ":%d:%d in ", s->line, s->column);
    aura_buf_raw(out, line, n);
    aura_buf_raw(out, s->cell, (int64_t)strlen(s->cell));
}

/* The trace lines, innermost first, folded as the interpreter folds them. */
static void render_trace(FILE *err) {
    int64_t n = aura_depth;
    /* lines[i] holds the start offset of line i in text. */
    int64_t *starts = malloc(sizeof(int64_t) * (size_t)(n + 1) * 2 + 16);
    AuraBuf *text = aura_buf_new();
    int64_t nlines = 0;
    int64_t i = n - 1;
    while (i >= 0) {
        int64_t j = i;
        while (j - 1 >= 0 && same_frame(&aura_frames[j - 1], &aura_frames[i])) j--;
        int64_t count = i - j + 1;
        if (count > FOLD_RUN) {
            starts[nlines++] = text->len;
            render_frame(text, &aura_frames[i]);
            starts[nlines++] = text->len;
            char more[96];
            int m = snprintf(more, sizeof more, "  ... the frame above repeats %lld more times",
                             (long long)(count - 1));
            aura_buf_raw(text, more, m);
        } else {
            for (int64_t k = 0; k < count; k++) {
                starts[nlines++] = text->len;
                render_frame(text, &aura_frames[i]);
            }
        }
        i = j - 1;
    }
    starts[nlines] = text->len;
    for (int64_t k = 0; k < nlines; k++) {
        if (nlines > SHOW_INNER + SHOW_OUTER + 1) {
            if (k == SHOW_INNER) {
                fprintf(err, "  ... %lld frames omitted\n",
                        (long long)(nlines - SHOW_INNER - SHOW_OUTER));
            }
            if (k >= SHOW_INNER && k < nlines - SHOW_OUTER) continue;
        }
        fwrite(text->p + starts[k], 1, (size_t)(starts[k + 1] - starts[k]), err);
        fputc('\n', err);
    }
}

_Noreturn void aura_rt_panic(int32_t site, const char *msg, int64_t len) {
    aura_rt_flush(stdout); /* a failed write wins, as in the interpreter */
    if (site >= 0 && aura_depth > 0) aura_frames[aura_depth - 1] = site;
    fputs("panic: ", stderr);
    fwrite(msg, 1, (size_t)len, stderr);
    fputc('\n', stderr);
    render_trace(stderr);
    fflush(stderr);
    _exit(101);
}

_Noreturn void aura_rt_panic_fmt(int32_t site, const char *fmt, long long a, long long b, long long c) {
    char msg[200];
    int n = snprintf(msg, sizeof msg, fmt, a, b, c);
    aura_rt_panic(site, msg, n);
}

_Noreturn void aura_panic_bytes(int32_t site, const char *msg, int64_t len) {
    aura_rt_panic(site, msg, len);
}

_Noreturn void aura_panic_str(int32_t site, AuraStr *msg) { aura_rt_panic(site, msg->data, msg->len); }

const char *aura_rt_type_name(int32_t ty) {
    static const char *names[] = {"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"};
    int bits = ty & 255, k = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
    return names[k + ((ty & AURA_TY_SIGNED) ? 4 : 0)];
}

__int128 aura_rt_widen(int64_t v, int32_t ty) {
    if (ty & AURA_TY_SIGNED) return (__int128)v;
    return (__int128)(uint64_t)v;
}

/* Decimal text of a 128-bit integer (exact results of failed operations). */
static int format_i128(char *out, __int128 v) {
    char tmp[48];
    int n = 0, neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    int k = 0;
    if (neg) out[k++] = '-';
    while (n) out[k++] = tmp[--n];
    out[k] = 0;
    return k;
}

static int format_u128(char *out, unsigned __int128 u) {
    char tmp[48];
    int n = 0, k = 0;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n) out[k++] = tmp[--n];
    out[k] = 0;
    return k;
}

_Noreturn void aura_panic_overflow(int32_t site, int32_t op, int64_t a, int64_t b, int32_t ty) {
    char num[64], msg[160];
    __int128 x = aura_rt_widen(a, ty), y = aura_rt_widen(b, ty);
    if (op == 2 && !(ty & AURA_TY_SIGNED)) {
        format_u128(num, (unsigned __int128)(uint64_t)a * (unsigned __int128)(uint64_t)b);
    } else {
        __int128 r = op == 0 ? x + y : op == 1 ? x - y : op == 2 ? x * y : op == 3 ? -x : -x;
        format_i128(num, r);
    }
    int n = snprintf(msg, sizeof msg, "integer overflow: %s does not fit in %s", num, aura_rt_type_name(ty));
    aura_rt_panic(site, msg, n);
}

_Noreturn void aura_panic_cast(int32_t site, int64_t value, int32_t from_ty, int32_t to_ty) {
    char num[64], msg[160];
    format_i128(num, aura_rt_widen(value, from_ty));
    int n = snprintf(msg, sizeof msg, "integer overflow: %s does not fit in %s", num, aura_rt_type_name(to_ty));
    aura_rt_panic(site, msg, n);
}

/* An exact (128-bit) value of a specification that does not fit a typed place,
   given as its high and low 64 bits. */
_Noreturn void aura_panic_wide(int32_t site, int64_t hi, uint64_t lo, int32_t to_ty) {
    char num[64], msg[160];
    format_i128(num, (__int128)(((unsigned __int128)(uint64_t)hi << 64) | lo));
    int n = snprintf(msg, sizeof msg, "integer overflow: %s does not fit in %s", num, aura_rt_type_name(to_ty));
    aura_rt_panic(site, msg, n);
}

/* A specification's shift by a negative amount (exact integers have no width). */
_Noreturn void aura_panic_wide_shift(int32_t site, int64_t hi, uint64_t lo) {
    char num[64], msg[160];
    format_i128(num, (__int128)(((unsigned __int128)(uint64_t)hi << 64) | lo));
    int n = snprintf(msg, sizeof msg, "shift by %s is out of range for Int", num);
    aura_rt_panic(site, msg, n);
}

_Noreturn void aura_panic_f2i(int32_t site, double value, int32_t to_ty) {
    char msg[160];
    int n;
    if (isnan(value)) {
        n = snprintf(msg, sizeof msg, "cannot convert nan to %s: not a number", aura_rt_type_name(to_ty));
    } else {
        AuraBuf *b = aura_buf_new();
        aura_buf_f64(b, value);
        aura_buf_raw(b, "", 1);
        n = snprintf(msg, sizeof msg, "cannot convert %s to %s: out of range", b->p, aura_rt_type_name(to_ty));
    }
    aura_rt_panic(site, msg, n);
}

_Noreturn void aura_panic_shift(int32_t site, int64_t amount, int32_t amount_ty, int32_t ty) {
    char num[64], msg[160];
    format_i128(num, aura_rt_widen(amount, amount_ty));
    int n = snprintf(msg, sizeof msg, "shift by %s is out of range for %s", num, aura_rt_type_name(ty));
    aura_rt_panic(site, msg, n);
}

_Noreturn void aura_panic_index(int32_t site, int64_t len, int64_t index, int32_t index_ty) {
    char num[64], msg[160];
    format_i128(num, aura_rt_widen(index, index_ty));
    int n = snprintf(msg, sizeof msg, "index out of bounds: the length is %lld but the index is %s",
                     (long long)len, num);
    aura_rt_panic(site, msg, n);
}

_Noreturn void aura_panic_stack_overflow(void) {
    char msg[96];
    int n = snprintf(msg, sizeof msg, "stack overflow: more than %d nested calls", AURA_MAX_DEPTH);
    aura_rt_panic(-1, msg, n);
}

/* Decimal text of |base| ** e (e small), exact, for overflow messages. */
static void big_power_text(AuraBuf *out, uint64_t base, int64_t e, int negative) {
    uint32_t digits[700]; /* base 1e9, least significant first */
    int n = 1;
    digits[0] = 1;
    for (int64_t k = 0; k < e; k++) {
        unsigned __int128 carry = 0;
        for (int i = 0; i < n; i++) {
            unsigned __int128 x = (unsigned __int128)digits[i] * base + carry;
            digits[i] = (uint32_t)(x % 1000000000u);
            carry = x / 1000000000u;
        }
        while (carry && n < 700) {
            digits[n++] = (uint32_t)(carry % 1000000000u);
            carry /= 1000000000u;
        }
    }
    char chunk[16];
    if (negative) aura_buf_raw(out, "-", 1);
    int m = snprintf(chunk, sizeof chunk, "%u", digits[n - 1]);
    aura_buf_raw(out, chunk, m);
    for (int i = n - 2; i >= 0; i--) {
        m = snprintf(chunk, sizeof chunk, "%09u", digits[i]);
        aura_buf_raw(out, chunk, m);
    }
}

/* a.pow(e), checked: the interpreter's messages (aura_core.arith.int_pow). */
int64_t aura_int_pow(int32_t site, int64_t a, int64_t e, int32_t ty) {
    int bits = ty & 255, is_signed = (ty & AURA_TY_SIGNED) != 0;
    __int128 x = aura_rt_widen(a, ty);
    unsigned __int128 mag = x < 0 ? (unsigned __int128)(-x) : (unsigned __int128)x;
    char num[64], msg[200];
    if (mag >= 2 && e >= bits) {
        format_i128(num, x);
        int n = snprintf(msg, sizeof msg, "integer overflow: %s to the power %lld does not fit in %s", num,
                         (long long)e, aura_rt_type_name(ty));
        aura_rt_panic(site, msg, n);
    }
    /* The magnitude is computed unsigned and checked after every step: once it
     * exceeds the type's largest magnitude it only grows (|x| >= 2), and a
     * magnitude that still fits times one below 2^64 stays below 2^128. */
    unsigned __int128 limit = is_signed ? (unsigned __int128)1 << (bits - 1) : ((unsigned __int128)1 << bits) - 1;
    unsigned __int128 m = 1;
    int overflow = 0;
    if (mag <= 1) {
        m = e == 0 ? 1 : mag;
    } else {
        for (int64_t k = 0; k < e && !overflow; k++) {
            m *= mag;
            overflow = m > limit;
        }
    }
    int negative = x < 0 && (e & 1);
    if (!overflow && is_signed && !negative)
        overflow = m == limit; /* 2^(bits-1) fits only as a negative value */
    if (overflow) {
        AuraBuf *b = aura_buf_new();
        aura_buf_raw(b, "integer overflow: ", 18);
        big_power_text(b, (uint64_t)mag, e, negative);
        aura_buf_raw(b, " does not fit in ", 17);
        aura_buf_raw(b, aura_rt_type_name(ty), (int64_t)strlen(aura_rt_type_name(ty)));
        aura_rt_panic(site, b->p, b->len);
    }
    return (int64_t)(negative ? -(__int128)m : (__int128)m);
}

void aura_warn(const char *text) {
    fflush(stdout);
    fputs(text, stderr);
    fputc('\n', stderr);
    fflush(stderr);
}

/* Freed small blocks are kept, by size class, for the next allocations of
 * that size: programs make and drop many small objects (the pieces of
 * `split`, `Option` boxes of map lookups), and taking a block from a list is
 * much cheaper than malloc and free.  Every block is an ordinary malloc block,
 * so `realloc` and `free` remain valid on it; one of usable size u serves
 * requests of up to 16 * floor(u / 16) bytes.  The program runs on one
 * thread, so the lists need no lock. */
#define POOL_CLASSES 9  /* classes 2..8: blocks of 32..128 bytes */
#define POOL_KEEP 16384 /* blocks kept per class at most */

static void *pool_head[POOL_CLASSES];
static int64_t pool_count[POOL_CLASSES];

void aura_free(void *p) {
    if (!p) return;
    size_t k = malloc_usable_size(p) >> 4;
    if (k >= POOL_CLASSES && k < 2 * POOL_CLASSES) k = POOL_CLASSES - 1;
    if (k < 2 || k >= POOL_CLASSES || pool_count[k] >= POOL_KEEP) {
        free(p);
        return;
    }
    *(void **)p = pool_head[k];
    pool_head[k] = p;
    pool_count[k]++;
}

void *aura_alloc(int64_t size) {
    if (size <= 16 * (POOL_CLASSES - 1)) {
        int64_t k = size <= 32 ? 2 : (size + 15) >> 4;
        void *p = pool_head[k];
        if (p) {
            pool_head[k] = *(void **)p;
            pool_count[k]--;
            return p;
        }
        size = k << 4;
    }
    void *p = malloc((size_t)size);
    if (!p) {
        static const char oom[] = "out of memory";
        aura_rt_panic(-1, oom, sizeof oom - 1);
    }
    return p;
}

void *aura_rt_grow(void *p, int64_t size) {
    void *q = realloc(p, (size_t)(size > 0 ? size : 1));
    if (!q) {
        static const char oom[] = "out of memory";
        aura_rt_panic(-1, oom, sizeof oom - 1);
    }
    return q;
}
