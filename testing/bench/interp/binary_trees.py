"""The binary-trees benchmark, as binary_trees.aura (nodes as tuples in a list)."""


def build(nodes, depth):
    if depth == 0:
        nodes.append((-1, -1))
        return len(nodes) - 1
    left = build(nodes, depth - 1)
    right = build(nodes, depth - 1)
    nodes.append((left, right))
    return len(nodes) - 1


def check(nodes, i):
    n = nodes[i]
    if n[0] < 0:
        return 1
    return 1 + check(nodes, n[0]) + check(nodes, n[1])


def tree(depth):
    nodes = []
    root = build(nodes, depth)
    return check(nodes, root)


def main(max_depth):
    max_depth = max(max_depth, 6)
    min_depth = 4
    print(f"stretch tree of depth {max_depth + 1}\t check: {tree(max_depth + 1)}")
    long_lived = []
    long_root = build(long_lived, max_depth)
    depth = min_depth
    while depth <= max_depth:
        iterations = 1 << (max_depth - depth + min_depth)
        total = 0
        for _ in range(iterations):
            total += tree(depth)
        print(f"{iterations}\t trees of depth {depth}\t check: {total}")
        depth += 2
    print(f"long lived tree of depth {max_depth}\t check: {check(long_lived, long_root)}")
