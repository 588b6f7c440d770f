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

#endif
