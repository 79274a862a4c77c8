"""Posters: time to make one poster (PDF and PNG) and all posters of an app with 20 access points.

Run: python bench/posters.py [--repeat 5]

In process, on the real font (IPAex Gothic, as `make run` installs it). Peer: the same access point's
QR code alone as a print PNG (qr.print_png, 6 cm at 300 dpi), measured in the same run, so the
ratios say what a whole poster costs beyond its code. Targets: one A4 PDF poster at most 20 times
the code alone, and the 20-poster PDF of an app at most 24 times one poster (cost linear in the
pages, with room for noise; the font subset is made once per file). A benchmark: it always exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from benchlib import table

from generated_apps.domain import posters, qr

URL = "https://www.city.date.hokkaido.jp/q/K7M2QX"


def poster(n: int = 0) -> posters.Poster:
    return posters.poster("避難所のご案内（有珠山の噴火）", "近くの避難所と、持ち物をお知らせします。", URL,
                          "0142-23-3331", f"本庁舎1階 市民課窓口 {n}", "伊達市役所 危機管理課")


def timed(make, repeat: int) -> tuple[float, int]:
    """Median seconds over `repeat` runs, after one warm-up, and the output's size in bytes."""
    size = len(make())
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        make()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), size


def main() -> int:
    parser = argparse.ArgumentParser(description="poster generation time")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    try:
        posters.font_path()
    except posters.FontMissing as missing:
        print(f"SKIP: {missing}")
        return 0
    twenty = [poster(n) for n in range(20)]
    rows = {
        "QR code alone, print PNG 6 cm (peer)": timed(lambda: qr.print_png(URL), args.repeat),
        "one poster, A4 PDF": timed(lambda: posters.pdf([poster()]), args.repeat),
        "one poster, A4 PNG (200 dpi)": timed(lambda: posters.png(poster()), args.repeat),
        "one card, PDF": timed(lambda: posters.pdf([poster()], "card"), args.repeat),
        "20 access points, one A4 PDF": timed(lambda: posters.pdf(twenty), max(1, args.repeat // 2)),
    }
    peer = rows["QR code alone, print PNG 6 cm (peer)"][0]
    one_pdf = rows["one poster, A4 PDF"][0]
    print(f"Posters, in process, median of {args.repeat} after a warm-up")
    print(table([["what", "time", "size", "x the code alone"]] +
                [[name, f"{seconds * 1000:.0f} ms", f"{size / 1024:.0f} KB", f"{seconds / peer:.1f}x"]
                 for name, (seconds, size) in rows.items()]))
    per_poster = rows["20 access points, one A4 PDF"][0] / one_pdf
    print()
    ok = one_pdf / peer <= 20 and per_poster <= 24
    print(f"{'PASS' if ok else 'FAIL'}: one A4 PDF poster takes {one_pdf / peer:.1f}x the code alone (target at most "
          f"20x); 20 posters take {per_poster:.1f}x one poster (target at most 24x: linear, with room for noise)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
