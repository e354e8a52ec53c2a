"""What the publishing tests share: the sample site built for a host layout, and the real
servers they run it on (nginx and Apache have their own modules; here: programs from
``.ci/node`` such as wrangler, the S3-compatible server moto, and starting and stopping them).

Sites are built once per test session, layout and sub-path, like ``conftest.sample_site``.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from addresses import Built
from support.records import annex_record, record, write_record
from support.sites import AS_OF, REPO, SITE_URL, write_mkdocs_config

from site_builder.hosts import Redirect
from site_builder.render.views import Urls

DEPLOY = REPO / "deploy"
NODE_MODULES = REPO / ".ci" / "node" / "node_modules"
_SITES: dict[tuple[str, str], Built] = {}
# Resized photos, share pictures and codes, kept by their content: a build's cache starts with
# the first build's, so each layout does not make them again.
_WARM = ("photos.sqlite", "share.sqlite", "qr.sqlite")


def tool(name: str, *candidates: str) -> str:
    """A program the tests run: skipped where it is missing on a developer machine, a failure
    in CI (which installs it)."""
    found = shutil.which(name) or next((c for c in candidates if Path(c).is_file()), None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing; .ci/run installs it")
    pytest.skip(f"{name} is not installed (CI installs it)")


def node_module(path: str) -> Path:
    """A file of the npm packages .ci/run installs in .ci/node (pinned in .ci/package.json)."""
    found = NODE_MODULES / path
    if found.exists():
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{found} is missing; .ci/run installs it")
    pytest.skip(f"{found} is not installed (bash .ci/run installs it)")


SHORT_CODE_LENGTH = 5


def built_site(tmp_path_factory: pytest.TempPathFactory, host: str, base: str = "/") -> Built:
    """The bundled sample built as of 22 November 2026 with ``host`` in mkdocs.yml and short
    stamp addresses on, for a site_url under ``base`` ('/' or '/ocop/'); one build per layout
    and base in a session."""
    if (host, base) not in _SITES:
        from site_builder.mkdocs.build import build_site, load_site_config
        from site_builder.records.validate import load_catalog

        root = tmp_path_factory.mktemp(f"site-{host}")
        shutil.copytree(REPO / "products", root / "products")
        site_url = SITE_URL + base.lstrip("/")
        config = write_mkdocs_config(root, root / "products", site_url, sample_data=True)
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
        settings["plugins"][0]["ocop"]["host"] = host
        # Short stamp addresses on: every host must answer '/T/<CODE>/' too.
        settings["plugins"][0]["ocop"]["short_addresses"] = SHORT_CODE_LENGTH
        config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        cache = Path(settings["plugins"][0]["ocop"]["cache_dir"])
        if _SITES:
            first = next(iter(_SITES.values())).config.cache_dir
            cache.mkdir(parents=True, exist_ok=True)
            for name in _WARM:
                if (first / name).is_file():
                    shutil.copy2(first / name, cache / name)
        site = build_site(config, as_of=AS_OF).site_dir
        site_config = load_site_config(config, AS_OF)
        catalog, _ = load_catalog(site_config)
        urls = Urls("")
        moved = [Redirect(urls.short_trace(p), urls.trace(p)) for p in catalog.products
                 if urls.short_trace(p) != urls.trace(p)]
        _SITES[host, base] = Built(site, host, base, site_url, moved, catalog, site_config)
    return _SITES[host, base]


def small_catalog(folder: Path) -> Path:
    """Two products (the base record and the bare annex one) built as of 22 November 2026 into
    ``folder``/site; returns the mkdocs.yml."""
    from site_builder.mkdocs.build import build_site

    write_record(folder / "products", record())
    write_record(folder / "products", annex_record())
    config = write_mkdocs_config(folder, folder / "products")
    build_site(config, as_of=AS_OF)
    return config


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


def get(base: str, target: str, headers: dict[str, str] | None = None,
        method: str = "GET") -> Answer:
    """One request, no redirect followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                      response.read())
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def printing_its_port(command: list[str], *, cwd: Path | None = None,
                      env: dict[str, str] | None = None, wait: float = 60) -> Iterator[str]:
    """Run a server that prints the port it listens on (127.0.0.1) as its first line; yields
    its address ('http://127.0.0.1:N/') and stops it after."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = _first_line(process, wait)
        yield f"http://127.0.0.1:{int(line)}/"
    finally:
        _stop(process)


def _first_line(process: subprocess.Popen, wait: float) -> str:
    import selectors

    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=wait):
            raise AssertionError(f"{process.args[:3]} printed no port in {wait} s")
    line = process.stdout.readline().strip()
    if not line.isdigit():
        process.wait(timeout=10)
        raise AssertionError(f"{process.args[:3]} did not start: {line}"
                             f"{process.stderr.read() if process.stderr else ''}")
    return line


@contextmanager
def answering(command: list[str], port: int, *, cwd: Path | None = None,
              env: dict[str, str] | None = None, wait: float = 90,
              ready: str = "/") -> Iterator[str]:
    """Run a server told to listen on ``port``; yields its address once ``ready`` answers
    (any status), and stops it after. Its output goes to a file beside ``cwd``."""
    log = (cwd or Path.cwd()) / "server.log"
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    get(f"http://127.0.0.1:{port}/", ready)
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(f"{command[:3]} did not start:\n"
                                             f"{log.read_text(encoding='utf-8')[-3000:]}") from None
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}/"
        finally:
            _stop(process)


# moto: an S3-compatible server, for uploads as deploy/upload.sh makes them.

S3_KEYS = {"AWS_ACCESS_KEY_ID": "ocop-test", "AWS_SECRET_ACCESS_KEY": "ocop-test",
           "AWS_DEFAULT_REGION": "us-east-1"}


@contextmanager
def moto_server(folder: Path) -> Iterator[str]:
    """moto's S3 endpoint on a free local port; yields its address ('http://127.0.0.1:N')."""
    try:
        import moto.server  # noqa: F401 - is moto[server] installed?
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("moto[server] is missing; pip install -e '.[test]' installs it")
        pytest.skip("moto[server] is not installed (pip install -e '.[test]')")
    port = free_port()
    with answering([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                   port, cwd=folder, env={**os.environ, **S3_KEYS}) as address:
        yield address.rstrip("/")


def uploader_env(endpoint: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment deploy/upload.sh runs in against ``endpoint``: the AWS CLI and rclone
    (a remote named `moto`, set by environment variables) pointed at it; no CA bundle, which
    the local endpoint does not need and rclone's S3 client refuses."""
    env = {key: value for key, value in os.environ.items() if key != "AWS_CA_BUNDLE"}
    env.update(S3_KEYS)
    env.update({
        "AWS_ENDPOINT_URL": endpoint,
        "RCLONE_CONFIG_MOTO_TYPE": "s3", "RCLONE_CONFIG_MOTO_PROVIDER": "Other",
        "RCLONE_CONFIG_MOTO_ENDPOINT": endpoint, "RCLONE_CONFIG_MOTO_REGION": "us-east-1",
        "RCLONE_CONFIG_MOTO_ACCESS_KEY_ID": S3_KEYS["AWS_ACCESS_KEY_ID"],
        "RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY": S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        "RCLONE_CONFIG_MOTO_FORCE_PATH_STYLE": "true",
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        **(extra or {}),
    })
    return env


UPLOAD_SCRIPT = DEPLOY / "upload.sh"


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"])


def readable_by_anyone(client, bucket: str) -> None:
    """The bucket policy of a bucket CloudFront reads without signing (with Origin Access
    Control, the distribution is the one principal allowed instead)."""
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{bucket}/*"}]}))


def upload(mode: str, site: Path, bucket: str, base: str, endpoint: str) -> None:
    """``deploy/upload.sh MODE`` run from the catalog's folder, as its header says."""
    tool("bash", "/bin/bash")
    if mode == "aws":
        tool("aws")
    else:
        tool("rclone", "/usr/bin/rclone")
    prefix = base.strip("/")
    target = (f"s3://{bucket}" if mode == "aws" else f"moto:{bucket}") + (f"/{prefix}" if prefix else "")
    done = subprocess.run(["bash", str(UPLOAD_SCRIPT), mode, target], cwd=site.parent,
                          env=uploader_env(endpoint), capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def stored(client, bucket: str) -> dict[str, tuple[str | None, str | None]]:
    """Every object of ``bucket``: key -> (Content-Type, Cache-Control) as stored."""
    keys = [item["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for item in page.get("Contents", [])]

    def head(key: str) -> tuple[str, tuple[str | None, str | None]]:
        found = client.head_object(Bucket=bucket, Key=key)
        return key, (found.get("ContentType"), found.get("CacheControl"))

    with ThreadPoolExecutor(8) as pool:
        return dict(pool.map(head, keys))


def wrangler_env(home: Path) -> dict[str, str]:
    """wrangler's environment for a test: no telemetry, no update check, no request for
    Cloudflare's request.cf data, its settings and logs in ``home``: it runs offline."""
    return {**os.environ, "WRANGLER_SEND_METRICS": "false",
            "WRANGLER_SEND_ERROR_REPORTS": "false", "WRANGLER_HIDE_BANNER": "true",
            "CLOUDFLARE_CF_FETCH_ENABLED": "false", "XDG_CONFIG_HOME": str(home / "config"),
            "WRANGLER_LOG_PATH": str(home / "logs"), "NO_COLOR": "1"}
