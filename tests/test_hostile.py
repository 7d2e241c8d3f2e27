"""Hostile input: each bad file ends the build with one clear message (file, line or row, column,
what was expected), a non-zero exit and site/ exactly as it was; or it is rendered safely.

Every case lists, next to it, the message the user sees (stderr, after "error: ", run from the
project folder). The tests assert that message, so this file is also the catalogue of errors.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE, evidence
from evidence.cli import main
from evidence.project import content_hash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DATA = "analyses/data"
HEADER = "id,model,weekly_price_gbp,start_year,end_year,note,sources\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The fixture project, built once (site/, build/ and the analysis cache)."""
    root = tmp_path_factory.mktemp("hostile") / "mini"
    shutil.copytree(FIXTURE, root)
    assert main(["--project", str(root), "build"]) == 0
    return root


@pytest.fixture
def project(base, tmp_path, monkeypatch):
    """A private copy of the built fixture; commands run from its folder, as a user would."""
    root = tmp_path / "mini"
    shutil.copytree(base, root)
    monkeypatch.chdir(root)
    return root


# ---- ways to break a project -------------------------------------------------------------------


def append(rel, text):
    def apply(root):
        path = root / rel
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)

    return apply


def replace(rel, old, new):
    def apply(root):
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def write(rel, content: bytes | str):
    def apply(root):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)

    return apply


def large_file(root):
    """A 60 MB table (sparse, so the test stays fast): refused before it is read."""
    with open(root / DATA / "homes.csv", "ab") as handle:
        handle.truncate(60 * 1024 * 1024)


def folder(rel):
    """A folder where a file belongs (an unzipped export, a slip in a file manager)."""

    def apply(root):
        (root / rel).unlink()
        (root / rel).mkdir()

    return apply


def cp1252(rel, text):
    return write(rel, text.encode("cp1252"))


PRICES = f"{DATA}/prices.csv"
HOMES = f"{DATA}/homes.csv"
DESC = f"{DATA}/datapackage.yaml"
BIB = "references/refs.bib"
PAGE = "docs/index.md"
ANALYSIS = "analyses/homes.py"
MKDOCS = "mkdocs.yml"
FIDELITY = "docs/briefing/fidelity.yaml"
UTF16 = (
    "line 1: byte 0xff (the file is UTF-16, as some spreadsheets save 'Unicode text') is not "
    "UTF-8; re-save the file as UTF-8"
)
ENTRY = (
    "@misc{{{key},\n  author = {{{{Someone}}}},\n  title = {{A title}},\n  year = {{2020}},"
    "{extra}\n}}\n"
)
CELL = "\n# %%\n"
PAGE_CELL = (
    "import altair as alt\n"
    "from evidence import page\n"
    "CHART = alt.Chart(homes).mark_bar().encode(x='area', y='homes')\n"
    "with page('places/a', title='A'):\n"
)

# (id, how to break the project, the message the user sees, extra arguments to `evidence build`)
CASES = [
    # ---- tables -------------------------------------------------------------------------------
    ("ragged-row", append(PRICES, "d,block,1,2015,2016,x,cma2022final,EXTRA\n"),
     "analyses/data/prices.csv: row 5: has more cells than the header's columns"),
    ("short-row", append(PRICES, "d,block,1\n"),
     "analyses/data/prices.csv: row 5, column 'start_year': row has fewer cells than the "
     "header's columns"),
    ("missing-header", replace(PRICES, ",sources\n", "\n"),
     "analyses/data/prices.csv: line 1: missing column 'sources' (expected columns: id, model, "
     "weekly_price_gbp, start_year, end_year, note, sources)"),
    ("misspelt-header", replace(PRICES, "weekly_price_gbp", "weekly_prize_gbp"),
     "analyses/data/prices.csv: line 1: unexpected column 'weekly_prize_gbp'; did you mean "
     "'weekly_price_gbp'?"),
    ("header-out-of-order", replace(PRICES, "id,model", "model,id"),
     "analyses/data/prices.csv: line 1: columns are out of order; expected: id, model, "
     "weekly_price_gbp, start_year, end_year, note, sources"),
    ("cp1252-pound", cp1252(PRICES, HEADER + "a,block,1,2015,2016,costs £5 a week,\n"),
     "analyses/data/prices.csv: line 2: byte 0xa3 (0xa3 is '£' in Windows-1252) is not UTF-8; "
     "re-save the file as UTF-8"),
    ("excel-workbook-as-csv", write(HOMES, b"PK\x03\x04\x14\x00\x06\x00\x00!\x00\xb5U0#"),
     "analyses/data/homes.csv: line 1: byte 0xb5 (this is a ZIP file such as an Excel workbook; "
     "export it as CSV UTF-8) is not UTF-8; re-save the file as UTF-8"),
    ("nul-bytes", write(HOMES, "area,homes\nNorth,1\x00\x00\n"),
     "analyses/data/homes.csv: line 2: contains a NUL byte; expected plain CSV text (is this a "
     "binary file?)"),
    ("empty-file", write(HOMES, b""),
     "analyses/data/homes.csv: file is empty; expected a header row and data rows"),
    ("whitespace-only-file", write(HOMES, "\n  \n"),
     "analyses/data/homes.csv: file is empty; expected a header row and data rows"),
    ("blank-line", write(HOMES, "area,homes\nNorth,10\n\nSouth,12\n"),
     "analyses/data/homes.csv: row 3: is blank; expected a data row (delete the empty line)"),
    ("unclosed-quote", append(PRICES, 'd,block,1,2015,2016,"never closed,cma2022final\n'),
     "analyses/data/prices.csv: line 5: a quoted field (opened with \") is never closed; "
     'expected a closing " before the end of the row'),
    ("text-after-quote", append(PRICES, 'd,block,1,2015,2016,"quoted"then text,cma2022final\n'),
     "analyses/data/prices.csv: line 5: malformed quoting (',' expected after '\"'); expected a "
     'field with a comma or quote to be wrapped in quotes, with "" for a quote inside it'),
    ("unknown-category", append(PRICES, "d,blok,1,2015,2016,x,cma2022final\n"),
     "analyses/data/prices.csv: row 5, column 'model': 'blok' is not allowed; expected one of: "
     "block, spot"),
    ("negative-price", append(PRICES, "d,block,-400,2015,2016,x,cma2022final\n"),
     "analyses/data/prices.csv: row 5, column 'weekly_price_gbp': '-400' is below the minimum 0"),
    ("non-numeric-price", append(PRICES, "d,block,£400,2015,2016,x,cma2022final\n"),
     "analyses/data/prices.csv: row 5, column 'weekly_price_gbp': expected a number, got '£400'"),
    ("start-after-end", append(PRICES, "d,block,1,2020,2016,x,cma2022final\n"),
     "analyses/data/prices.csv: row 5, column 'end_year': 2016 comes before start_year 2020; "
     "expected end_year >= start_year"),
    ("duplicate-id", append(PRICES, "a,block,1,2015,2016,x,cma2022final\n"),
     "analyses/data/prices.csv: row 5, column 'id': 'a' duplicates an earlier row; values in this "
     "column must be unique"),
    ("missing-required", append(PRICES, ",block,1,2015,2016,x,cma2022final\n"),
     "analyses/data/prices.csv: row 5, column 'id': a value is required"),
    ("decimal-for-whole-number", append(HOMES, "East,12.5\n"),
     "analyses/data/homes.csv: row 4, column 'homes': expected a whole number, got '12.5'"),
    ("header-only", write(PRICES, HEADER),
     "analyses/data/prices.csv: table 'prices' has a header row but no data rows; expected at "
     "least 1 (loaded by analyses/prices.py)"),
    ("fewer-rows-than-declared", replace(DESC, "    path: homes.csv\n",
                                         "    path: homes.csv\n    x-min-rows: 5\n"),
     "analyses/data/homes.csv: table 'homes' has 2 data rows; expected at least 5 (loaded by "
     "analyses/homes.py)"),
    ("utf16-table", write(HOMES, "area,homes\nNorth,1\n".encode("utf-16")),
     "analyses/data/homes.csv: " + UTF16),
    ("latin1-table", write(HOMES, "area,homes\nKöln,3\n".encode("latin-1")),
     "analyses/data/homes.csv: line 2: byte 0xf6 is not UTF-8; re-save the file as UTF-8"),
    ("duplicated-column", write(HOMES, "area,homes,homes\nNorth,1,1\n"),
     "analyses/data/homes.csv: line 1: column 'homes' appears twice (columns 2 and 3); expected "
     "each column once"),
    ("very-large-file", large_file,
     "analyses/data/homes.csv: file is 63 MB; a table may be at most 52 MB"),
    ("table-file-missing", lambda root: (root / HOMES).unlink(),
     "analyses/data/homes.csv: table 'homes' is described but its file is missing"),
    ("unknown-key-in-table", append(PRICES, "d,block,1,2015,2016,x,nosuchsource\n"),
     "analyses/data/prices.csv: row 5, column 'sources': unknown citation key 'nosuchsource' "
     "(not in references/*.bib)"),
    ("not-a-key-in-table", append(PRICES, "d,block,1,2015,2016,x,see the CMA report\n"),
     "analyses/data/prices.csv: row 5, column 'sources': 'see the CMA report' is not a citation "
     "key"),
    # ---- the data package -----------------------------------------------------------------------
    ("datapackage-bad-yaml", append(DESC, "  - name: [broken\n"),
     "analyses/data/datapackage.yaml: line 23, column 1: not valid YAML (expected ',' or ']', "
     "but got '<stream end>', while parsing a flow sequence at line 22, column 11)"),
    ("datapackage-no-resources", write(DESC, "name: fixture\n"),
     "analyses/data/datapackage.yaml: expected a mapping with 'resources', a list of tables"),
    ("datapackage-no-schema", replace(DESC, "    schema:\n      fields:\n        - {name: area",
                                      "    x-schema:\n      fields:\n        - {name: area"),
     "analyses/data/datapackage.yaml: line 16: table 'homes' has no schema.fields; expected a "
     "list of columns"),
    ("datapackage-unknown-type", replace(DESC, "{name: homes, type: integer}",
                                         "{name: homes, type: integr}"),
     "analyses/data/datapackage.yaml: line 16: table 'homes', column 'homes': unknown type "
     "'integr'; did you mean 'integer'?"),
    ("datapackage-path-outside", replace(DESC, "path: homes.csv", "path: ../../../etc/hosts.csv"),
     "analyses/data/datapackage.yaml: line 16: table 'homes': path '../../../etc/hosts.csv' is "
     "outside the data directory; expected a file name relative to it"),
    ("datapackage-empty", write(DESC, ""),
     "analyses/data/datapackage.yaml: expected a mapping with 'resources', a list of tables"),
    ("datapackage-missing", lambda root: (root / DESC).unlink(),
     "no datapackage.yaml in data directory analyses/data"),
    ("datapackage-utf16", write(DESC, "name: fixture\n".encode("utf-16")),
     "analyses/data/datapackage.yaml: " + UTF16),
    ("datapackage-key-twice", replace(DESC, "    path: homes.csv\n",
                                      "    path: homes.csv\n    path: prices.csv\n"),
     "analyses/data/datapackage.yaml: line 18, column 5: not valid YAML (key 'path' is given "
     "twice in one mapping; first at line 17)"),
    ("datapackage-bad-min-rows", replace(DESC, "    path: homes.csv\n",
                                         "    path: homes.csv\n    x-min-rows: many\n"),
     "analyses/data/datapackage.yaml: line 16: table 'homes': x-min-rows is 'many'; expected a "
     "whole number of rows (0 for a table that may be empty)"),
    ("datapackage-primary-key-unknown", replace(DESC, "primaryKey: [id]", "primaryKey: [nope]"),
     "analyses/data/datapackage.yaml: line 3: table 'prices' is not described correctly: Schema "
     "is not valid: primary key"),
    ("datapackage-table-twice", replace(DESC, "  - name: homes", "  - name: prices"),
     "analyses/data/datapackage.yaml: line 16: table 'prices' is described twice"),
    # ---- references and citations ---------------------------------------------------------------
    ("unknown-key-in-page", append(PAGE, "\nAs shown [@nosuchkey, p. 2].\n"),
     "docs/index.md: line 6: unknown citation key 'nosuchkey' (not in references/*.bib)"),
    ("unknown-key-in-analysis", replace(ANALYSIS, "[@ofsted2023]", "[@ofsted2032]"),
     "analyses/homes.py: line 3: unknown citation key 'ofsted2032' (not in references/*.bib)"),
    ("duplicate-key", append(BIB, "\n" + ENTRY.format(key="ofsted2023", extra="")),
     "references/refs.bib: line 18: citation key 'ofsted2023' is defined twice"),
    ("duplicate-key-across-files", write("references/more.bib", ENTRY.format(key="ofsted2023",
                                                                             extra="")),
     "references/refs.bib: line 11: citation key 'ofsted2023' is defined twice (first at "
     "references/more.bib, line 1)"),
    ("bib-unbalanced-braces", append(BIB, "\n@misc{broken,\n  title = {unclosed, year = {2020}\n"),
     "references/refs.bib: line 18: cannot read this entry (unbalanced braces or a missing "
     "comma?)"),
    ("bib-missing-title", append(BIB, "\n@misc{x, author = {{A}}, year = {2020}}\n"),
     "references/refs.bib: line 18: entry 'x' has no title"),
    ("bib-missing-author", append(BIB, "\n@misc{x, title = {T}, year = {2020}}\n"),
     "references/refs.bib: line 18: entry 'x' has no author or organization"),
    ("bib-bad-year", append(BIB, "\n" + ENTRY.format(key="x", extra="").replace("2020", "20")),
     "references/refs.bib: line 18: entry 'x' has year '20'; expected four digits (or n.d. when "
     "no date is known)"),
    ("bib-bad-urldate", append(BIB, "\n" + ENTRY.format(key="x", extra=" urldate = {25/11/2026},")),
     "references/refs.bib: line 18: entry 'x' has urldate '25/11/2026'; expected the date the "
     "source was accessed as YYYY-MM-DD"),
    ("bib-same-document-twice",
     append(BIB, "\n" + ENTRY.format(key="x", extra=" url = {https://www.a.test/notice/},") + "\n"
            + ENTRY.format(key="y", extra=" url = {http://a.test/notice},")),
     "references/refs.bib: line 24: entry 'y' and entry 'x' (references/refs.bib, line 18) have "
     "the same URL and year: they are one document; keep one entry and list the other key in its "
     "ids field"),
    ("bib-undated-without-reason",
     append(BIB, "\n" + ENTRY.format(key="x", extra=" note = {A page.},").replace("2020", "n.d.")),
     "references/refs.bib: line 18: entry 'x' has no date (n.d.); say in its note why the "
     "document cannot be dated, starting 'Undated:'"),
    ("bib-alias-is-an-entry",
     append(BIB, "\n" + ENTRY.format(key="x", extra=" ids = {ofsted2023},")),
     "references/refs.bib: line 18: entry 'x' lists 'ofsted2023' in ids, but 'ofsted2023' is an "
     "entry of its own (references/refs.bib, line 11)"),
    ("bib-empty", write(BIB, ""),
     "references/refs.bib: file has no entries; expected BibTeX entries such as @misc{key, "
     "title = {...}, year = {...}}"),
    ("bib-missing", lambda root: (root / BIB).unlink(),
     "analyses/data/prices.csv: row 2, column 'sources': unknown citation key 'cma2022final' "
     "(not in references/*.bib)"),
    ("bib-field-twice", append(BIB, "\n@misc{x, author = {{A}}, title = {A}, title = {B}, "
                                    "year = {2020}}\n"),
     "references/refs.bib: line 18: entry 'x' gives the field 'title' twice; expected each "
     "field once"),
    ("bib-utf16", write("references/more.bib", ENTRY.format(key="x", extra="").encode("utf-16")),
     "references/more.bib: " + UTF16),
    ("bib-cp1252", cp1252("references/more.bib", ENTRY.format(key="x", extra=" note = {£5},")),
     "references/more.bib: line 4: byte 0xa3 (0xa3 is '£' in Windows-1252) is not UTF-8; "
     "re-save the file as UTF-8"),
    # ---- pages ----------------------------------------------------------------------------------
    ("missing-result-in-page", append(PAGE, '\nSaving: {{ result("prices.saving") }}.\n'),
     "docs/index.md: line 6: no result named 'prices.saving' (published results: see "
     "results.md)"),
    ("bad-jinja-in-page", append(PAGE, '\nSaving: {{ result("prices.mean_price" }}.\n'),
     "docs/index.md: line 6: unexpected '}', expected ')'"),
    ("undefined-name-in-page", append(PAGE, "\nSaving: {{ saving }}.\n"),
     "docs/index.md: line 6: 'saving' is undefined"),
    ("non-utf8-page", cp1252(PAGE, "# Home\n\nPrices from £4,000 a week.\n"),
     "docs/index.md: line 3: byte 0xa3 (0xa3 is '£' in Windows-1252) is not UTF-8; re-save the "
     "file as UTF-8"),
    ("empty-page", write(PAGE, ""),
     "docs/index.md: file is empty; expected the page's Markdown (delete the file and its nav "
     "entry in mkdocs.yml if the page is not wanted)"),
    ("page-missing", lambda root: (root / PAGE).unlink(),
     "mkdocs.yml: line 21: nav names 'index.md', but there is no docs/index.md and no "
     "analyses/index.py to make it; expected a page that exists (or remove the entry)"),
    ("utf16-page", write(PAGE, "# Home\n".encode("utf-16")), "docs/index.md: " + UTF16),
    # ---- analyses -------------------------------------------------------------------------------
    ("empty-analysis", write(ANALYSIS, ""),
     "analyses/homes.py: file is empty; expected an analysis in Jupytext percent format (# %% "
     "cells)"),
    ("analysis-missing", lambda root: (root / ANALYSIS).unlink(),
     "docs/index.md: line 4: no result named 'homes.count' (published results: see results.md)"),
    ("utf16-analysis", write(ANALYSIS, "# %%\nx = 1\n".encode("utf-16")),
     "analyses/homes.py: " + UTF16),
    ("analysis-raises", append(ANALYSIS, CELL + "x = 1\nraise ValueError('no homes')\n"),
     "analyses/homes.py: cell 3, line 14: ValueError: no homes"),
    ("analysis-never-ends", append(ANALYSIS, CELL + "while True:\n    pass\n"),
     "still running after 2 s, so it was stopped (the per-analysis time limit; raise it with "
     "--timeout)", ["--timeout", "2"]),
    ("reads-data-behind-loader", append(ANALYSIS, CELL + "open('analyses/data/prices.csv')\n"),
     "load tables by name with load('prices') so the build knows what the analysis read"),
    ("pandas-reads-data-behind-loader",
     append(ANALYSIS, CELL + "import pandas as pd\npd.read_csv('analyses/data/prices.csv')\n"),
     "load tables by name with load('prices') so the build knows what the analysis read"),
    ("load-unknown-table", append(ANALYSIS, CELL + "load('home')\n"),
     "Did you mean 'homes'?"),
    ("analysis-syntax-error", append(ANALYSIS, CELL + "total = (1 +\n"),
     "analyses/homes.py: cell 3, line 13: SyntaxError: '(' was never closed"),
    ("result-not-a-number", append(ANALYSIS, CELL + "publish('homes.bad', float('nan'), "
                                   "unit='homes', description='x')\n"),
     "analyses/homes.py: cell 3, line 13: result value nan is not a finite "
     "number"),
    ("result-published-twice", append(ANALYSIS, CELL + "publish('homes.count', 1, unit='homes', "
                                      "description='again')\n"),
     "analyses/homes.py: cell 3, line 13: result 'homes.count' is published "
     "twice"),
    ("result-in-two-analyses", write("analyses/other.py", "# %%\nfrom evidence import publish\n"
                                     "publish('homes.count', 1, unit='homes', description='x')\n"),
     "result 'homes.count' is published by both analyses/homes.py and analyses/other.py"),
    ("non-utf8-analysis", cp1252(ANALYSIS, "# %% [markdown]\n# Homes at £4,000\n"),
     "analyses/homes.py: line 2: byte 0xa3 (0xa3 is '£' in Windows-1252) is not UTF-8; re-save "
     "the file as UTF-8"),
    ("analysis-process-dies", append(ANALYSIS, CELL + "import os\nos._exit(3)\n"),
     "analyses/homes.py: the analysis process failed before writing a record (exit status 3)"),
    # ---- generated pages (page(...)): the same checks as the analysis's own page ----------------
    ("page-table-without-caption", append(ANALYSIS, CELL + PAGE_CELL + "    show(homes)\n"),
     "analyses/homes.py: cell 3, line 13: a table on page 'places/a' has no caption"),
    ("page-chart-without-description", append(ANALYSIS, CELL + PAGE_CELL + "    show(CHART)\n"),
     "analyses/homes.py: cell 3, line 13: a chart on page 'places/a' has no text description"),
    # ---- configuration ------------------------------------------------------------------------
    ("mkdocs-bad-yaml", replace("mkdocs.yml", "  font: false\n", "  font: [false\n"),
     "mkdocs.yml: line 7, column 8: not valid YAML (expected ',' or ']', but got ':', while "
     "parsing a flow sequence at line 6, column 9)"),
    ("mkdocs-empty", write(MKDOCS, ""),
     "mkdocs.yml: file is empty; expected the site's settings (site_name, nav, theme, ...)"),
    ("mkdocs-key-twice", append(MKDOCS, "site_name: Again\n"),
     "mkdocs.yml: line 27, column 1: not valid YAML (key 'site_name' is given twice in one "
     "mapping; first at line 1)"),
    ("mkdocs-utf16", write(MKDOCS, "site_name: Fixture\n".encode("utf-16")),
     "mkdocs.yml: " + UTF16),
    ("mkdocs-latin1", write(MKDOCS, "site_name: Café\n".encode("latin-1")),
     "mkdocs.yml: line 1: byte 0xe9 is not UTF-8; re-save the file as UTF-8"),
    ("mkdocs-no-site-name", replace(MKDOCS, "site_name: Fixture\n", ""),
     "mkdocs.yml: MkDocs could not build the site: Config value 'site_name': Required "
     "configuration not provided."),
    ("mkdocs-nav-page-missing", replace(MKDOCS, "  - Home: index.md\n",
                                        "  - Home: index.md\n  - Gone: gone.md\n"),
     "mkdocs.yml: line 22: nav names 'gone.md', but there is no docs/gone.md and no "
     "analyses/gone.py to make it; expected a page that exists (or remove the entry)"),
    ("mkdocs-missing", lambda root: (root / MKDOCS).unlink(), "no mkdocs.yml in "),
    # ---- a folder where a file belongs ----------------------------------------------------------
    ("page-is-a-folder", folder(PAGE), "docs/index.md: is a folder; expected a file"),
    ("bib-is-a-folder", folder(BIB), "references/refs.bib: is a folder; expected a file"),
    ("analysis-is-a-folder", folder(ANALYSIS), "analyses/homes.py: is a folder; expected a file"),
    # ---- the briefing's fidelity map and command line -------------------------------------------
    ("fidelity-empty", write(FIDELITY, ""),
     f"{FIDELITY}: file is empty; expected paragraphs_2014 and a list of paragraphs"),
    ("fidelity-a-list", write(FIDELITY, "- 1\n- 2\n"),
     f"{FIDELITY}: top level: expected a mapping (key: value), found [1, 2]"),
    ("fidelity-number-as-word", replace(FIDELITY, "  - number: 2", "  - number: second"),
     f"{FIDELITY}: paragraphs entry 2, number: expected a whole number, found 'second'"),
    ("fidelity-no-verdict", replace(FIDELITY, "    verdict: qualifies\n", ""),
     f"{FIDELITY}: paragraphs entry 2: 'verdict' is a required property"),
    ("fidelity-bad-yaml", append(FIDELITY, "x: [\n"), f"{FIDELITY}: line 15, column 1: not valid"),
    ("fidelity-cp1252", cp1252(FIDELITY, "paragraphs_2014: 2\nintroduction: £5\n"),
     f"{FIDELITY}: line 2: byte 0xa3 (0xa3 is '£' in Windows-1252) is not UTF-8"),
    ("briefing-for-blank", lambda root: None,
     "--briefing-for needs an authority's name or ONS code", ["--briefing-for", " "]),
]  # fmt: skip


def temp_folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".site-", ".build-")))


@pytest.mark.parametrize(
    "breaker, message, args",
    [(c[1], c[2], c[3] if len(c) > 3 else []) for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_input_stops_the_build_with_one_clear_message(project, capsys, breaker, message, args):
    before = content_hash(project / "site"), content_hash(project / "build")
    breaker(project)
    status, err = evidence(project, "build", *args, capsys=capsys)
    assert status != 0
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    assert "Traceback" not in err, err
    assert message in err, f"expected: {message}\ngot: {err}"
    assert (content_hash(project / "site"), content_hash(project / "build")) == before
    assert temp_folders(project) == []


def test_there_are_at_least_thirty_hostile_cases():
    assert len(CASES) >= 30 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "case",
    [
        "ragged-row",
        "datapackage-bad-yaml",
        "bib-unbalanced-braces",
        "bib-same-document-twice",
        "unknown-key-in-page",
        "mkdocs-bad-yaml",
        "header-only",
        "duplicated-column",
        "datapackage-key-twice",
        "bib-empty",
        "empty-page",
        "empty-analysis",
        "mkdocs-key-twice",
    ],
)
def test_check_reports_the_same_message_without_building(project, capsys, case):
    _, breaker, message = next(c for c in CASES if c[0] == case)[:3]
    breaker(project)
    status, err = evidence(project, "check", capsys=capsys)
    assert status == 1 and message in err


# ---- rendered safely ---------------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"
HOSTILE_ROWS = (
    f'd,spot,1,2015,2016,"{SCRIPT}",cma2022final\n'
    'e,spot,2,2015,2016,"<img src=x onerror=alert(1)>",cma2022final\n'
    "f,spot,3,2015,2016,+SUM(A1:A2),cma2022final\n"
    "g,spot,4,2015,2016,-2+3,cma2022final\n"
    "h,spot,5,2015,2016,\"@cmd|' /C calc'!A0\",cma2022final\n"
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The fixture with script, markup and formulas in text fields, a BOM on a table, markup in a
    source's note and in a result's description: it builds, and all of it is inert."""
    root = tmp_path_factory.mktemp("safe") / "mini"
    shutil.copytree(FIXTURE, root)
    append(PRICES, HOSTILE_ROWS)(root)
    homes = root / HOMES
    homes.write_bytes(b"\xef\xbb\xbf" + homes.read_bytes())
    replace(BIB, "note = {Fixture entry.}", f"note = {{Fixture {SCRIPT} entry.}}")(root)
    replace(ANALYSIS, 'description="homes in all areas"', f'description="homes {SCRIPT}"')(root)
    assert main(["--project", str(root), "build"]) == 0
    return root / "site"


def page(site, name):
    return (site / name / "index.html").read_text(encoding="utf-8")


SAFE = {
    # where the hostile text lands -> what must not be there, what must be there instead
    "script-in-table-cell": ("prices", SCRIPT, "&lt;script&gt;alert("),
    "img-onerror-in-table-cell": ("prices", "<img src=x onerror", "&lt;img src=x onerror"),
    "script-in-note-on-references": ("references", SCRIPT, "&lt;script&gt;"),
    "script-in-result-description-on-results": ("results", SCRIPT, "&lt;script&gt;"),
    "script-in-result-description-in-title": ("", SCRIPT, "homes &lt;script&gt;"),
}


@pytest.mark.parametrize("where, raw, escaped", SAFE.values(), ids=SAFE.keys())
def test_markup_in_text_is_escaped_on_the_page(hostile_site, where, raw, escaped):
    text = page(hostile_site, where) if where else (hostile_site / "index.html").read_text()
    assert raw not in text
    assert escaped in text


FORMULAS = ["'+SUM(A1:A2)", "'-2+3", "'@cmd|' /C calc'!A0", "'=1+2"]


@pytest.mark.parametrize("download", ["downloads/prices-table-1.csv", "data/prices.csv"])
def test_formula_cells_are_neutralised_in_csv_downloads(hostile_site, download):
    import csv
    import io

    rows = list(csv.reader(io.StringIO((hostile_site / download).read_text(encoding="utf-8"))))
    notes = [row[5] for row in rows[1:]]
    for formula in FORMULAS:
        assert formula in notes, (formula, notes)
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@")]


def test_a_bom_on_a_table_is_harmless(hostile_site):
    results = json.loads((hostile_site / "results.json").read_text())
    assert results["homes.count"]["value"] == 22  # the first column was read as 'area'


# ---- an analysis that never returns ------------------------------------------------------------

HANGS = {
    # the cell spins in Python: interrupted at the limit, it says the line it was on
    "interruptible": ("while True:\n    pass\n", r"cell 3, line 1[34]"),
    # it ignores Ctrl-C: killed after the grace period, the message names the cell it started
    "ignores-ctrl-c": (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n",
        r"cell 3 \(from line 13\)",
    ),
}


@pytest.mark.parametrize("body, where", HANGS.values(), ids=HANGS.keys())
def test_a_hung_analysis_says_it_is_still_running_and_where_it_stopped(
    project, capsys, monkeypatch, body, where
):
    from evidence import processes

    monkeypatch.setattr(processes, "PROGRESS_EVERY", 1.0)
    monkeypatch.setattr(processes, "GRACE", 1.0)
    before = content_hash(project / "site")
    append(ANALYSIS, CELL + body)(project)
    status, err = evidence(project, "build", "--timeout", "10", capsys=capsys)
    assert status == 1 and "Traceback" not in err, err
    progress = [line for line in err.splitlines() if "still running: analyses/homes.py (" in line]
    assert len(progress) >= 5, err  # about one a second over ten seconds
    assert "cell 3)" in progress[-1], progress  # the cell it is in, while it runs
    expected = rf"analyses/homes.py: {where}: still running after 10 s, so it was stopped \(the "
    assert re.search(expected, err), err
    assert content_hash(project / "site") == before


def test_the_default_time_limit_fits_the_slowest_analysis_with_a_margin():
    """The default stops a hung analysis in minutes, not ten; the measured slowest shipped
    analysis (13.4 s under load, processes.py) must fit several times over."""
    from evidence import processes

    assert 60 <= processes.DEFAULT_TIMEOUT <= 300
    assert processes.PROGRESS_EVERY < processes.DEFAULT_TIMEOUT / 5


# ---- every real table, header only ---------------------------------------------------------------

REAL = Path(__file__).resolve().parents[1]
REAL_TABLES = sorted(p.stem for p in (REAL / DATA).glob("*.csv"))


@pytest.fixture(scope="module")
def real_data(tmp_path_factory):
    target = tmp_path_factory.mktemp("real") / "data"
    shutil.copytree(REAL / DATA, target)
    return target


@pytest.mark.parametrize("table", REAL_TABLES)
def test_each_real_table_with_its_header_only_names_the_analyses_that_need_it(real_data, table):
    from evidence.data import DataPackage
    from evidence.errors import EvidenceError
    from evidence.pipeline import tables_loaded
    from evidence.project import Project

    path = real_data / f"{table}.csv"
    original = path.read_bytes()
    path.write_bytes(original.splitlines(keepends=True)[0])
    try:
        package = DataPackage(real_data)
        package.loaded_by = tables_loaded(Project(REAL))
        with pytest.raises(EvidenceError) as caught:
            package.validate(table)
    finally:
        path.write_bytes(original)
    message = str(caught.value)
    said = f"{table}.csv: table {table!r} has a header row but no data rows; expected at least 1"
    assert said in message, message
    for analysis in package.loaded_by.get(table, []):
        assert analysis in message
    if table == "arrangements":
        assert "analyses/block_contract_outcomes.py" in message


# ---- the parsers, on arbitrary input -------------------------------------------------------------

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=200))
def test_any_yaml_text_loads_or_fails_with_a_line(text):
    from evidence.errors import EvidenceError
    from evidence.project import load_yaml

    try:
        load_yaml(text, "mkdocs.yml")
    except EvidenceError as exc:
        assert str(exc).startswith("mkdocs.yml: ")


@FUZZ
@given(st.binary(max_size=120) | st.text(max_size=120).map(lambda t: ("area,homes\n" + t).encode()))
def test_any_table_bytes_validate_or_fail_with_one_message(tmp_path_factory, data):
    from evidence.data import DataPackage
    from evidence.errors import EvidenceError

    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(FIXTURE / DATA, root / "data")
    (root / "data" / "homes.csv").write_bytes(data)
    try:
        DataPackage(root / "data").validate("homes")
    except EvidenceError as exc:
        assert "homes.csv: " in str(exc) and "Traceback" not in str(exc)


@FUZZ
@given(st.text(max_size=200))
def test_any_bib_text_reads_or_fails_with_one_message(tmp_path_factory, text):
    from evidence.cite import Bibliography
    from evidence.errors import EvidenceError

    root = tmp_path_factory.mktemp("bib")
    (root / "x.bib").write_text(text, encoding="utf-8")
    try:
        Bibliography(root)
    except EvidenceError as exc:
        assert "x.bib: " in str(exc)
