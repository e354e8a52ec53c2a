"""Which host takes how large a catalog: the layout each ``host`` writes, per product.

    python bench/host_sizes.py 1000      # the catalog of bench/run.py in /tmp/ocop-bench/1000

Builds the synthetic catalog once per host layout (hosts.py) into its own folder and
measures what would be uploaded (the build's dot files left out; the host's rules file in):
files, folders and bytes per product, from the difference between N and N/2 products so
that what every site has once (theme, search script, open data) is not counted per product.
Then the largest catalog each host's published limits allow, with share pictures and (for
the hosts with a limit, built again with ``share_images: false``) without. Limits (manual/operators.md,
"Publishing"): GitHub Pages 1 GB; Cloudflare Pages 20,000 files (100,000 on paid plans);
GitLab Pages 1 GB and 200,000 entries, folders counted; Netlify 54,000 files in one folder
(the biggest folder is reported).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from run import AS_OF, OURS, published  # noqa: E402
from synthetic import generate  # noqa: E402

HOSTS = ("default", "github-pages", "cloudflare", "netlify", "gitlab", "nginx", "apache",
         "object-storage")
GB = 1e9
# host -> (what limits it, the limit); "entries" counts folders too
LIMITS = {"github-pages": ("bytes", 1 * GB), "cloudflare": ("files", 20_000),
          "gitlab": ("entries", 200_000), "netlify": ("folder", 54_000)}


def build(root: Path, host: str, share: bool) -> dict:
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(OURS.format(theme=REPO / "theme", host=host,
                                                 share=str(share).lower()), encoding="utf-8")
    site = root / f"site-{host}"
    subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "--as-of", AS_OF,
                    "--site-dir", str(site)], cwd=root, check=True, capture_output=True,
                   env={**os.environ, "CI": "1"})
    found = published(site)
    shutil.rmtree(site)
    return {key: found[key] for key in ("files", "folders", "bytes", "folder")}


def catalog(root: Path, count: int) -> Path:
    if not (root / "products" / f"sp-{count - 1:05d}" / "product.yml").is_file() or (
            root / "products" / f"sp-{count:05d}").exists():
        shutil.rmtree(root, ignore_errors=True)
        generate(count, root)
    return root


def largest(host: str, per: dict, fixed: dict) -> str:
    if host not in LIMITS:
        return "no limit of its own"
    kind, limit = LIMITS[host]
    if kind == "entries":
        grow, base = per["files"] + per["folders"], fixed["files"] + fixed["folders"]
    else:
        grow, base = per[kind], fixed[kind]
    return f"{int((limit - base) / grow):,} products" if grow > 0 else "no limit"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--root", type=Path, default=Path("/tmp/ocop-bench"))
    args = parser.parse_args()
    half = args.count // 2
    big = catalog(args.root / str(args.count), args.count)
    small = catalog(args.root / f"{half}-hosts", half)
    print(f"Per product from {half:,} to {args.count:,} synthetic products (bench/synthetic.py)\n")
    print("| host | share pictures | files | folders | KB | biggest folder | fits up to |")
    print("|---|---|---|---|---|---|---|")
    runs = [(host, True) for host in HOSTS] + [(host, False) for host in LIMITS]
    for host, share in runs:
        a, b = build(small, host, share), build(big, host, share)
        per = {k: (b[k] - a[k]) / (args.count - half) for k in a}
        fixed = {k: a[k] - per[k] * half for k in a}
        print(f"| {host} | {'yes' if share else 'no'} | {per['files']:.2f} | "
              f"{per['folders']:.2f} | {per['bytes'] / 1000:.1f} | {b['folder']:,} at "
              f"{args.count:,} | {largest(host, per, fixed)} |", flush=True)
    return 0


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
