"""The benchmark's plumbing and the no-change shortcut. Behaviour only: no timings are asserted
(the benchmark itself, `scripts/bench`, is run by hand, never by the tests)."""

import re
from pathlib import Path

import pytest
from benchmark import baseline
from benchmark.__main__ import main as bench_main
from benchmark.measures import Bench
from benchmark.projects import set_cell, stress_project, synthesize_tables
from benchmark.report import format_table
from benchmark.timing import tree_rss
from conftest import evidence, site_hash
from evidence.errors import EvidenceError


def test_bench_help_works(capsys):
    with pytest.raises(SystemExit) as exit_:
        bench_main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "mkdocs-jupyter" in out and "--quick" in out and "baseline.lock" in out


def test_bench_refuses_an_unknown_measure(capsys):
    assert bench_main(["--only", "az"]) == 2
    assert "--only takes letters of ankbcmd, not z" in capsys.readouterr().err


def test_evidence_has_no_bench_command(capsys):
    from evidence.cli import main

    with pytest.raises(SystemExit):
        main(["bench"])
    assert "invalid choice: 'bench'" in capsys.readouterr().err


def test_baseline_lock_pins_every_package_with_hashes():
    lock = baseline.LOCK.read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", lock, re.M))
    assert "#    pip-compile --allow-unsafe --generate-hashes" in lock  # how to regenerate it
    wanted = dict(
        re.findall(r"^([a-z-]+)==(\S+)$", baseline.LOCK.with_name("baseline.in").read_text(), re.M)
    )
    assert wanted and all(pins.get(name) == version for name, version in wanted.items())
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock.split("\n\n", 1)[-1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)


def test_baseline_twin_runs_the_analyses_through_mkdocs_jupyter(mini, tmp_path):
    import yaml

    config = baseline.make_project(mini, tmp_path / "twin")
    data = yaml.safe_load(config.read_text())
    plugin = data["plugins"][1]["mkdocs-jupyter"]
    assert plugin["execute"] is True and plugin["allow_errors"] is False
    assert "nav" not in data and (tmp_path / "twin" / "docs" / "homes.py").is_file()
    facts = {"cache_dir": ".cache/mkdocs-jupyter"}
    assert baseline.cache_dir(tmp_path / "twin", facts) == tmp_path / "twin/.cache/mkdocs-jupyter"


def test_a_cold_baseline_run_must_find_the_cache_it_clears(tmp_path):
    bench = Bench(tmp_path, tmp_path, tmp_path, Path("e"), Path("m"), None, {"cache_dir": "c"})
    cleared = []
    before = bench.base_cold(tmp_path, cleared)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "x.json").write_text("{}")
    (tmp_path / "site").mkdir()
    before(0)
    assert cleared == [1] and not (tmp_path / "c").exists() and not (tmp_path / "site").exists()
    with pytest.raises(EvidenceError, match="could not be shown to be cold"):
        before(1)  # the last run wrote no cache where the plugin said it keeps one


def test_set_cell_changes_one_cell(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("name,value\na,1\nb,2\n")
    assert set_cell(path, "name", "b", "value", lambda v: str(int(v) * 3)) == ("2", "6")
    assert path.read_text() == "name,value\na,1\nb,6\n"
    with pytest.raises(EvidenceError, match="no row with name = 'c'"):
        set_cell(path, "name", "c", "value", str)


def test_stress_project_passes_check_and_is_deterministic(mini, tmp_path, capsys):
    first = stress_project(mini, tmp_path / "one", factor=3, seed=1)
    second = stress_project(mini, tmp_path / "two", factor=3, seed=1)
    assert first == second and first["analyses"] == 3 * 2
    for name in ("one", "two"):
        assert (tmp_path / name / "analyses" / "homes_s02.py").is_file()
    data = [
        sorted(p.read_bytes() for p in (tmp_path / n / "analyses" / "data").glob("*.csv"))
        for n in ("one", "two")
    ]
    assert data[0] == data[1]
    status, err = evidence(tmp_path / "one", "check", capsys=capsys)
    assert status == 0, err


def test_synthetic_rows_keep_their_table_valid(mini, capsys):
    sizes = synthesize_tables(mini / "analyses" / "data", 4, seed=2)
    assert sizes  # every table listed
    status, err = evidence(mini, "check", capsys=capsys)
    assert status == 0, err


def test_tree_rss_counts_this_process():
    import os

    assert tree_rss(os.getpid()) > 1024 * 1024


def test_report_table_names_versions_caches_and_every_row():
    pair = {
        "ratio_median": 0.4,
        "ours": {"wall": {"median": 4.0}},
        "baseline": {"wall": {"median": 10.0}},
        "verdict": "pass",
        "cleared": {"ours": "removed .cache/", "baseline": "removed .cache/mkdocs-jupyter/"},
    }
    report = {
        "machine": {
            "nproc": 2,
            "memory_gib": 24,
            "cpu_model": "x",
            "python": "3.11",
            "load_average_at_start": [3.0, 2.0, 1.0],
            "load_average_at_end": [4.0, 2.5, 1.5],
        },
        "settings": {"slow_runs": 1, "fast_runs": 3},
        "baseline": {"lock": "baseline.lock", "versions": {"mkdocs-jupyter": "0.26.3"}},
        "measures": {
            "a": pair,
            "n": {**pair, "verdict": "-"},
            "k": {
                "ours": {"page_before": "83.3%", "page_after": "80.1%"},
                "fresh_run_value": 0.8013,
                "baseline": {"says": "stale: still shows 0.8333"},
                "verdict": "pass",
            },
        },
    }
    text = format_table(report)
    assert "0.40  (4.0 s vs 10.0 s)" in text and "mkdocs-jupyter 0.26.3" in text
    assert "removed .cache/mkdocs-jupyter/" in text and "83.3% -> 80.1%" in text
    assert "stale: still shows 0.8333" in text and "2 cores" in text and "4.0, 2.5, 1.5" in text


def test_unchanged_build_does_nothing_but_an_edited_site_is_rebuilt(mini, capsys):
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    before = site_hash(mini)
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 0 and "site/ was up to date" in err and "  run " not in err
    assert site_hash(mini) == before
    (mini / "site" / "index.html").write_text("tampered")
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 0 and "site/ was up to date" not in err
    assert site_hash(mini) == before


def test_an_edited_page_or_no_cache_means_a_full_build(mini, capsys):
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    page = mini / "docs" / "index.md"
    page.write_text(page.read_text() + "\nOne more line.\n")
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 0 and "site/ was up to date" not in err
    assert "One more line." in (mini / "site" / "index.html").read_text()
    status, err = evidence(mini, "build", "--no-cache", capsys=capsys)
    assert status == 0 and "site/ was up to date" not in err and "  run " in err


def test_analysis_row_reads_the_draws_the_run_printed_and_fails_on_too_few(tmp_path):
    from benchmark.analyses import _draws, analysis_table_rows, row_verdict

    log = tmp_path / "run.log"
    log.write_text('{\n "m.draws": {"unit": "draws", "value": 10000}\n}\n  done  analyses/m.py\n')
    assert _draws(str(log), "m.draws") == 10000
    assert _draws(str(log), "m.other") is None
    assert row_verdict(1.5, 10000, 10000, 3.0) == "pass"
    assert row_verdict(3.5, 10000, 10000, 3.0) == "FAIL"  # too slow
    assert row_verdict(1.5, 9999, 10000, 3.0) == "FAIL"  # too few draws
    assert row_verdict(1.5, None, 10000, 3.0) == "FAIL"  # the run printed no count
    row = {
        "seconds_median": 1.52,
        "cpu_seconds_median": 1.4,
        "limit_s": 3.0,
        "draws": 10000,
        "fewest_draws": 10000,
        "verdict": "pass",
    }
    (line,) = analysis_table_rows({"m": {"block_vs_spot": row}})
    assert line == (
        "(m) block_vs_spot on its own",
        "1.5 s (processor 1.4 s), 10,000 draws",
        "≤ 3 s, ≥ 10,000 draws",
        "pass",
    )


def test_baseline_lock_holds_every_dependency_of_the_project():
    """The baseline runs our analyses, so it needs every package they import (statsmodels was
    once missing and the cold baseline failed in the outcomes notebook)."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    wanted = {re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower().replace("_", "-") for d in deps}
    lock = baseline.LOCK.read_text()
    pinned = {n.lower().replace("_", "-") for n in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    assert wanted <= pinned, f"not in {baseline.LOCK.name}: {sorted(wanted - pinned)}"


def test_like_for_like_copy_drops_the_nav_entry_of_the_left_out_analysis(tmp_path):
    from benchmark.projects import without_nav_entry

    config = tmp_path / "mkdocs.yml"
    config.write_text("nav:\n  - Home: index.md\n  - Authorities: authorities.md\n")
    without_nav_entry(config, "authorities.py")
    assert config.read_text() == "nav:\n  - Home: index.md\n"
    with pytest.raises(EvidenceError, match="no nav entry for authorities.md"):
        without_nav_entry(config, "authorities.py")
