/* The Aura native runtime: the interface generated code calls.
 *
 * docs/backend-llvm.md describes the value representations.  Every function
 * here is called by code that the LLVM backend generates; the declarations in
 * aura_backend_llvm/rtdecls.py must match these signatures (a test checks it). */
#ifndef AURA_RT_H
#define AURA_RT_H

#include <stdint.h>

#define AURA_MAX_DEPTH 50000

/* A reference count this large marks a static object that is never copied out of. */
#define AURA_RC_STATIC (INT64_C(1) << 62)

typedef struct AuraStr {
    int64_t rc;
    int64_t len; /* bytes of UTF-8, without the terminating NUL */
    char data[];
} AuraStr;

typedef struct AuraVec {
    int64_t rc; /* holders: more than one means copy before writing */
    int64_t len;
    int64_t cap;
    char *data;
} AuraVec;

/* Insertion-ordered hash map; keys are integers (as int64 bits), floats, or strings. */
typedef struct AuraMap {
    int64_t rc;
    int64_t len;
    int64_t cap;
    int32_t key_kind; /* AURA_KEY_* */
    int32_t value_size;
    int64_t *keys;   /* key bits, or AuraStr* for strings */
    char *values;
    int64_t *slots; /* open addressing: entry index + 1, 0 when empty */
    int64_t nslots;
    /* Runtime-private (after the fields generated code reads): the entry found
     * or inserted last, tried first (`get` then `insert` of one key); -1: none. */
    int64_t last;
} AuraMap;

enum { AURA_KEY_INT = 0, AURA_KEY_F64 = 1, AURA_KEY_STR = 2 };

typedef struct AuraBuf {
    char *p;
    int64_t len;
    int64_t cap;
} AuraBuf;

/* A place in the program: an operation that can panic, or a call, in a cell. */
typedef struct AuraSite {
    const char *file;
    int32_t line;
    int32_t column;
    const char *cell;
} AuraSite;

/* Integer type codes: bit width, plus 256 for signed types. */
#define AURA_TY_SIGNED 256

/* Defined by the generated program: the site table, the entry, and the shadow
 * stack (one site per active call: where that call is executing) and its depth. */
extern const AuraSite aura_sites[];
int32_t aura_program_main(void);
extern int32_t aura_frames[AURA_MAX_DEPTH + 2];
extern int64_t aura_depth;

/* Panics: print the message and the Aura stack trace, exit 101. */
_Noreturn void aura_panic_bytes(int32_t site, const char *msg, int64_t len);
_Noreturn void aura_panic_str(int32_t site, AuraStr *msg);
_Noreturn void aura_panic_overflow(int32_t site, int32_t op, int64_t a, int64_t b, int32_t ty);
_Noreturn void aura_panic_cast(int32_t site, int64_t value, int32_t from_ty, int32_t to_ty);
_Noreturn void aura_panic_f2i(int32_t site, double value, int32_t to_ty);
_Noreturn void aura_panic_wide(int32_t site, int64_t hi, uint64_t lo, int32_t to_ty);
_Noreturn void aura_panic_wide_shift(int32_t site, int64_t hi, uint64_t lo);
_Noreturn void aura_panic_shift(int32_t site, int64_t amount, int32_t amount_ty, int32_t ty);
_Noreturn void aura_panic_index(int32_t site, int64_t len, int64_t index, int32_t index_ty);
_Noreturn void aura_panic_stack_overflow(void);

/* Allocation: small blocks are recycled; aura_free takes any malloc block. */
void *aura_alloc(int64_t size);
void aura_free(void *p);
int64_t aura_int_pow(int32_t site, int64_t a, int64_t e, int32_t ty);
void aura_warn(const char *text);

/* Strings. */
AuraStr *aura_str_new(const char *p, int64_t len);
AuraStr *aura_str_concat(AuraStr *a, AuraStr *b);
AuraStr *aura_str_append(AuraStr *s, AuraStr *t);
void aura_str_release(AuraStr *s);
void aura_vec_free(AuraVec *v);
void aura_map_free(AuraMap *m);
int32_t aura_str_cmp(AuraStr *a, AuraStr *b);
int8_t aura_str_eq(AuraStr *a, AuraStr *b);
int64_t aura_str_find(AuraStr *s, AuraStr *needle);
int8_t aura_str_contains(AuraStr *s, AuraStr *needle);
int8_t aura_str_starts_with(AuraStr *s, AuraStr *prefix);
int8_t aura_str_ends_with(AuraStr *s, AuraStr *suffix);
AuraVec *aura_str_split(AuraStr *s, AuraStr *sep);
int8_t aura_str_parse_int(AuraStr *s, int64_t *out);
int8_t aura_str_parse_float(AuraStr *s, double *out);
AuraStr *aura_str_slice(int32_t site, AuraStr *s, int64_t a, int64_t b);
AuraStr *aura_str_repeat(int32_t site, AuraStr *s, int64_t n);
AuraVec *aura_str_bytes(AuraStr *s);
AuraVec *aura_str_chars(AuraStr *s);
AuraStr *aura_str_from_bytes(AuraVec *v);
AuraStr *aura_str_trim(AuraStr *s);
AuraStr *aura_str_case(AuraStr *s, int8_t upper);

/* Text buffers. */
AuraBuf *aura_buf_new(void);
void aura_buf_raw(AuraBuf *b, const char *p, int64_t len);
void aura_buf_str(AuraBuf *b, AuraStr *s);
void aura_buf_quoted(AuraBuf *b, AuraStr *s);
void aura_buf_int(AuraBuf *b, int64_t v, int32_t ty);
void aura_buf_f64(AuraBuf *b, double v);
AuraStr *aura_buf_finish(AuraBuf *b);
AuraStr *aura_int_to_str(int64_t v, int32_t ty);

/* Vectors. */
AuraVec *aura_vec_new(int64_t cap, int64_t esize);
AuraVec *aura_vec_clone(AuraVec *v, int64_t esize);
AuraVec *aura_vec_from_data(const void *data, int64_t len, int64_t esize);
void aura_vec_reserve(AuraVec *v, int64_t need, int64_t esize);
void *aura_vec_insert_at(int32_t site, AuraVec *v, int64_t i, int64_t esize);
void aura_vec_remove_at(int32_t site, AuraVec *v, int64_t i, int64_t esize, void *out);
AuraVec *aura_vec_slice(int32_t site, AuraVec *v, int64_t a, int64_t b, int64_t esize);
AuraVec *aura_vec_concat(AuraVec *x, AuraVec *y, int64_t esize);

/* Console, files, environment, clocks. */
void aura_print(AuraStr *s);
void aura_println(AuraStr *s);
void aura_eprintln(AuraStr *s);
AuraStr *aura_read_line(void);
int8_t aura_read_file(AuraStr *path, AuraStr **out);
int8_t aura_write_file(AuraStr *path, AuraStr *text, AuraStr **err);
AuraVec *aura_env_args(void);
AuraStr *aura_env_var(AuraStr *name);
int64_t aura_now_ms(void);
int64_t aura_monotonic_ns(void);

/* Maps. */
AuraMap *aura_map_new(int32_t key_kind, int32_t value_size);
AuraMap *aura_map_clone(AuraMap *m);
int64_t aura_map_find(AuraMap *m, int64_t key);
int64_t aura_map_insert(AuraMap *m, int64_t key);
int8_t aura_map_remove(AuraMap *m, int64_t key, void *value_out);

/* Sorting vectors of primitives and strings (stable). kind: an integer type
 * code, 1 for f64 (NaNs last), 2 for strings. */
void aura_vec_sort(AuraVec *v, int32_t kind, int64_t esize);

#endif
