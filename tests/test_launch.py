"""The launcher (evidence.launch): analyses forked from one warm process stay isolated, record
the same package modules as a fresh interpreter, and are stopped on a time limit."""

import json
import textwrap

import pytest
from conftest import evidence
from evidence import launch


def _records(root):
    return {
        p.stem: json.loads(p.read_text())
        for p in (root / ".cache" / "evidence" / "analyses").glob("*.json")
    }


def _analysis(root, name, body):
    (root / "analyses" / f"{name}.py").write_text(
        "# %%\nfrom evidence import publish\n" + textwrap.dedent(body), encoding="utf-8"
    )


def test_forked_analyses_do_not_share_state(mini, capsys):
    _analysis(
        mini,
        "first",
        """
        import numpy as np
        import pandas as pd
        pd.set_option("display.max_rows", 3)
        np.random.seed(1)
        publish("first.rows", pd.get_option("display.max_rows"), unit="rows", description="x")
        """,
    )
    _analysis(
        mini,
        "second",
        """
        import pandas as pd
        import os
        publish("second.rows", pd.get_option("display.max_rows"), unit="rows", description="x")
        publish("second.pid_differs", os.getpid() != os.getppid(), unit="", description="x")
        """,
    )
    status, err = evidence(mini, "build", "--jobs", "1", capsys=capsys)
    assert status == 0, err
    results = json.loads((mini / "site" / "results.json").read_text())
    assert results["first.rows"]["value"] == 3
    assert results["second.rows"]["value"] == 60  # pandas' default: the first's change stayed put


@pytest.mark.skipif(not launch.enabled(), reason="no fork on this system")
def test_forked_and_fresh_children_record_the_same_modules(mini, capsys, monkeypatch):
    status, err = evidence(mini, "build", "--no-cache", capsys=capsys)
    assert status == 0, err
    forked = {k: r.get("modules") for k, r in _records(mini).items()}
    monkeypatch.setenv("EVIDENCE_FORK", "0")
    status, err = evidence(mini, "build", "--no-cache", capsys=capsys)
    assert status == 0, err
    fresh = {k: r.get("modules") for k, r in _records(mini).items()}
    assert forked and forked == fresh


def test_a_forked_analysis_that_hangs_is_stopped(mini, capsys):
    _analysis(mini, "hangs", "import time\ntime.sleep(600)\n")
    status, err = evidence(mini, "build", "--timeout", "2", capsys=capsys)
    assert status == 1
    assert "hangs.py" in err and "still running after 2 s, so it was stopped" in err
    assert launch._launcher is None  # the build stopped its launcher
