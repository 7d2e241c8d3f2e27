import shutil
from pathlib import Path

import pytest
from evidence.cli import main
from evidence.render import content_hash

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
