"""The sample site is valid HTML for the W3C Nu checker (npm package vnu-jar, run with Java).

`.ci/run` installs both; on a developer machine without them the test is skipped, in CI it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.sites import REPO

VNU = Path(os.environ.get("VNU_JAR", REPO / ".ci/node/node_modules/vnu-jar/build/dist/vnu.jar"))


def test_the_sample_site_has_no_html_errors(sample_site):
    if not (VNU.is_file() and shutil.which("java")):
        if os.environ.get("CI"):
            pytest.fail(f"the Nu checker is missing: {VNU} and java (`.ci/run` installs them)")
        pytest.skip("vnu.jar or java not installed (`.ci/run` installs them)")
    run = subprocess.run(["java", "-Xss4m", "-jar", str(VNU), "--errors-only", "--skip-non-html",
                          "--format", "gnu", str(sample_site)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-6000:] + run.stdout[-2000:]
