"""The catalog on Apache: Debian's apache2 on a free port, with nothing but the ``.htaccess``
the build writes for ``host: apache`` (and ``AllowOverride FileInfo Indexes``, ``Options
FollowSymLinks``, as its first lines ask), serving the sample site at the root and, through an
``Alias``, under the sub-path /ocop/."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hosting import get, sample, site_for_host, tool

from site_builder.output.hosts import HOSTS
from site_builder.publishing.rules import rule_files

EXPIRY = "17=270101"
MODULES = Path("/usr/lib/apache2/modules")
NEEDED = ("mpm_prefork", "authz_core", "mime", "dir", "alias", "rewrite", "headers", "filter",
          "deflate")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def readable_copy(site: Path, into: Path) -> Path:
    """A copy of the site the server's user may read (it drops root for 'nobody')."""
    shutil.copytree(site, into, symlinks=False)
    for folder, _dirs, files in os.walk(into):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder) / name, 0o644)
    return into


def user_lines() -> str:
    if os.geteuid() != 0:
        return ""
    nobody = pwd.getpwnam("nobody")
    return f"User nobody\nGroup {grp.getgrgid(nobody.pw_gid).gr_name}\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    apache = tool("apache2", "/usr/sbin/apache2")
    missing = [m for m in NEEDED if not (MODULES / f"mod_{m}.so").is_file()]
    if missing:
        pytest.skip(f"Apache modules missing: {missing}")
    site, moved = site_for_host(tmp_path_factory, "apache")
    work = Path(tempfile.mkdtemp(prefix="ocop-apache-"))
    try:
        os.chmod(work, 0o755)
        root = readable_copy(site, work / "root")
        under = readable_copy(site, work / "ocop")
        (under / ".htaccess").write_bytes(
            rule_files(HOSTS["apache"], moved, "/ocop/")[".htaccess"])
        port = free_port()
        modules = "\n".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in NEEDED)
        config = work / "apache2.conf"
        config.write_text(f"""
ServerRoot {work}
Listen 127.0.0.1:{port}
ServerName localhost
PidFile {work}/apache2.pid
ErrorLog {work}/error.log
LogLevel {os.environ.get("OCOP_APACHE_LOGLEVEL", "warn")}
DefaultRuntimeDir {work}
Mutex file:{work} default
{modules}
{user_lines()}
TypesConfig /etc/mime.types
DirectoryIndex index.html
DocumentRoot {root}
Alias /ocop {under}
<Directory {work}>
    Options FollowSymLinks
    AllowOverride FileInfo Indexes
    Require all granted
</Directory>
<Files ".ht*">
    Require all denied
</Files>
""", encoding="utf-8")
        command = [apache, "-d", str(work), "-f", str(config)]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen([*command, "-X"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    assert process.poll() is None, process.stderr.read().decode()
                    assert time.monotonic() < deadline, "apache2 did not start"
                    time.sleep(0.05)
            yield site, moved, f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        if not os.environ.get("OCOP_APACHE_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


def target(answer) -> str:
    """A Location header as path and query (Apache makes it absolute)."""
    parts = urlsplit(answer.location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_gs1_address_answers_with_its_page_and_keeps_the_query(server):
    site, moved, base = server
    found = sample(site, moved)
    assert (site / found["gtin"][1:]).is_dir()  # a product with batches: a folder too
    answer = get(base, f"{found['gtin']}?{EXPIRY}")
    assert answer.status == 200 and answer.location is None
    assert answer.body == (site / (found["gtin"][1:] + ".html")).read_bytes()
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["cache-control"] == "public, max-age=300"
    lot = get(base, found["lot"])
    assert lot.status == 200 and lot.body == (site / (found["lot"][1:] + ".html")).read_bytes()


def test_redirects_keep_the_query(server):
    site, moved, base = server
    found = sample(site, moved)
    slash = get(base, f"{found['gtin']}/?{EXPIRY}")
    assert (slash.status, target(slash)) == (301, f"{found['gtin']}?{EXPIRY}")
    folder = get(base, f"{found['product'].rstrip('/')}?q=c%C3%A0+ph%C3%AA")
    assert (folder.status, target(folder)) == (301, f"{found['product']}?q=c%C3%A0+ph%C3%AA")
    for asked in (found["moved"], found["moved"].rstrip("/")):
        moved_answer = get(base, asked + f"?{EXPIRY}")
        assert (moved_answer.status, target(moved_answer)) == (
            301, f"{found['moved_to']}?{EXPIRY}"), asked


def test_old_png_codes_and_missing_pages(server):
    site, moved, base = server
    found = sample(site, moved)
    png = get(base, found["qr"] + ".png")
    assert (png.status, target(png)) == (301, found["qr"] + ".svg")
    for missing in ("/khong-co-trang-nay/", "/khong-co-trang-nay"):
        answer = get(base, missing)
        assert answer.status == 404 and answer.body == (site / "404.html").read_bytes(), missing
    assert get(base, "/.htaccess").status == 403


def test_types_compression_and_cache_lives(server):
    site, _, base = server
    expected = {"/du-lieu/places.geojson": "application/geo+json",
                "/du-lieu/products.csv": "text/csv; charset=utf-8",
                "/du-lieu/feed-vi.atom": "application/atom+xml",
                "/du-lieu/products.json": "application/json",
                "/" + next(site.rglob("*.webp")).relative_to(site).as_posix(): "image/webp"}
    for path, content_type in expected.items():
        assert get(base, path).headers["content-type"] == content_type, path
    packed = get(base, "/du-lieu/products.json", {"Accept-Encoding": "gzip"})
    assert packed.headers.get("content-encoding") == "gzip"
    css = next(site.glob("assets/stylesheets/main.*.min.css")).relative_to(site).as_posix()
    assert get(base, "/" + css).headers["cache-control"] == "public, max-age=31536000, immutable"


def test_under_a_sub_path_the_same_addresses_answer(server):
    site, moved, base = server
    found = sample(site, moved)
    page = get(base, f"/ocop{found['gtin']}?{EXPIRY}")
    assert page.status == 200 and page.body == (site / (found["gtin"][1:] + ".html")).read_bytes()
    assert target(get(base, "/ocop" + found["moved"])) == "/ocop" + found["moved_to"]
    assert target(get(base, "/ocop" + found["qr"] + ".png")) == "/ocop" + found["qr"] + ".svg"
    assert target(get(base, f"/ocop{found['gtin']}/")) == "/ocop" + found["gtin"]
    missing = get(base, "/ocop/khong-co-trang-nay/")
    assert missing.status == 404 and missing.body == (site / "404.html").read_bytes()
