/* Sieve of Eratosthenes, as interp/sieve.aura. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long long n = atoll(argv[1]);
    bool *is_prime = malloc((size_t)n + 1);
    for (long long k = 0; k <= n; k++) is_prime[k] = true;
    is_prime[0] = is_prime[1] = false;
    for (long long i = 2; i * i <= n; i++)
        if (is_prime[i])
            for (long long j = i * i; j <= n; j += i) is_prime[j] = false;
    long long count = 0;
    for (long long k = 0; k <= n; k++) count += is_prime[k];
    printf("%lld\n", count);
    return 0;
}
