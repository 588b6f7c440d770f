/* Vectors (elements inline, by value) and insertion-ordered maps. */
#define _GNU_SOURCE
#include "aura_rt_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- vectors */

AuraVec *aura_vec_new(int64_t cap, int64_t esize) {
    AuraVec *v = aura_alloc(sizeof(AuraVec));
    v->rc = 1;
    v->len = 0;
    v->cap = cap;
    v->data = cap ? aura_alloc(cap * esize) : NULL;
    return v;
}

/* A vector literal whose elements are all constants: one copy of the
   constant array the compiler emitted, instead of one store per element
   (which made code generation superlinear in the literal's length). */
AuraVec *aura_vec_from_data(const void *data, int64_t len, int64_t esize) {
    AuraVec *v = aura_vec_new(len, esize);
    if (len) memcpy(v->data, data, (size_t)(len * esize));
    v->len = len;
    return v;
}

AuraVec *aura_vec_clone(AuraVec *v, int64_t esize) {
    AuraVec *c = aura_vec_new(v->len, esize);
    if (v->len) memcpy(c->data, v->data, (size_t)(v->len * esize));
    c->len = v->len;
    return c;
}

void aura_vec_reserve(AuraVec *v, int64_t need, int64_t esize) {
    if (need <= v->cap) return;
    int64_t cap = v->cap ? v->cap * 2 : 4;
    while (cap < need) cap *= 2;
    v->data = aura_rt_grow(v->data, cap * esize);
    v->cap = cap;
}

/* Room for one element at index i (0 <= i <= len), the rest moved up. */
void *aura_vec_insert_at(int32_t site, AuraVec *v, int64_t i, int64_t esize) {
    if (i < 0 || i > v->len)
        aura_rt_panic_fmt(site, "insert index out of bounds: the length is %lld but the index is %lld", v->len, i, 0);
    aura_vec_reserve(v, v->len + 1, esize);
    memmove(v->data + (i + 1) * esize, v->data + i * esize, (size_t)((v->len - i) * esize));
    v->len++;
    return v->data + i * esize;
}

/* Element i copied to out, the rest moved down. */
void aura_vec_remove_at(int32_t site, AuraVec *v, int64_t i, int64_t esize, void *out) {
    if (i < 0 || i >= v->len)
        aura_rt_panic_fmt(site, "remove index out of bounds: the length is %lld but the index is %lld", v->len, i, 0);
    memcpy(out, v->data + i * esize, (size_t)esize);
    memmove(v->data + i * esize, v->data + (i + 1) * esize, (size_t)((v->len - i - 1) * esize));
    v->len--;
}

AuraVec *aura_vec_slice(int32_t site, AuraVec *v, int64_t a, int64_t b, int64_t esize) {
    int64_t n = v->len;
    if (!(0 <= a && a <= b && b <= n)) {
        if (0 <= a && a <= n && 0 <= b && b <= n) aura_rt_panic_fmt(site, "slice %lld..%lld starts after its end", a, b, 0);
        aura_rt_panic_fmt(site, "slice %lld..%lld is out of bounds of a vector of length %lld", a, b, n);
    }
    AuraVec *c = aura_vec_new(b - a, esize);
    memcpy(c->data, v->data + a * esize, (size_t)((b - a) * esize));
    c->len = b - a;
    return c;
}

AuraVec *aura_vec_concat(AuraVec *x, AuraVec *y, int64_t esize) {
    AuraVec *c = aura_vec_new(x->len + y->len, esize);
    memcpy(c->data, x->data, (size_t)(x->len * esize));
    memcpy(c->data + x->len * esize, y->data, (size_t)(y->len * esize));
    c->len = x->len + y->len;
    return c;
}

void aura_vec_free(AuraVec *v) {
    aura_free(v->data);
    aura_free(v);
}

static int32_t sort_kind;

static int compare_elems(const char *a, const char *b) {
    int32_t k = sort_kind;
    if (k == 2) return aura_str_cmp(*(AuraStr *const *)a, *(AuraStr *const *)b);
    if (k == 1) {
        double x = *(const double *)a, y = *(const double *)b;
        if (isnan(x) || isnan(y)) return isnan(x) - isnan(y);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    int bits = k & 255;
    if (k & AURA_TY_SIGNED) {
        int64_t x, y;
        if (bits == 8) x = *(const int8_t *)a, y = *(const int8_t *)b;
        else if (bits == 16) x = *(const int16_t *)a, y = *(const int16_t *)b;
        else if (bits == 32) x = *(const int32_t *)a, y = *(const int32_t *)b;
        else x = *(const int64_t *)a, y = *(const int64_t *)b;
        return x < y ? -1 : x > y;
    }
    uint64_t x, y;
    if (bits == 1 || bits == 8) x = *(const uint8_t *)a, y = *(const uint8_t *)b;
    else if (bits == 16) x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    else if (bits == 32) x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    else x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void merge_sort(char *data, char *tmp, int64_t n, int64_t es) {
    if (n < 2) return;
    int64_t h = n / 2;
    merge_sort(data, tmp, h, es);
    merge_sort(data + h * es, tmp, n - h, es);
    int64_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (compare_elems(data + j * es, data + i * es) < 0) memcpy(tmp + (k++) * es, data + (j++) * es, (size_t)es);
        else memcpy(tmp + (k++) * es, data + (i++) * es, (size_t)es);
    }
    while (i < h) memcpy(tmp + (k++) * es, data + (i++) * es, (size_t)es);
    while (j < n) memcpy(tmp + (k++) * es, data + (j++) * es, (size_t)es);
    memcpy(data, tmp, (size_t)(n * es));
}

void aura_vec_sort(AuraVec *v, int32_t kind, int64_t esize) {
    char *tmp = aura_alloc(v->len * esize);
    sort_kind = kind;
    merge_sort(v->data, tmp, v->len, esize);
    free(tmp);
}

/* -------------------------------------------------------------------- maps */

/* Strings are hashed eight bytes at a time (a multiply-xorshift mix); the
 * hash decides only where an entry's index sits in the slots, never the order
 * of iteration, which is the order of insertion. */
static uint64_t mix(uint64_t h) {
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 32;
    return h;
}

static uint64_t absorb(uint64_t h, uint64_t w) {
    h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    return h ^ (h >> 29);
}

/* Whole words, the last one overlapping the one before, so that a short key
 * takes two loads and few branches. */
static uint64_t hash_bytes(const char *p, int64_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n, a = 0, b = 0;
    if (n >= 8) {
        for (int64_t i = 0; i + 16 < n; i += 8) {
            memcpy(&a, p + i, 8);
            h = absorb(h, a);
        }
        memcpy(&a, p + (n > 16 ? n - 16 : 0), 8);
        memcpy(&b, p + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + n - 4, 4);
        a = x, b = y;
    } else if (n > 0) {
        a = (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
            (uint64_t)(unsigned char)p[n - 1] << 16;
    }
    return mix(absorb(absorb(h, a), b));
}

static uint64_t hash_key(int32_t kind, int64_t key) {
    if (kind == AURA_KEY_STR) {
        AuraStr *s = (AuraStr *)(intptr_t)key;
        return hash_bytes(s->data, s->len);
    }
    if (kind == AURA_KEY_F64) {
        double d;
        memcpy(&d, &key, sizeof d);
        if (d == 0.0) key = 0;
    }
    return mix((uint64_t)key * 0x9E3779B97F4A7C15ULL);
}

static inline int keys_equal(int32_t kind, int64_t a, int64_t b) {
    if (a == b && kind != AURA_KEY_F64) return 1;
    if (kind == AURA_KEY_STR) {
        const AuraStr *x = (const AuraStr *)(intptr_t)a, *y = (const AuraStr *)(intptr_t)b;
        return x->len == y->len && aura_rt_same_bytes(x->data, y->data, x->len);
    }
    if (kind == AURA_KEY_F64) {
        double x, y;
        memcpy(&x, &a, sizeof x);
        memcpy(&y, &b, sizeof y);
        return x == y;
    }
    return 0;
}

/* The entry found or inserted last, when it holds `key` (else -1). */
static inline int64_t map_last(AuraMap *m, int64_t key) {
    int64_t i = m->last;
    return i >= 0 && i < m->len && keys_equal(m->key_kind, m->keys[i], key) ? i : -1;
}

/* A slot holds the entry's index + 1 in its low 32 bits (0: empty) and the high
 * 32 bits of the key's hash above them, compared before the keys themselves. */
#define SLOT_ENTRY(x) ((int64_t)((uint64_t)(x) & 0xFFFFFFFFu))
#define SLOT_TAG(h) ((uint64_t)(h) & 0xFFFFFFFF00000000u)

static void map_place(AuraMap *m, uint64_t h, int64_t i) {
    uint64_t mask = (uint64_t)(m->nslots - 1), at = h & mask;
    while (m->slots[at]) at = (at + 1) & mask;
    m->slots[at] = (int64_t)(SLOT_TAG(h) | (uint64_t)(i + 1));
}

static void map_rehash(AuraMap *m, int64_t nslots) {
    free(m->slots);
    m->slots = aura_alloc(nslots * (int64_t)sizeof(int64_t));
    memset(m->slots, 0, (size_t)nslots * sizeof(int64_t));
    m->nslots = nslots;
    for (int64_t i = 0; i < m->len; i++) map_place(m, hash_key(m->key_kind, m->keys[i]), i);
}

static int64_t map_find_hashed(AuraMap *m, int64_t key, uint64_t h) {
    if (!m->nslots) return -1;
    const int64_t *slots = m->slots, *keys = m->keys;
    uint64_t mask = (uint64_t)(m->nslots - 1), at = h & mask;
    if (m->key_kind == AURA_KEY_STR) { /* the common case, with the comparison in line */
        const AuraStr *k = (const AuraStr *)(intptr_t)key;
        for (int64_t slot; (slot = slots[at]) != 0; at = (at + 1) & mask) {
            if (SLOT_TAG(slot) != SLOT_TAG(h)) continue;
            int64_t i = SLOT_ENTRY(slot) - 1;
            const AuraStr *e = (const AuraStr *)(intptr_t)keys[i];
            if (e == k || (e->len == k->len && aura_rt_same_bytes(e->data, k->data, k->len))) return i;
        }
        return -1;
    }
    for (int64_t slot; (slot = slots[at]) != 0; at = (at + 1) & mask) {
        if (SLOT_TAG(slot) != SLOT_TAG(h)) continue;
        int64_t i = SLOT_ENTRY(slot) - 1;
        if (keys_equal(m->key_kind, keys[i], key)) return i;
    }
    return -1;
}

AuraMap *aura_map_new(int32_t key_kind, int32_t value_size) {
    AuraMap *m = aura_alloc(sizeof(AuraMap));
    m->rc = 1;
    m->len = 0;
    m->cap = 0;
    m->key_kind = key_kind;
    m->value_size = value_size;
    m->keys = NULL;
    m->values = NULL;
    m->slots = NULL;
    m->nslots = 0;
    m->last = -1;
    return m;
}

AuraMap *aura_map_clone(AuraMap *m) {
    AuraMap *c = aura_map_new(m->key_kind, m->value_size);
    c->cap = m->len;
    c->len = m->len;
    c->keys = aura_alloc(m->len * (int64_t)sizeof(int64_t));
    c->values = aura_alloc(m->len * (int64_t)m->value_size);
    if (m->len) {
        memcpy(c->keys, m->keys, (size_t)m->len * sizeof(int64_t));
        memcpy(c->values, m->values, (size_t)(m->len * m->value_size));
    }
    if (m->len) { /* the same entries at the same places: the index is copied */
        c->slots = aura_alloc(m->nslots * (int64_t)sizeof(int64_t));
        memcpy(c->slots, m->slots, (size_t)m->nslots * sizeof(int64_t));
        c->nslots = m->nslots;
    }
    if (m->key_kind == AURA_KEY_STR)
        for (int64_t i = 0; i < c->len; i++) {
            AuraStr *k = (AuraStr *)(intptr_t)c->keys[i];
            if (k->rc < AURA_RC_STATIC) k->rc++;
        }
    return c;
}

int64_t aura_map_find(AuraMap *m, int64_t key) {
    int64_t i = map_last(m, key);
    if (i < 0 && m->len) i = map_find_hashed(m, key, hash_key(m->key_kind, key));
    if (i >= 0) m->last = i;
    return i;
}

int64_t aura_map_insert(AuraMap *m, int64_t key) {
    int64_t found = map_last(m, key);
    if (found >= 0) return found;
    uint64_t h = hash_key(m->key_kind, key);
    found = map_find_hashed(m, key, h);
    if (found >= 0) return m->last = found;
    if (m->len == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->keys = aura_rt_grow(m->keys, m->cap * (int64_t)sizeof(int64_t));
        m->values = aura_rt_grow(m->values, m->cap * (int64_t)m->value_size);
    }
    int64_t i = m->len++;
    m->keys[i] = key;
    if (m->key_kind == AURA_KEY_STR) {
        AuraStr *k = (AuraStr *)(intptr_t)key;
        if (k->rc < AURA_RC_STATIC) k->rc++;
    }
    if (m->len * 2 > m->nslots) {
        map_rehash(m, m->nslots ? m->nslots * 2 : 16);
    } else {
        map_place(m, h, i);
    }
    return m->last = i;
}

void aura_map_free(AuraMap *m) {
    if (m->key_kind == AURA_KEY_STR)
        for (int64_t i = 0; i < m->len; i++) aura_str_release((AuraStr *)(intptr_t)m->keys[i]);
    free(m->keys);
    free(m->values);
    free(m->slots);
    aura_free(m);
}

/* Entry i leaves the index: its slot is emptied by moving later slots of its
 * probe run back (no tombstones), and the entries after it move down one. */
static void map_unplace(AuraMap *m, int64_t i) {
    uint64_t mask = (uint64_t)(m->nslots - 1);
    uint64_t hole = hash_key(m->key_kind, m->keys[i]) & mask;
    while (SLOT_ENTRY(m->slots[hole]) != i + 1) hole = (hole + 1) & mask;
    for (uint64_t at = (hole + 1) & mask; m->slots[at]; at = (at + 1) & mask) {
        uint64_t home = hash_key(m->key_kind, m->keys[SLOT_ENTRY(m->slots[at]) - 1]) & mask;
        if (((at - home) & mask) >= ((at - hole) & mask)) { /* the hole is on its probe path */
            m->slots[hole] = m->slots[at];
            hole = at;
        }
    }
    m->slots[hole] = 0;
    for (int64_t k = 0; k < m->nslots; k++)
        if (SLOT_ENTRY(m->slots[k]) > i + 1) m->slots[k]--;
}

int8_t aura_map_remove(AuraMap *m, int64_t key, void *value_out) {
    int64_t i = aura_map_find(m, key);
    if (i < 0) return 0;
    map_unplace(m, i);
    if (m->key_kind == AURA_KEY_STR) aura_str_release((AuraStr *)(intptr_t)m->keys[i]);
    int64_t vs = m->value_size;
    memcpy(value_out, m->values + i * vs, (size_t)vs);
    memmove(m->keys + i, m->keys + i + 1, (size_t)(m->len - i - 1) * sizeof(int64_t));
    memmove(m->values + i * vs, m->values + (i + 1) * vs, (size_t)((m->len - i - 1) * vs));
    m->len--;
    m->last = -1;
    return 1;
}
