"""End-to-end builds of the fixture project: output, cache, failure paths, atomicity."""

import json
import re

import pytest
from conftest import evidence, site_hash


def test_build_produces_site_pages_results_and_references(built_mini):
    site = built_mini / "site"
    assert (site / "index.html").is_file()
    prices = (site / "prices" / "index.html").read_text()
    assert "<table" in prices and '<th scope="col">' in prices
    assert "<caption>Prices by arrangement</caption>" in prices
    assert (site / "references" / "index.html").is_file()
    results = json.loads((site / "results.json").read_text())
    mean = results["prices.mean_price"]
    assert mean["value"] == pytest.approx((4000 + 5000.5 + 6000) / 3)
    assert mean["analysis"] == "analyses/prices.py" and mean["cell"] == 2
    assert set(mean["inputs"]) == {"prices"} and len(mean["inputs"]["prices"]["sha256"]) == 64


def test_pages_cite_and_link_results(built_mini):
    home = (built_mini / "site" / "index.html").read_text()
    assert "Competition and Markets Authority, 2022, p. 4" in home
    assert 'href="#ref-cma2022final"' in home and 'id="ref-cma2022final"' in home
    assert 'href="results/#r-prices-mean-price"' in home
    refs = (built_mini / "site" / "references" / "index.html").read_text()
    assert "Cited on:" in refs and "Available at:" in refs


def test_text_from_data_is_escaped_and_csv_is_neutralised(built_mini):
    page = (built_mini / "site" / "prices" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in page
    csv_text = (built_mini / "site" / "downloads" / "prices-table-1.csv").read_text()
    assert "'=1+2" in csv_text


def test_no_page_loads_from_another_host(built_mini):
    pattern = re.compile(
        r'<(?:script|img|iframe)[^>]*\ssrc="(?:https?:)?//|<link[^>]*href="(?:https?:)?//'
    )
    pages = list((built_mini / "site").rglob("*.html"))
    assert pages
    for page in pages:
        assert not pattern.search(page.read_text()), page


def test_second_build_runs_nothing_and_says_so(mini, capsys):
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 0
    assert "0 run, 2 reused" in err and "nothing to execute" in err
    assert "  run " not in err


def test_changing_a_table_reruns_only_its_readers(mini, capsys):
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    homes = mini / "analyses" / "data" / "homes.csv"
    homes.write_text(homes.read_text() + "East,5\n")
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 0
    assert "run   analyses/homes.py" in err and "reuse analyses/prices.py" in err
    results = json.loads((mini / "site" / "results.json").read_text())
    assert results["homes.count"]["value"] == 27


def test_data_option_swaps_the_data_directory(mini, tmp_path, capsys):
    import shutil

    other = tmp_path / "release2"
    shutil.copytree(mini / "analyses" / "data", other)
    (other / "homes.csv").write_text("area,homes\nNorth,1\n")
    status, err = evidence(mini, "build", "--data", str(other), capsys=capsys)
    assert status == 0, err
    results = json.loads((mini / "site" / "results.json").read_text())
    assert results["homes.count"]["value"] == 1


def _break_analysis(root):
    path = root / "analyses" / "homes.py"
    path.write_text(path.read_text() + "\n# %%\nx = 1\nraise ValueError('boom')\n")


def _unknown_key(root):
    path = root / "docs" / "index.md"
    path.write_text(path.read_text() + "\nAlso [@nosuchkey].\n")


def _malformed_bib(root):
    path = root / "references" / "refs.bib"
    path.write_text(path.read_text() + "\n@misc{broken,\n  title = {unclosed, year = {2020}\n")


def _bad_row(root):
    path = root / "analyses" / "data" / "prices.csv"
    path.write_text(path.read_text() + "d,blok,100,2020,2021,x,cma2022final\n")


@pytest.mark.parametrize(
    "breaker, expected",
    [
        (_break_analysis, r"analyses/homes\.py: cell 3, line 14: ValueError: boom"),
        (_unknown_key, r"docs/index\.md: line 6: unknown citation key 'nosuchkey'"),
        (_malformed_bib, r"refs\.bib: line 1[89]: cannot read this entry"),
        (_bad_row, r"prices\.csv: row 5, column 'model': 'blok' is not allowed"),
    ],
    ids=["broken-analysis", "unknown-key", "malformed-bib", "invalid-row"],
)
def test_failures_name_the_place_and_leave_site_untouched(mini, capsys, breaker, expected):
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    before = site_hash(mini)
    breaker(mini)
    status, err = evidence(mini, "build", capsys=capsys)
    assert status != 0
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1, err
    assert re.search(expected, err), err
    assert site_hash(mini) == before


def test_broken_analysis_shows_traceback(mini, capsys):
    _break_analysis(mini)
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 1
    assert "Traceback" not in err or "raise ValueError('boom')" in err
    assert "raise ValueError('boom')" in err


def test_analysis_reading_data_behind_the_loader_fails(mini, capsys):
    path = mini / "analyses" / "homes.py"
    path.write_text(path.read_text() + "\n# %%\nopen('analyses/data/prices.csv').read()\n")
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 1
    assert "load tables by name with load('prices')" in err


def test_analysis_time_limit(mini, capsys):
    path = mini / "analyses" / "homes.py"
    path.write_text(path.read_text() + "\n# %%\nwhile True:\n    pass\n")
    status, err = evidence(mini, "build", "--timeout", "3", capsys=capsys)
    assert status == 1
    assert "analyses/homes.py: " in err and "still running after 3 s, so it was stopped" in err


def test_check_runs_nothing_and_reports_ok(mini, capsys):
    status, err = evidence(mini, "check", capsys=capsys)
    assert status == 0 and "2 tables valid" in err
    assert not (mini / "site").exists()


def test_run_prints_results(mini, capsys):
    status = evidence(mini, "run", str(mini / "analyses" / "homes.py"), capsys=capsys)[0]
    assert status == 0


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["run"], ["serve"]])
def test_every_command_has_help(command, capsys):
    from evidence.cli import main

    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: evidence" in capsys.readouterr().out


def test_data_guidance_page_lists_tables_columns_and_downloads(built_mini):
    page = (built_mini / "site" / "data" / "index.html").read_text()
    assert 'id="table-prices"' in page and "<code>weekly_price_gbp</code>" in page
    assert "GBP per week" in page and "block, spot" in page
    csv_text = (built_mini / "site" / "data" / "prices.csv").read_text()
    assert "'=1+2" in csv_text  # the raw download is neutralised too
