"""The catalog on Apache: Debian's apache2 on a free port, with nothing but the ``.htaccess``
the build writes for ``host: apache`` (and ``AllowOverride FileInfo Indexes``, ``Options
FollowSymLinks``, as its first lines ask), serving the sample built with ``host: apache`` at the
root and, built for a site_url under /ocop/, through an ``Alias`` under that sub-path; every
address of each build asked (``addresses.py``), and every GS1 address as a GS1 resolver's client
asks it (``resolver.py``)."""

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

import pytest
from addresses import Resolver
from answers import check_every_address
from gs1_suite import conformance_lab, sample_links, suite_problems
from hosting import built_site, get, tool
from resolver import check_resolver

BASES = ("/", "/ocop/")
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
    """The address of an Apache serving the root build at / and the /ocop/ one under /ocop/,
    and the two builds."""
    apache = tool("apache2", "/usr/sbin/apache2")
    missing = [m for m in NEEDED if not (MODULES / f"mod_{m}.so").is_file()]
    if missing:
        pytest.skip(f"Apache modules missing: {missing}")
    builds = {base: built_site(tmp_path_factory, "apache", base) for base in BASES}
    work = Path(tempfile.mkdtemp(prefix="ocop-apache-"))
    try:
        os.chmod(work, 0o755)
        root = readable_copy(builds["/"].site, work / "root")
        under = readable_copy(builds["/ocop/"].site, work / "ocop")
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
# One process (-X) serves one connection at a time: no connection kept open between requests.
KeepAlive Off
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
            yield builds, f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        if not os.environ.get("OCOP_APACHE_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


# mod_rewrite cannot compute a check digit: a GTIN with a wrong one is unknown (404).
RESOLVER = Resolver(check_digits=False)


@pytest.mark.parametrize("base", BASES)
def test_every_address_of_the_built_site_answers(server, base):
    builds, address = server
    report = check_every_address(f"Apache at {base}", address, builds[base], resolver=RESOLVER)
    print(f"\n{report.server}: {report.asked} addresses in {report.seconds:.1f} s")
    assert report.problems == [], str(report)


@pytest.mark.parametrize("base", BASES)
def test_answers_as_a_gs1_resolver(server, base):
    builds, address = server
    report = check_resolver(f"Apache at {base}", address, builds[base], RESOLVER)
    print(f"\n{report.server}: {report.asked} resolver requests in {report.seconds:.1f} s")
    assert report.problems == [], str(report)


def test_text_is_compressed(server):
    _, address = server
    packed = get(address, "/du-lieu/products.json", {"Accept-Encoding": "gzip"})
    assert packed.headers.get("content-encoding") == "gzip"


def test_gs1_s_conformance_suite_passes_what_applies(server, tmp_path, browser):
    """GS1's own resolver test suite in Chromium (gs1_suite.py): every check passes but those
    that cannot by design (BY_DESIGN)."""
    builds, address = server
    built = builds["/"]
    problems = []
    with conformance_lab(browser, address, built.site_url, tmp_path) as lab:
        for dl, linkset in sample_links(built):
            problems += suite_problems(lab, dl, linkset, {})
    assert problems == []
