"""Word frequencies over a text file, as words.aura."""


def main(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    counts = {}
    for line in text.split("\n"):
        for word in line.split(" "):
            if not word:
                continue
            n = counts.get(word)
            if n is not None:
                counts[word] = n + 1
            else:
                counts[word] = 1
    best = ""
    best_count = 0
    for w in counts:
        if counts[w] > best_count:
            best = w
            best_count = counts[w]
    print(f"{len(counts)} distinct words; most frequent: {best} ({best_count})")
