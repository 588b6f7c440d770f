/* Building a long string piece by piece, then scanning it, as interp/strings.aura. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long long n = atoll(argv[1]);
    size_t cap = 64, len = 0;
    char *s = malloc(cap);
    for (long long i = 0; i < n; i++) {
        char piece[24];
        int k = snprintf(piece, sizeof piece, "%lld", i % 10);
        if (len + (size_t)k + 1 > cap) {
            while (len + (size_t)k + 1 > cap) cap *= 2;
            s = realloc(s, cap);
        }
        memcpy(s + len, piece, (size_t)k);
        len += (size_t)k;
    }
    long long sevens = 0;
    for (long long i = 0; i < n / 1000; i++) {
        char *part = malloc(2);
        memcpy(part, s + i * 1000 + 7, 1);
        part[1] = 0;
        if (strcmp(part, "7") == 0) sevens++;
        free(part);
    }
    printf("%zu %lld\n", len, sevens);
    return 0;
}
