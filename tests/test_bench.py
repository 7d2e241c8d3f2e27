"""The benchmark's plumbing and the no-change shortcut. Behaviour only: no timings are asserted
(the benchmark itself, `evidence bench`, is run by hand, never by the tests)."""

import pytest
from conftest import evidence, site_hash
from evidence.bench import format_table, stress_project, synthesize_tables, tree_rss
from evidence.cli import main


def test_bench_help_works(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["bench", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "mkdocs-jupyter" in out and "--quick" in out


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


def test_report_table_names_pending_national_edition():
    report = {
        "machine": {"nproc": 2, "memory_gib": 24, "cpu_model": "x", "python": "3.11"},
        "settings": {"slow_runs": 1, "fast_runs": 3},
        "measures": {"d": {"national": {"status": "pending", "why": "not there yet"}}},
    }
    text = format_table(report)
    assert "pending" in text and "not there yet" in text


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
