/* Binary trees with nodes in a growable array, as interp/binary_trees.aura. */
#include <stdio.h>
#include <stdlib.h>

typedef struct { long long left, right; } Node;
typedef struct { Node *items; long long len, cap; } Nodes;

static void push(Nodes *v, Node n) {
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4;
        v->items = realloc(v->items, (size_t)v->cap * sizeof(Node));
    }
    v->items[v->len++] = n;
}

static long long build(Nodes *v, long long depth) {
    if (depth == 0) {
        push(v, (Node){-1, -1});
        return v->len - 1;
    }
    long long left = build(v, depth - 1);
    long long right = build(v, depth - 1);
    push(v, (Node){left, right});
    return v->len - 1;
}

static long long check(const Nodes *v, long long i) {
    Node n = v->items[i];
    if (n.left < 0) return 1;
    return 1 + check(v, n.left) + check(v, n.right);
}

static long long tree(long long depth) {
    Nodes v = {0};
    long long root = build(&v, depth);
    long long c = check(&v, root);
    free(v.items);
    return c;
}

int main(int argc, char **argv) {
    long long max_depth = atoll(argv[1]);
    if (max_depth < 6) max_depth = 6;
    long long min_depth = 4;
    printf("stretch tree of depth %lld\t check: %lld\n", max_depth + 1, tree(max_depth + 1));
    Nodes long_lived = {0};
    long long long_root = build(&long_lived, max_depth);
    for (long long depth = min_depth; depth <= max_depth; depth += 2) {
        long long iterations = 1LL << (max_depth - depth + min_depth), total = 0;
        for (long long i = 0; i < iterations; i++) total += tree(depth);
        printf("%lld\t trees of depth %lld\t check: %lld\n", iterations, depth, total);
    }
    printf("long lived tree of depth %lld\t check: %lld\n", max_depth, check(&long_lived, long_root));
    return 0;
}
