"""The shipped pre-commit hooks, run by the real pre-commit on a scratch repository.

The repository holds linked journeys (one hands over to the other), a CI workflow and
another YAML file in the journeys folder: the hooks must audit the folder as a whole
(the link resolves), pass over the other YAML, and still fail on a broken journey.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JOURNEYS = ROOT / "journeys"
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")

pytestmark = pytest.mark.skipif(
    not PRE_COMMIT.exists() or shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs pre-commit, git and the project's git repository",
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.org", "-c", "user.name=ci", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project's files as they are in the working tree (tracked, and new ones git
    does not ignore), committed in a scratch repository, and that commit: every test
    uses the same revision, so pre-commit installs the hooks once, not per run (as
    `pre-commit try-repo` would)."""
    shadow = tmp_path_factory.mktemp("hooks-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            target = shadow / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    _git(shadow, "init", "-q")
    _git(shadow, "add", "-A")
    _git(shadow, "commit", "-qm", "hooks")
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=shadow, capture_output=True, text=True, check=True
    ).stdout.strip()
    return shadow, rev


@pytest.fixture
def repo(tmp_path: Path, hooks: tuple[Path, str]) -> Path:
    repo = tmp_path / "repo"
    (repo / "journeys").mkdir(parents=True)
    (repo / ".github" / "workflows").mkdir(parents=True)
    for name in ("web-order-checkout.yaml", "order-support-line.yaml"):  # linked journeys
        shutil.copy(JOURNEYS / name, repo / "journeys" / name)
    (repo / ".github" / "workflows" / "ci.yml").write_text(
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    )
    (repo / "journeys" / "owners.yaml").write_text("owners:\n  - team: cx-design\n")
    shadow, rev = hooks
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {json.dumps(str(shadow))}\n    rev: {rev}\n    hooks:\n"
        "      - id: journeymap-validate\n      - id: journeymap-audit\n"
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "journeys")
    return repo


def _hook(repo: Path, home: Path, hook: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [str(PRE_COMMIT), "run", hook, "--verbose", *extra],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_hooks_pass_on_an_ordinary_repository(repo: Path, home: Path) -> None:
    for hook in ("journeymap-validate", "journeymap-audit"):
        run = _hook(repo, home, hook, "--all-files")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "web-order-checkout" in run.stdout  # the hook did run on the journeys
        assert "not part of this run" not in run.stdout
        assert "owners.yaml" not in run.stdout and "ci.yml" not in run.stdout


def test_a_staged_change_is_audited_with_the_journeys_it_links_to(repo: Path, home: Path) -> None:
    checkout = repo / "journeys" / "web-order-checkout.yaml"
    checkout.write_text(checkout.read_text() + "# reviewed\n")
    _git(repo, "add", str(checkout))
    run = _hook(repo, home, "journeymap-audit")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "order-support-line" in run.stdout  # the linked journey was loaded with it


def test_a_broken_journey_fails_the_hook(repo: Path, home: Path) -> None:
    line = repo / "journeys" / "order-support-line.yaml"
    line.write_text(line.read_text().replace("type: menu", "type: mneu", 1))
    _git(repo, "add", str(line))
    run = _hook(repo, home, "journeymap-validate")
    assert run.returncode == 1
    assert "order-support-line.yaml:" in run.stdout and "mneu" in run.stdout
