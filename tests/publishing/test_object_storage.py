"""The catalog on object storage behind a CDN, as a phone reaches it.

The sample built with ``host: object-storage`` (at the root, and for a site_url under /ocop/)
is uploaded by ``deploy/upload.sh`` in each of its modes (the AWS CLI, rclone, rclone from
``ocop changes``) into moto, an S3-compatible server. Then every address of the build is asked
through each CDN the project ships code for:

- CloudFront (``cloudfront.js``): the shipped ``deploy/cloudfront-function.js`` on viewer
  requests in front of the bucket's REST endpoint, 404 and 403 answered with the 404 page;
- Cloudflare (``worker.js``): the shipped ``deploy/cloudflare-worker.js`` in workerd, in front
  of an R2 bucket holding what the AWS CLI stored, and in front of moto as its ORIGIN.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from addresses import Built, Resolver
from answers import check_every_address
from gs1_suite import conformance_lab, expected_link_checks, sample_links, suite_problems
from hosting import (
    DEPLOY,
    UPLOAD_SCRIPT,
    built_site,
    moto_server,
    node_module,
    printing_its_port,
    readable_by_anyone,
    s3_client,
    stored,
    tool,
    upload,
)
from resolver import check_resolver

from site_builder.output.writer import MANIFEST, Manifest
from site_builder.publishing.cache_lives import cache_control, published
from site_builder.publishing.content_types import (
    CONTENT_TYPES,
    UPLOAD_TYPES,
    acceptable,
    guessed_type,
    upload_type,
)

FUNCTION = DEPLOY / "cloudfront-function.js"
WORKER = DEPLOY / "cloudflare-worker.js"
CLOUDFRONT = Path(__file__).with_name("cloudfront.js")
WORKERD = Path(__file__).with_name("worker.js")
BASES = ("/", "/ocop/")
# (mode, base): the site at the bucket's root and under the prefix ocop/, each way of uploading
# once (the AWS CLI starts once for each of upload.sh's runs: the slowest).
UPLOADS = (("aws", "/"), ("rclone", "/ocop/"), ("changes", "/"))
# What the CloudFront Function answers of a GS1 resolver (its header): no redirect to a link
# (300 with the linkset), no walking up, no description file.
CLOUDFRONT_RESOLVER = Resolver(links=False, walks_up=False, description=False)


@pytest.fixture(scope="module")
def buckets(tmp_path_factory):
    """moto's address, and (mode, base) -> (the build, its bucket, what the bucket stores)."""
    with moto_server(tmp_path_factory.mktemp("moto")) as endpoint:
        client = s3_client(endpoint)
        found = {}
        for mode, base in UPLOADS:
            built = built_site(tmp_path_factory, "object-storage", base)
            bucket = f"ocop-{mode}-{base.strip('/') or 'root'}"
            client.create_bucket(Bucket=bucket)
            readable_by_anyone(client, bucket)
            upload(mode, built.site, bucket, base, endpoint)
            found[mode, base] = (built, bucket, stored(client, bucket))
        yield endpoint, found


def uploaded_at(buckets, base: str):
    """The first upload of the site built for ``base``: (build, bucket, what it stores)."""
    return next(found for (_, b), found in buckets[1].items() if b == base)


def published_files(site: Path) -> set[str]:
    manifest = Manifest.read(site)
    assert manifest is not None
    return {path for path in manifest.all_files() | {MANIFEST}
            if published(path) and (site / path).is_file()}


@pytest.mark.parametrize("mode, base", UPLOADS)
def test_every_file_is_stored_with_its_type_and_cache_life(buckets, mode, base):
    """Every published file, under the prefix, with a type a browser takes and the cache life
    of cache_lives.py; nothing else (no manifest, no marker of the build)."""
    built, _, objects = buckets[1][mode, base]
    prefix = base.lstrip("/")
    expected = {prefix + path for path in published_files(built.site)}
    assert set(objects) == expected, (sorted(set(objects) - expected)[:10],
                                      sorted(expected - set(objects))[:10])
    wrong = {key: found for key, found in objects.items()
             if not acceptable(key, found[0]) or found[1] != cache_control(key)}
    assert wrong == {}


def test_an_upload_removes_the_build_s_own_files_an_earlier_one_left(buckets):
    endpoint, found = buckets
    built, bucket, before = found["changes", "/"]
    client = s3_client(endpoint)
    client.put_object(Bucket=bucket, Key=".ocop-manifest.json", Body=b"{}")
    upload("changes", built.site, bucket, "/", endpoint)
    assert stored(client, bucket) == before


@contextmanager
def cloudfront(buckets, base: str, folder: Path) -> Iterator[tuple[Built, str]]:
    """The build uploaded for ``base``, and the address of CloudFront in front of its bucket."""
    built, bucket, _ = uploaded_at(buckets, base)
    node = tool("node", "/usr/bin/node")
    command = [node, str(CLOUDFRONT), str(FUNCTION), base, f"{buckets[0]}/{bucket}"]
    with printing_its_port(command, cwd=folder) as address:
        yield built, address


@contextmanager
def cloudflare_worker(buckets, base: str, folder: Path) -> Iterator[tuple[Built, str, str]]:
    """The build uploaded for ``base``, the Worker in front of it, and how: at the root, an R2
    bucket holding the files with the types the AWS CLI stored; under /ocop/, moto as its
    ORIGIN."""
    built, bucket, objects = uploaded_at(buckets, base)
    node = tool("node", "/usr/bin/node")
    miniflare = node_module("miniflare")
    if base == "/":
        types = folder / "types.json"
        types.write_text(json.dumps({key: found[0] for key, found in objects.items()}),
                         encoding="utf-8")
        how = ["r2", str(built.site), str(types)]
    else:
        how = ["origin", f"{buckets[0]}/{bucket}/"]
    command = [node, str(WORKERD), str(miniflare), str(WORKER), base, *how]
    with printing_its_port(command, cwd=folder) as address:
        yield built, address, how[0]


@pytest.mark.parametrize("base", BASES)
def test_every_address_answers_through_cloudfront(buckets, base, tmp_path):
    with cloudfront(buckets, base, tmp_path) as (built, address):
        report = check_every_address(f"CloudFront and S3 at {base}", address, built,
                                     resolver=CLOUDFRONT_RESOLVER)
        resolver = check_resolver(report.server, address, built, CLOUDFRONT_RESOLVER)
    print(f"\n{report.server}: {report.asked} addresses in {report.seconds:.1f} s, "
          f"{resolver.asked} resolver requests in {resolver.seconds:.1f} s")
    assert report.problems == [], str(report)
    assert resolver.problems == [], str(resolver)


@pytest.mark.parametrize("base", BASES)
def test_every_address_answers_through_the_cloudflare_worker(buckets, base, tmp_path):
    with cloudflare_worker(buckets, base, tmp_path) as (built, address, how):
        server = f"Cloudflare Worker ({how}) at {base}"
        report = check_every_address(server, address, built, resolver=Resolver())
        resolver = check_resolver(server, address, built)
    print(f"\n{report.server}: {report.asked} addresses in {report.seconds:.1f} s, "
          f"{resolver.asked} resolver requests in {resolver.seconds:.1f} s")
    assert report.problems == [], str(report)
    assert resolver.problems == [], str(resolver)


def test_gs1_s_conformance_suite_passes_what_applies_through_the_worker(buckets, tmp_path, browser):
    """GS1's own resolver test suite in Chromium (gs1_suite.py): every check passes but those
    that cannot by design (BY_DESIGN)."""
    problems = []
    with cloudflare_worker(buckets, "/", tmp_path) as (built, address, _), \
            conformance_lab(browser, address, built.site_url, tmp_path) as lab:
        for dl, linkset in sample_links(built):
            problems += suite_problems(lab, dl, linkset, {})
    assert problems == []


def test_gs1_s_conformance_suite_through_cloudfront(buckets, tmp_path, browser):
    """CloudFront is no conformant resolver (its function reads no file): the suite's checks
    it fails are exactly those its function's header says."""
    problems = []
    with cloudfront(buckets, "/", tmp_path) as (built, address), \
            conformance_lab(browser, address, built.site_url, tmp_path) as lab:
        for dl, linkset in sample_links(built):
            # A link type with several links (one per language): 300 (the suite warns);
            # with one: no redirect (it fails); no walking up; no description file.
            links = {check: "warn" if check[-1].isdigit() else "fail"
                     for check in expected_link_checks(linkset, dl)}
            problems += suite_problems(lab, dl, linkset,
                                       {"basicWalkUp": "fail", "rdFile": "fail", **links})
    assert problems == []


def test_the_function_fits_cloudfront_s_size_limit():
    assert FUNCTION.stat().st_size < 10 * 1024  # CloudFront Functions: 10 KB of code


def test_without_the_function_s3_cannot_answer_a_gs1_address(buckets):
    """Why the function is needed: the bucket has no object '01/<GTIN>' (the page is
    '01/<GTIN>.html'), and no 'x/' for a folder page."""
    endpoint, found = buckets
    _, bucket, objects = found["aws", "/"]
    gtin = next(key for key in objects if key.startswith("01/") and key.count("/") == 1)
    assert gtin[: -len(".html")] not in objects and "san-pham/" not in objects


# Content types, chosen at upload.

@pytest.mark.parametrize("extension", sorted(CONTENT_TYPES))
def test_every_kind_of_file_gets_its_type_when_uploaded_as_documented(extension):
    assert acceptable("x" + extension, upload_type("x" + extension)), extension


def test_the_documented_types_are_those_python_s_table_lacks():
    """Without them a plain ``aws s3 sync`` (on a system with no /etc/mime.types) stores these
    as binary/octet-stream; each documented one is needed by some Python release."""
    lacking = {ext for ext in CONTENT_TYPES if not acceptable("x" + ext, guessed_type("x" + ext))}
    assert lacking <= set(UPLOAD_TYPES)
    assert set(UPLOAD_TYPES) <= set(CONTENT_TYPES)


def test_the_upload_script_and_the_manual_pass_the_documented_types():
    script = UPLOAD_SCRIPT.read_text(encoding="utf-8")
    manual = DEPLOY.parent / "manual" / "operators.md"
    documented = " ".join(manual.read_text(encoding="utf-8").split())
    for extension, content_type in UPLOAD_TYPES.items():
        assert f'"*{extension}|{content_type}|' in script, extension
        assert f"`{extension}` as `{content_type}`" in documented, extension
