"""Building a long string piece by piece, as strings.aura."""


def main(n):
    s = ""
    for i in range(n):
        s += str(i % 10)
    sevens = 0
    for i in range(n // 1000):
        if s[i * 1000 + 7 : i * 1000 + 8] == "7":
            sevens += 1
    print(f"{len(s)} {sevens}")
