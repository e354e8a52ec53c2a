"""The catalog on nginx: Debian's nginx, run as the current user on a free port with the shipped
``deploy/nginx.conf`` (its root, port and include paths set as its header says), serving the
sample built with ``host: nginx`` at the root of a server and, built for a site_url under
/ocop/, under that sub-path; every address of each build asked (``addresses.py``), and every
GS1 address as a GS1 resolver's client asks it (``resolver.py``)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest
from addresses import Resolver
from answers import check_every_address
from gs1_suite import conformance_lab, sample_links, suite_problems
from hosting import DEPLOY, built_site, get, tool
from resolver import check_resolver

EXPIRY = "17=270101"
MIME_TYPES = Path("/etc/nginx/mime.types")
BASES = ("/", "/ocop/")


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
    """base -> (the build, the address of an nginx serving it there)."""
    tool("nginx", "/usr/sbin/nginx")
    if not MIME_TYPES.is_file():
        pytest.skip(f"{MIME_TYPES} is missing")
    template = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    started, found = [], {}
    try:
        for base in BASES:
            built = built_site(tmp_path_factory, "nginx", base)
            folder = tmp_path_factory.mktemp("nginx")
            port = free_port()
            root = built.site
            if base != "/":  # the site in <root>/ocop, as the header of nginx.conf says
                root = folder / "www"
                root.mkdir()
                (root / base.strip("/")).symlink_to(built.site, target_is_directory=True)
            block = configured(template, {
                "listen 80;": f"listen 127.0.0.1:{port};", "listen [::]:80;": "",
                "root /srv/ocop/site;": f"root {root};",
                "include /srv/ocop/site/nginx-redirects.map;":
                    f"include {built.site / 'nginx-redirects.map'};",
                "include /srv/ocop/site/nginx-gs1.conf;":
                    f"include {built.site / 'nginx-gs1.conf'};",
                "error_page 404 /404.html;": f"error_page 404 {base}404.html;",
                "error_page 403 =404 /404.html;": f"error_page 403 =404 {base}404.html;"})
            started.append(start_nginx(folder, block, port))
            found[base] = (built, f"http://127.0.0.1:{port}/")
        yield found
    finally:
        for process in started:
            process.terminate()
            process.wait(timeout=10)


# nginx cannot compute a check digit: a GTIN with a wrong one is unknown (404), not invalid.
RESOLVER = Resolver(check_digits=False)


@pytest.mark.parametrize("base", BASES)
def test_every_address_of_the_built_site_answers(servers, base):
    built, address = servers[base]
    report = check_every_address(f"nginx at {base}", address, built, resolver=RESOLVER)
    print(f"\n{report.server}: {report.asked} addresses in {report.seconds:.1f} s")
    assert report.problems == [], str(report)


@pytest.mark.parametrize("base", BASES)
def test_answers_as_a_gs1_resolver(servers, base):
    built, address = servers[base]
    report = check_resolver(f"nginx at {base}", address, built, RESOLVER)
    print(f"\n{report.server}: {report.asked} resolver requests in {report.seconds:.1f} s")
    assert report.problems == [], str(report)


def test_text_is_compressed(servers):
    _, address = servers["/"]
    packed = get(address, "/du-lieu/products.json", {"Accept-Encoding": "gzip"})
    assert packed.headers.get("content-encoding") == "gzip"
    assert packed.headers.get("vary") == "Accept-Encoding"


def test_gs1_s_conformance_suite_passes_what_applies(servers, tmp_path, browser):
    """GS1's own resolver test suite in Chromium (gs1_suite.py) on a GTIN, one of its lots and
    a GTIN without lots: every check passes but those that cannot by design (BY_DESIGN)."""
    built, address = servers["/"]
    problems = []
    with conformance_lab(browser, address, built.site_url, tmp_path) as lab:
        for dl, linkset in sample_links(built):
            problems += suite_problems(lab, dl, linkset, {})
    assert problems == []
