"""The catalog on nginx: Debian's nginx, run as the current user on a free port with the shipped
``deploy/nginx.conf`` (its root, port and map path set), serving the sample site built with
``host: nginx`` at the root of a server and under the sub-path /ocop/."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest
from hosting import DEPLOY, get, sample, site_for_host, tool

from site_builder.output.hosts import HOSTS
from site_builder.publishing.rules import rule_files

EXPIRY = "17=270101"
MIME_TYPES = Path("/etc/nginx/mime.types")


def configured(template: str, replacements: dict[str, str]) -> str:
    """The shipped server block with the values a reader is told to set."""
    for old, new in replacements.items():
        assert template.count(old) == 1, f"deploy/nginx.conf no longer has {old!r} once"
        template = template.replace(old, new)
    return template


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_nginx(folder: Path, server_block: str, port: int) -> subprocess.Popen:
    nginx = tool("nginx", "/usr/sbin/nginx")
    (folder / "ocop.conf").write_text(server_block, encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(f"""
daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log off;
{temp}
    include {folder}/ocop.conf;
}}
""", encoding="utf-8")
    command = [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
               str(folder / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode() if process.stderr else "") from None
            time.sleep(0.05)
    process.kill()
    raise AssertionError("nginx did not start")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """nginx serving the site at '/' and, with the site at <root>/ocop, under '/ocop/'."""
    tool("nginx", "/usr/sbin/nginx")
    if not MIME_TYPES.is_file():
        pytest.skip(f"{MIME_TYPES} is missing")
    site, moved = site_for_host(tmp_path_factory, "nginx")
    template = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    started, bases = [], {}
    try:
        for base in ("/", "/ocop/"):
            folder = tmp_path_factory.mktemp("nginx")
            port = free_port()
            root, rules = site, site / "nginx-redirects.map"
            if base != "/":
                root = folder / "www"
                root.mkdir()
                (root / "ocop").symlink_to(site, target_is_directory=True)
                rules = folder / "nginx-redirects.map"
                rules.write_bytes(rule_files(HOSTS["nginx"], moved, base)["nginx-redirects.map"])
            block = configured(template, {
                "listen 80;": f"listen 127.0.0.1:{port};", "listen [::]:80;": "",
                "root /srv/ocop/site;": f"root {root};",
                "include /srv/ocop/site/nginx-redirects.map;": f"include {rules};",
                "error_page 404 /404.html;": f"error_page 404 {base}404.html;",
                "error_page 403 =404 /404.html;": f"error_page 403 =404 {base}404.html;"})
            started.append(start_nginx(folder, block, port))
            bases[base] = f"http://127.0.0.1:{port}/"
        yield site, moved, bases
    finally:
        for process in started:
            process.terminate()
            process.wait(timeout=10)


def test_a_gs1_address_answers_with_its_page_and_keeps_the_query(servers):
    site, moved, bases = servers
    found = sample(site, moved)
    answer = get(bases["/"], f"{found['gtin']}?{EXPIRY}")
    assert answer.status == 200 and answer.location is None
    assert answer.body == (site / (found["gtin"][1:] + ".html")).read_bytes()
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["cache-control"] == "max-age=300"
    assert (site / found["gtin"][1:]).is_dir()  # a product with batches: a folder too
    lot = get(bases["/"], found["lot"])
    assert lot.status == 200 and lot.body == (site / (found["lot"][1:] + ".html")).read_bytes()


def test_traceability_pages_with_a_slash_answer_from_one_file_each(servers):
    """``host: nginx`` writes '/p/<id>/', its lots and the other languages' GS1 pages as
    'x.html'; the shipped block answers the address from it, at the root and under /ocop/."""
    site, _, bases = servers
    short_lot = sorted(site.glob("p/*/*.html"))[0].relative_to(site).as_posix()[: -len(".html")]
    en_gtin = sorted(site.glob("en/01/*.html"))[0].relative_to(site).as_posix()[: -len(".html")]
    for path in (short_lot.rpartition("/")[0], short_lot, en_gtin):
        assert not (site / path / "index.html").exists()
        for prefix, base in bases.items():
            answer = get(base, f"{prefix}{path}/?{EXPIRY}")
            assert answer.status == 200 and answer.location is None, (base, path)
            assert answer.body == (site / (path + ".html")).read_bytes()


def test_redirects_keep_the_query(servers):
    site, moved, bases = servers
    found = sample(site, moved)
    slash = get(bases["/"], f"{found['gtin']}/?{EXPIRY}")
    assert (slash.status, slash.location) == (301, f"{found['gtin']}?{EXPIRY}")
    bare = found["product"].rstrip("/")
    folder = get(bases["/"], f"{bare}?q=c%C3%A0+ph%C3%AA")
    assert (folder.status, folder.location) == (301, f"{found['product']}?q=c%C3%A0+ph%C3%AA")
    page = get(bases["/"], found["product"])
    assert page.body == (site / found["product"][1:] / "index.html").read_bytes()


def test_moved_short_addresses_are_redirected_by_the_map(servers):
    site, moved, bases = servers
    found = sample(site, moved)
    assert not (site / found["moved"][1:] / "index.html").exists()  # no forwarding page
    for asked in (found["moved"], found["moved"].rstrip("/")):
        answer = get(bases["/"], asked)
        assert (answer.status, answer.location) == (301, found["moved_to"]), asked
    assert get(bases["/"], found["moved_to"]).status == 200


def test_old_png_codes_missing_pages_and_the_map_file(servers):
    site, moved, bases = servers
    found = sample(site, moved)
    png = get(bases["/"], found["qr"] + ".png")
    assert (png.status, png.location) == (301, found["qr"] + ".svg")
    for missing in ("/khong-co-trang-nay/", "/khong-co-trang-nay", "/qr/", "/nginx-redirects.map"):
        answer = get(bases["/"], missing)
        assert answer.status == 404, missing
        assert answer.body == (site / "404.html").read_bytes(), missing


def test_types_compression_and_cache_lives(servers):
    site, _, bases = servers
    expected = {"/du-lieu/places.geojson": "application/geo+json",
                "/du-lieu/products.csv": "text/csv; charset=utf-8",
                "/du-lieu/feed-vi.atom": "application/atom+xml; charset=utf-8",
                "/du-lieu/products.json": "application/json",
                "/" + next(site.rglob("*.webp")).relative_to(site).as_posix(): "image/webp"}
    for path, content_type in expected.items():
        assert get(bases["/"], path).headers["content-type"] == content_type, path
    packed = get(bases["/"], "/du-lieu/products.json", {"Accept-Encoding": "gzip"})
    assert packed.headers.get("content-encoding") == "gzip"
    css = next(site.glob("assets/stylesheets/main.*.min.css")).relative_to(site).as_posix()
    hashed = get(bases["/"], "/" + css)
    assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "expires" not in hashed.headers
    assert get(bases["/"], "/favicon.ico").headers["cache-control"] == "max-age=3600"


def test_under_a_sub_path_the_same_addresses_answer(servers):
    site, moved, bases = servers
    found = sample(site, moved)
    base = bases["/ocop/"]
    page = get(base, f"/ocop{found['gtin']}?{EXPIRY}")
    assert page.status == 200 and page.body == (site / (found["gtin"][1:] + ".html")).read_bytes()
    assert get(base, "/ocop" + found["moved"]).location == "/ocop" + found["moved_to"]
    assert get(base, "/ocop" + found["qr"] + ".png").location == "/ocop" + found["qr"] + ".svg"
    assert get(base, "/ocop").location == "/ocop/"
    missing = get(base, "/ocop/khong-co-trang-nay/")
    assert missing.status == 404 and missing.body == (site / "404.html").read_bytes()

