/* What the runtime's translation units share (not part of the generated code's
 * interface, which is aura_rt.h). */
#ifndef AURA_RT_INTERNAL_H
#define AURA_RT_INTERNAL_H

#include "aura_rt.h"

#include <stdio.h>

/* Print the panic with the stack trace of the published depth; exit 101. */
_Noreturn void aura_rt_panic(int32_t site, const char *msg, int64_t len);
_Noreturn void aura_rt_panic_fmt(int32_t site, const char *fmt, long long a, long long b, long long c);
const char *aura_rt_type_name(int32_t ty);
__int128 aura_rt_widen(int64_t v, int32_t ty);
/* realloc, or the out-of-memory panic. */
void *aura_rt_grow(void *p, int64_t size);
int aura_rt_valid_utf8(const unsigned char *p, int64_t n);
/* A write to stdout or stderr failed with `err` (docs/reference/runtime.md,
 * Output): killed by SIGPIPE for a closed pipe, else a message and exit 1. */
_Noreturn void aura_rt_write_failed(FILE *stream, int err);
/* Flush `stream`; a failure ends the process as aura_rt_write_failed says. */
void aura_rt_flush(FILE *stream);

#include <string.h>

/* Copying and comparing the few bytes of a short string without a library
 * call: two fixed-size accesses that may overlap, never outside [p, p + n). */
static inline void aura_rt_copy(char *d, const char *p, int64_t n) {
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n > 0 && n < 4) {
        d[0] = p[0];
        d[n / 2] = p[n / 2];
        d[n - 1] = p[n - 1];
    } else if (n > 16) {
        memcpy(d, p, (size_t)n);
    }
}

static inline int aura_rt_same_bytes(const char *x, const char *y, int64_t n) {
    if (n >= 8 && n <= 16) {
        uint64_t a, b, c, d;
        memcpy(&a, x, 8), memcpy(&b, y, 8);
        memcpy(&c, x + n - 8, 8), memcpy(&d, y + n - 8, 8);
        return ((a ^ b) | (c ^ d)) == 0;
    }
    if (n >= 4 && n < 8) {
        uint32_t a, b, c, d;
        memcpy(&a, x, 4), memcpy(&b, y, 4);
        memcpy(&c, x + n - 4, 4), memcpy(&d, y + n - 4, 4);
        return ((a ^ b) | (c ^ d)) == 0;
    }
    if (n < 4) return n == 0 || (x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1]);
    return memcmp(x, y, (size_t)n) == 0;
}

#endif
