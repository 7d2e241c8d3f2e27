"""Interruption and concurrency: a build stopped half-way (Ctrl-C, SIGTERM) leaves the previous
site/ and cache as they were, no temporary folders and no analysis process behind; of two builds
started together one succeeds and the other stops with a clear message."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE
from evidence.cli import main
from evidence.project import content_hash

LOCKED = "another build of this project is running; wait for it to finish and try again"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("interrupt") / "mini"
    shutil.copytree(FIXTURE, root)
    assert main(["--project", str(root), "build"]) == 0
    return root


@pytest.fixture
def project(built, tmp_path):
    """A built copy whose homes analysis now sleeps (after noting its process id)."""
    root = tmp_path / "mini"
    shutil.copytree(built, root)
    (root / ".cache" / "evidence" / "last-build.json").unlink(missing_ok=True)
    pid_file = tmp_path / "analysis.pid"
    with open(root / "analyses" / "homes.py", "a", encoding="utf-8") as handle:
        handle.write(
            "\n# %%\nimport os, time\n"
            f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
            "time.sleep(float(os.environ.get('SLEEP', '60')))\n"
        )
    return root


def start(root: Path, tmp: Path, sleep: float = 60) -> subprocess.Popen:
    tmp.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmp), SLEEP=str(sleep), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "evidence.cli", "--project", str(root), "build"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def wait_for(proc: subprocess.Popen, text: str, seconds: float = 120) -> str:
    """Read the build's stderr until `text` appears."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return "".join(seen)
    proc.kill()
    raise AssertionError(f"never saw {text!r}:\n{''.join(seen)}")


def state(root: Path) -> tuple[str, str, str]:
    cache = root / ".cache" / "evidence" / "analyses"
    return content_hash(root / "site"), content_hash(root / "build"), content_hash(cache)


def leftovers(root: Path, tmp: Path) -> list[str]:
    found = [p.name for p in root.iterdir() if p.name.startswith((".site-", ".build-", ".site"))]
    found += [p.name for p in tmp.iterdir()] if tmp.is_dir() else []
    found += [p.name for p in (root / ".cache" / "evidence" / "analyses").glob("*.tmp*")]
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(
    "sig, status, said",
    [
        (signal.SIGINT, 130, "interrupted: site/ and the cache are as they were"),
        (signal.SIGTERM, 143, "terminated: site/ and the cache are as they were"),
    ],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_build_stopped_mid_analysis_changes_nothing(project, tmp_path, sig, status, said):
    before = state(project)
    proc = start(project, tmp_path / "tmp")
    wait_for(proc, "run   analyses/homes.py")
    pid_file = tmp_path / "analysis.pid"
    deadline = time.monotonic() + 60
    while not pid_file.is_file() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the analysis never started"
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert said in err
    assert state(project) == before
    assert leftovers(project, tmp_path / "tmp") == []
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid), "the analysis process outlived the build"


def test_a_build_stopped_while_rendering_leaves_no_half_site(project, tmp_path):
    """Stopped as soon as the analyses are done (rendering or MkDocs): the old site or, if the
    swap had begun, the whole new one; never a mixture and never a temporary folder."""
    before = state(project)
    proc = start(project, tmp_path / "tmp", sleep=0)
    wait_for(proc, "rendering pages")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert leftovers(project, tmp_path / "tmp") == []
    if proc.returncode == 143:
        assert state(project)[:2] == before[:2], err
    else:  # finished before the signal landed
        assert proc.returncode == 0, err
        results = json.loads((project / "site" / "results.json").read_text())
        assert results["homes.count"]["value"] == 22


def test_two_builds_started_together_one_waits_out_with_a_clear_message(project, tmp_path):
    first = start(project, tmp_path / "t1", sleep=3)
    second = start(project, tmp_path / "t2", sleep=3)
    errs = [p.communicate(timeout=180)[1] for p in (first, second)]
    codes = [first.returncode, second.returncode]
    assert sorted(codes) == [0, 1], errs
    loser = errs[codes.index(1)]
    assert f"error: {LOCKED}" in loser
    assert "rendering" not in loser  # it stopped before doing anything
    results = json.loads((project / "site" / "results.json").read_text())
    assert results["homes.count"]["value"] == 22
    assert (project / "site" / "index.html").is_file()
    assert leftovers(project, tmp_path / "t1") == [] and leftovers(project, tmp_path / "t2") == []
