"""How much a browser downloads to search and filter the catalog: the search-data budget.

Usage: python bench/search_weight.py [SITE_DIR]   (default: /tmp/ocop-bench/20000/site, which
``python bench/run.py 20000`` builds from 20,000 synthetic products)

Serves the built site on localhost, opens the catalog in headless Chromium with each query in
its address, waits for the cards, and adds up the bytes of every file fetched from
``search/`` (the word, filter and sort files the query needs and the card files of the cards
shown). Each query
runs in a fresh browser (nothing cached), then once more as the next query on a page that has
answered another (files already fetched are not fetched again). Bytes are as stored; most hosts
gzip JSON, which the last column estimates.
"""

from __future__ import annotations

import gzip
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402
from static_host import serve  # noqa: E402

QUERIES = [
    ("search, no diacritics", "san-pham/?q=ca+phe"),
    ("search, with diacritics", "san-pham/?q=b%C3%A1nh+tr%C3%A1ng"),
    ("search, two words and a province", "san-pham/?q=mat+ong+khanh+hoa"),
    ("filter: 5 stars in Khánh Hòa", "san-pham/?sao=5&tinh=khanh-hoa"),
    ("filter: 4 and 5 stars, food, sorted by name", "san-pham/?sao=4&sao=5&nganh=thuc-pham&sx=ten"),
    ("search + filter + newest first", "san-pham/?q=tra&sao=4&sx=moi"),
    ("English: search", "en/san-pham/?q=coffee"),
    ("sorted by name, no filter", "san-pham/?sx=ten"),
]
BUDGET = 300 * 1024


# The cards show what the address asks for (the same parameters, in any order).
SHOWN = """() => {
  const shown = document.getElementById('ocop-catalog').dataset.shown;
  const norm = (s) => [...new URLSearchParams(s)].map((p) => p.join('=')).sort().join('&');
  return shown !== undefined && norm(shown) === norm(location.search);
}"""


def measure(browser, base: str, path: str, warm: str | None = None) -> tuple[int, int, int, int]:
    """Bytes (raw, gzip) and files fetched from search/ for one query, and the cards shown.

    With ``warm``, the page first answers that query, then this one as a reader would ask it
    next (the address changes in place), and only the second query's fetches count."""
    page = browser.new_page()  # a new browser context: nothing cached
    fetched: list[tuple[int, int]] = []  # raw and gzip bytes of each file

    def on_response(response) -> None:
        if "/search/" in response.url:
            try:
                body = response.body()
            except Exception:  # a response without a body
                body = b""
            fetched.append((len(body), len(gzip.compress(body, 6))))

    page.on("response", on_response)
    if warm:
        page.goto(base + warm)
        page.wait_for_function(SHOWN, timeout=120_000)
        fetched.clear()
        page.evaluate("(q) => { history.pushState(null, '', q); "
                      "dispatchEvent(new PopStateEvent('popstate')); }", base + path)
    else:
        page.goto(base + path)
    page.wait_for_function(SHOWN, timeout=120_000)
    shown = page.evaluate("document.querySelectorAll('[data-results] li').length")
    page.close()
    return sum(r for r, _ in fetched), sum(g for _, g in fetched), len(fetched), shown


def main() -> int:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/ocop-bench/20000/site")
    if not (site / "search").is_dir():
        raise SystemExit(f"{site} has no search index: build it first (python bench/run.py 20000)")
    products = sum(1 for p in (site / "san-pham").iterdir() if p.is_dir() and not p.name.isdigit())
    index_files = [p for p in (site / "search").rglob("*") if p.is_file()]
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}; site {site}: "
          f"{products:,} products, search index {len(index_files):,} files, "
          f"{sum(p.stat().st_size for p in index_files) / 1e6:.1f} MB in all.\n")
    print("| query | address | first query: KB (gzip KB), files | next query: KB (gzip KB), files "
          "| cards shown |")
    print("|---|---|---|---|---|")
    worst = 0
    with serve(site, clean_urls=True) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu"])
        for label, path in QUERIES:
            cold, cold_gz, cold_files, shown = measure(browser, base, path)
            warm_from = QUERIES[0][1] if path != QUERIES[0][1] else QUERIES[1][1]
            if path.startswith("en/"):
                warm_from = "en/san-pham/?q=honey"
            warm, warm_gz, warm_files, _ = measure(browser, base, path, warm=warm_from)
            worst = max(worst, cold)
            print(f"| {label} | `{path}` | {cold / 1024:.0f} ({cold_gz / 1024:.0f}), {cold_files} | "
                  f"{warm / 1024:.0f} ({warm_gz / 1024:.0f}), {warm_files} | {shown} |")
        browser.close()
    print(f"\nLargest first query: {worst / 1024:.0f} KB (budget {BUDGET // 1024} KB): "
          f"{'within' if worst <= BUDGET else 'OVER'} budget.")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    import figures

    raise SystemExit(figures.run(main))
