import shutil
from pathlib import Path

import pytest
from evidence.cli import main
from evidence.project import content_hash

FIXTURE = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def mini(tmp_path):
    """A fresh copy of the small fixture project (its own data, bib, analyses and pages)."""
    root = tmp_path / "mini"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("site", "build", ".cache"))
    return root


def evidence(root, *args, capsys):
    """Run the `evidence` command in-process; return (exit status, stderr)."""
    capsys.readouterr()
    status = main(["--project", str(root), *args])
    return status, capsys.readouterr().err


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory):
    """The fixture project built once, for tests that only read the site."""
    root = tmp_path_factory.mktemp("built") / "mini"
    shutil.copytree(FIXTURE, root)
    assert main(["--project", str(root), "build"]) == 0
    return root


def site_hash(root):
    return content_hash(Path(root) / "site")


ROOT = Path(__file__).resolve().parents[1]
# What a build of the shipped project needs; derived and tool folders stay behind.
_NOT_PROJECT = (
    ".git",
    ".venv",
    "site",
    "build",
    "tests",
    "node_modules",
    ".pytest_cache",
    ".cache",
)
_NOT_PROJECT += (".ruff_cache", ".hypothesis", ".site-*", ".build-*", "build.lock", "__pycache__")


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory):
    """A full build of the shipped project (a copy, so other builds and edits are untouched);
    the analysis cache is copied too, so unchanged analyses are reused. Returns the site folder."""
    import os
    import subprocess

    root = tmp_path_factory.mktemp("shipped") / "project"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(*_NOT_PROJECT))
    lock = ROOT / "tests" / "a11y" / "package-lock.json"  # the accessibility statement names it
    (root / lock.parent.relative_to(ROOT)).mkdir(parents=True)
    shutil.copy(lock, root / lock.relative_to(ROOT))
    if (ROOT / ".cache" / "evidence" / "analyses").is_dir():  # reuse unchanged analyses
        shutil.copytree(
            ROOT / ".cache" / "evidence",
            root / ".cache" / "evidence",
            ignore=shutil.ignore_patterns("build.lock"),
        )
    stamp = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if stamp.isdigit():
        os.environ["SOURCE_DATE_EPOCH"] = stamp  # the copy has no git history of its own
    try:
        assert main(["--project", str(root), "build"]) == 0
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    return root / "site"


def pytest_configure(config):
    # `slow`: full builds of the shipped project; still part of scripts/test (deselect with
    # `scripts/test -m "not slow"` for a quick loop)
    config.addinivalue_line("markers", "slow: builds the whole shipped project (tens of seconds)")
