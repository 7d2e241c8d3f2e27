"""Bibliography reading and citation rendering."""

import pytest
from evidence.cite import Bibliography, render_citations
from evidence.errors import EvidenceError

ENTRY = """@report{{{key},
  author = {{{{Nottingham City Council}}}},
  title = {{Block contract for children's residential care}},
  year = {{{year}}},
  month = jul,
  url = {{https://committee.nottinghamcity.gov.uk/x}},
  urldate = {{2026-11-25}},
}}
"""


def bib(tmp_path, text):
    (tmp_path / "refs.bib").write_text(text)
    return Bibliography(tmp_path)


def test_harvard_reference_keeps_url_and_accessed_date(tmp_path):
    b = bib(tmp_path, ENTRY.format(key="city2014", year="2014"))
    ref = b.formatted()["city2014"]
    assert ref.startswith("Nottingham City Council (2014) <i>Block contract")
    assert "Available at: <a href=" in ref and "(Accessed: 25 November 2026)" in ref


def test_citations_with_locator_and_several_keys(tmp_path):
    text = ENTRY.format(key="a", year="2014") + ENTRY.format(key="b", year="2015")
    b = bib(tmp_path, text)
    html, keys = render_citations("See [@a, p. 4] and [@a; @b].", b, "page.md")
    assert "Nottingham City Council, 2014, p. 4" in html
    assert html.count('href="#ref-a"') == 2 and keys == ["a", "b"]


def test_same_author_and_year_get_letters(tmp_path):
    text = ENTRY.format(key="a", year="2014") + ENTRY.format(key="b", year="2014").replace(
        "Block", "Another"
    )
    b = bib(tmp_path, text)
    assert b.in_text("b") == "Nottingham City Council, 2014a"
    assert b.in_text("a") == "Nottingham City Council, 2014b"


def test_unknown_key_names_file_and_line(tmp_path):
    b = bib(tmp_path, ENTRY.format(key="a", year="2014"))
    with pytest.raises(EvidenceError, match=r"page\.md: line 3: unknown citation key 'zz'"):
        render_citations("one\ntwo\nthree [@zz]", b, "page.md")


def test_duplicate_key_is_an_error_with_line(tmp_path):
    with pytest.raises(EvidenceError, match=r"line 9: citation key 'a' is defined twice"):
        bib(tmp_path, ENTRY.format(key="a", year="2014") + ENTRY.format(key="a", year="2015"))


def test_duplicate_key_across_files(tmp_path):
    (tmp_path / "b.bib").write_text(ENTRY.format(key="a", year="2015"))
    with pytest.raises(EvidenceError, match="defined twice"):
        bib(tmp_path, ENTRY.format(key="a", year="2014"))


@pytest.mark.parametrize(
    "text, message",
    [
        ("@misc{x,\n title = {open, year = {2020}\n}\n@misc{y, title={t}, year=2020}", "line 1"),
        ("@misc{x, author={{A}}, year = {2020}}", "entry 'x' has no title"),
        ("@misc{x, author={{A}}, title = {T}}", "entry 'x' has no year"),
        ("@misc{x, title = {T}, year = {2020}}", "entry 'x' has no author or organization"),
        ("@misc{x, author={{A}}, title = {T}, year = {20}}", "expected four digits"),
    ],
    ids=["unbalanced", "no-title", "no-year", "no-author", "bad-year"],
)
def test_malformed_bib(tmp_path, text, message):
    with pytest.raises(EvidenceError, match=message):
        bib(tmp_path, text)


def test_link_without_at_is_not_a_citation(tmp_path):
    b = bib(tmp_path, ENTRY.format(key="a", year="2014"))
    html, keys = render_citations("[a link](https://x.test) and [plain]", b, "p.md")
    assert keys == [] and html == "[a link](https://x.test) and [plain]"
