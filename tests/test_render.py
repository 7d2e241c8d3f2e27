"""The render stage: References made from the complete set of pages, one output renderer for
analysis pages and page(...) pages, and build facts found once."""

import json
import os
import re
import shutil
import stat

import pytest
from conftest import FIXTURE
from evidence import run
from evidence.cli import main

GENERATED = """
# %%
import altair as alt
from evidence import page

chart = alt.Chart(homes).mark_bar().encode(x="area", y="homes")
with page("places/north", title="North"):
    show("The north [@ofsted2023].")
    show(homes, caption="Homes in the north")
    show(chart, description="Homes by area, as bars")
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The fixture project with a page(...) chart, built once with `git` counted."""
    base = tmp_path_factory.mktemp("render")
    root = base / "mini"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("site", "build", ".cache"))
    with open(root / "analyses" / "homes.py", "a", encoding="utf-8") as handle:
        handle.write(GENERATED)
    calls = base / "git-calls"
    wrapper = base / "bin" / "git"
    wrapper.parent.mkdir()
    real = shutil.which("git")
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {real} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    saved = {k: os.environ.get(k) for k in ("PATH", "SOURCE_DATE_EPOCH")}
    os.environ["PATH"] = f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}"
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        assert main(["--project", str(root), "build"]) == 0
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    log = calls.read_text().splitlines() if calls.exists() else []
    return root, log


def _cited(text: str) -> set[str]:
    return set(re.findall(r'class="citation" href="#ref-([^"]+)"', text))


def test_references_list_the_briefing_and_fidelity_pages_for_every_key_they_cite(built_mini):
    docs = built_mini / "build" / "docs"
    references = (docs / "references.md").read_text(encoding="utf-8")
    entries = dict(re.findall(r'<li id="ref-([^"]+)">(.*?)</li>', references))
    checked = 0
    for page, href in (
        ("briefing/index.md", "../briefing/"),
        ("briefing/fidelity.md", "../briefing/fidelity/"),
    ):
        keys = _cited((docs / page).read_text(encoding="utf-8"))
        assert keys, page
        for key in keys:
            cited_on = entries[key].partition("Cited on:")[2]
            assert f'href="{href}"' in cited_on, (key, page)
            checked += 1
    assert checked >= 3


def test_charts_on_generated_pages_get_the_four_tabs(generated):
    root, _ = generated
    page = (root / "build" / "docs" / "places" / "north.md").read_text(encoding="utf-8")
    labels = re.findall(r'<label for="[^"]+">([^<]+)</label>', page)
    assert labels == ["Chart", "Table", "Sources", "Download"]
    assert 'alt="Homes by area, as bars"' in page and 'alt="Chart"' not in page
    # Sources names the cell and line that drew it; the data and image are downloadable
    assert "Drawn by cell 3 of <code>analyses/homes.py</code> (line 13)" in page
    assert re.search(r'href="../../downloads/places-north-table-chart-\w+-data.csv"', page)
    assert (root / "build" / "docs" / "downloads" / "places-north-table-1.csv").is_file()
    site = root / "site" / "places" / "north" / "index.html"
    assert "Homes in the north" in site.read_text(encoding="utf-8")


def test_a_build_asks_git_for_the_commit_time_once(generated):
    _, calls = generated
    assert [c for c in calls if c.startswith("log")] == ["log -1 --format=%ct"], calls


def test_the_cache_key_follows_the_package_modules_an_analysis_ran_with(built_mini):
    entry = json.loads(
        (built_mini / ".cache" / "evidence" / "analyses" / "homes.json").read_text("utf-8")
    )
    modules = entry["record"]["modules"]
    assert {"api.py", "run.py", "data.py"} <= set(modules)
    assert "render.py" not in modules and "models.py" not in modules  # not imported by it
    assert run.code_hash(modules) == run.code_hash(list(modules))
    assert run.code_hash([*modules, "models.py"]) != run.code_hash(modules)
    assert run.code_hash([*modules, "no_such_module.py"]) is None


def test_a_changed_helper_module_invalidates_the_cache(tmp_path, monkeypatch):
    (tmp_path / "helper.py").write_text("X = 1\n")
    monkeypatch.setattr(run, "PACKAGE", tmp_path)
    before = run.code_hash(["helper.py"])
    (tmp_path / "helper.py").write_text("X = 2\n")
    assert run.code_hash(["helper.py"]) != before


def test_data_blocks_skip_markdown_and_come_back_intact():
    """Tables and chart tab sets bypass Markdown and the search index; every byte returns."""
    from evidence.errors import EvidenceError
    from evidence.stash import restore, stash

    table = '<div class="evidence-table"><table><tr><td>*not emphasis*</td></tr>\n</table></div>'
    page = f"# T\n\nSome *prose*.\n\n{table}\n<p>download</p>\n\n```\n{table}\n```\n\nEnd.\n"
    text, held = stash(page)
    assert held == [f"{table}\n<p>download</p>"]  # the block runs to the blank line
    assert "*not emphasis*" not in text.split("```")[0]  # gone from what Markdown reads
    assert text.count(table) == 1  # the copy inside fenced code is text and stays
    assert restore(text, held, "t.md") == page
    glued = "Text right above.\n" + table + "\n"  # not a block of its own: left to Markdown
    assert stash(glued) == (glued, [])
    with pytest.raises(EvidenceError, match="did not come through MkDocs intact"):
        restore("<p>nothing</p>", held, "t.md")
