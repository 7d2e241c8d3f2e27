"""Provenance (site/provenance.json and the Methods page) and `evidence verify`."""

import hashlib
import json
import shutil
import subprocess

import pytest
from conftest import FIXTURE, evidence, site_hash
from evidence.cli import main
from evidence.project import Project, content_hash
from evidence.provenance import git_commit, to_json


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A built copy of the fixture that the tests here may read (and copy, never change)."""
    root = tmp_path_factory.mktemp("prov") / "mini"
    shutil.copytree(FIXTURE, root)
    assert main(["--project", str(root), "build"]) == 0
    return root


@pytest.fixture
def project(built, tmp_path):
    """A private copy of the built fixture, site and cache included."""
    root = tmp_path / "mini"
    shutil.copytree(built, root)
    return root


def test_provenance_records_commit_lock_tools_inputs_and_results(built):
    text = (built / "site" / "provenance.json").read_text(encoding="utf-8")
    prov = json.loads(text)
    assert text == to_json(prov)  # sorted keys, one fixed layout
    assert prov["commit"] == "unknown" and prov["inputs_match_commit"] is None  # not a git repo
    assert prov["lock"] == {"file": "requirements.lock", "sha256": "none"}
    for tool in ("python", "mkdocs", "mkdocs-material", "pandas", "altair", "vl-convert-python"):
        assert prov["tools"][tool][0].isdigit(), tool
    assert prov["tools"]["jupytext"][0].isdigit()
    for rel in (
        "analyses/data/prices.csv",
        "analyses/data/homes.csv",
        "analyses/data/datapackage.yaml",
        "references/refs.bib",
        "docs/index.md",
        "analyses/prices.py",
        "analyses/homes.py",
        "mkdocs.yml",
    ):
        assert prov["inputs"][rel] == sha(built / rel), rel
    results = json.loads((built / "site" / "results.json").read_text())
    assert set(prov["results"]) == set(results)
    mean = prov["results"]["prices.mean_price"]
    assert mean["value"] == results["prices.mean_price"]["value"]
    assert mean["unit"] == "GBP per week" and mean["cell"] == 2
    assert mean["analysis"] == "analyses/prices.py"
    assert mean["analysis_sha256"] == sha(built / "analyses" / "prices.py")
    assert mean["inputs"]["prices"]["sha256"] == sha(built / "analyses" / "data" / "prices.csv")


def test_provenance_has_no_clock_time_and_no_machine_path(built):
    text = (built / "site" / "provenance.json").read_text(encoding="utf-8")
    assert str(built) not in text and "/tmp" not in text
    prov = json.loads(text)
    assert prov["source_date"] == "1970-01-01T00:00:00Z"  # no commit: the epoch, not "now"


def test_methods_page_shows_the_provenance(built):
    page = (built / "site" / "methods" / "index.html").read_text(encoding="utf-8")
    assert "How this site is built" in page or "how this site is built" in page
    assert "evidence verify" in page and "provenance.json" in page
    prov = json.loads((built / "site" / "provenance.json").read_text())
    assert prov["inputs"]["analyses/data/prices.csv"][:12] in page
    assert "mkdocs-material" in page and prov["tools"]["pandas"] in page
    assert "prices.mean_price" in page and "analyses/prices.py" in page


def test_commit_is_read_from_git_when_there_is_one(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=root, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    assert git_commit(Project(root).root) == {"commit": head, "inputs_match_commit": True}
    (root / "docs" / "index.md").write_text("changed\n")
    assert git_commit(root)["inputs_match_commit"] is False


# ---- evidence verify -----------------------------------------------------------------------


def verify(root, capsys):
    capsys.readouterr()
    status = main(["--project", str(root), "verify"])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_verify_reproduces_every_result_and_changes_nothing(project, capsys):
    before = site_hash(project), content_hash(project / ".cache")
    status, out, err = verify(project, capsys)
    assert status == 0, out + err
    assert "reproduced  homes.count: 22 homes" in out
    assert "reproduced  prices.mean_price: 5000.166666666667 GBP per week" in out
    assert "verify: 2 reproduced — 2 analyses re-run without the cache" in out
    assert "  run   analyses/homes.py" in err  # executed, not taken from the cache
    assert (site_hash(project), content_hash(project / ".cache")) == before


def test_verify_catches_a_tampered_cache_entry(project, capsys):
    entry_path = project / ".cache" / "evidence" / "analyses" / "homes.json"
    entry = json.loads(entry_path.read_text())
    entry["record"]["results"]["homes.count"]["value"] = 999  # the key still matches
    entry_path.write_text(json.dumps(entry))
    (project / ".cache" / "evidence" / "last-build.json").unlink(missing_ok=True)
    status, err = evidence(project, "build", capsys=capsys)
    assert status == 0 and "reuse analyses/homes.py" in err
    assert (
        json.loads((project / "site" / "results.json").read_text())["homes.count"]["value"] == 999
    )
    status, out, _ = verify(project, capsys)
    assert status == 1
    assert "differs     homes.count: 999 homes → 22 homes" in out
    assert "reproduced  prices.mean_price" in out
    assert "1 reproduced, 1 differs" in out


def test_verify_reports_missing_and_new_results(project, capsys):
    path = project / "site" / "results.json"
    results = json.loads(path.read_text())
    results["homes.gone"] = dict(results.pop("homes.count"), value=1)
    path.write_text(json.dumps(results))
    status, out, _ = verify(project, capsys)
    assert status == 1
    assert "missing     homes.gone: in the last build, but no analysis publishes it now" in out
    assert "new         homes.count: 22 homes" in out


def test_verify_names_changed_inputs(project, capsys):
    homes = project / "analyses" / "data" / "homes.csv"
    homes.write_text(homes.read_text() + "East,5\n")
    status, out, _ = verify(project, capsys)
    assert status == 1
    assert (
        "differs     homes.count: 22 homes → 27 homes (input changed since that build: homes)"
        in out
    )


def test_verify_before_any_build_says_what_to_do(tmp_path, capsys):
    root = tmp_path / "mini"
    shutil.copytree(FIXTURE, root)
    status, _, err = verify(root, capsys)
    assert status == 1
    assert "error: no results.json in site/; run `evidence build` first" in err


def test_verify_has_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["verify", "--help"])
    assert exit_.value.code == 0
    assert "reproduced, differs (old → new), missing or new" in capsys.readouterr().out
