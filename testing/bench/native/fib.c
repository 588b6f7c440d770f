/* Recursive Fibonacci, as interp/fib.aura (overflow checked, as Aura does). */
#include <stdio.h>
#include <stdlib.h>

static long long fib(long long n) {
    if (n < 2) return n;
    long long r;
    if (__builtin_add_overflow(fib(n - 1), fib(n - 2), &r)) abort();
    return r;
}

int main(int argc, char **argv) {
    printf("%lld\n", fib(atoll(argv[1])));
    return 0;
}
