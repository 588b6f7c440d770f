/* Word frequencies with an insertion-ordered hash map, as interp/words.aura. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *word; long long count; } Entry;

static Entry *entries;
static long long nentries, capentries, *slots, nslots;

static unsigned long long hash(const char *w, size_t n) {
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 1099511628211ULL;
    return h;
}

static void rehash(long long size) {
    free(slots);
    slots = calloc((size_t)size, sizeof *slots);
    nslots = size;
    for (long long i = 0; i < nentries; i++) {
        unsigned long long h = hash(entries[i].word, strlen(entries[i].word)) & (unsigned long long)(size - 1);
        while (slots[h]) h = (h + 1) & (unsigned long long)(size - 1);
        slots[h] = i + 1;
    }
}

static void add(const char *w, size_t n) {
    if (!nslots) rehash(16);
    unsigned long long h = hash(w, n) & (unsigned long long)(nslots - 1);
    while (slots[h]) {
        Entry *e = &entries[slots[h] - 1];
        if (strlen(e->word) == n && memcmp(e->word, w, n) == 0) {
            e->count++;
            return;
        }
        h = (h + 1) & (unsigned long long)(nslots - 1);
    }
    if (nentries == capentries) {
        capentries = capentries ? capentries * 2 : 8;
        entries = realloc(entries, (size_t)capentries * sizeof *entries);
    }
    entries[nentries].word = strndup(w, n);
    entries[nentries].count = 1;
    slots[h] = ++nentries;
    if (nentries * 2 > nslots) rehash(nslots * 2);
}

int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    fread(text, 1, (size_t)size, f);
    text[size] = 0;
    fclose(f);
    for (char *line = text; line;) {
        char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i == n || line[i] == ' ') {
                if (i > start) add(line + start, i - start);
                start = i + 1;
            }
        }
        line = end ? end + 1 : NULL;
    }
    const char *best = "";
    long long best_count = 0;
    for (long long i = 0; i < nentries; i++)
        if (entries[i].count > best_count) best = entries[i].word, best_count = entries[i].count;
    printf("%lld distinct words; most frequent: %s (%lld)\n", nentries, best, best_count);
    return 0;
}
