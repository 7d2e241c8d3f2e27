"""Bibliography reading and citation rendering."""

from pathlib import Path

import pytest
from evidence.cite import (
    Bibliography,
    check_keys,
    normal_title,
    normal_url,
    reference_list,
    render_citations,
)
from evidence.errors import EvidenceError
from hypothesis import given
from hypothesis import strategies as st

ENTRY = """@report{{{key},
  author = {{{{Nottingham City Council}}}},
  title = {{Block contract for children's residential care}},
  year = {{{year}}},
  month = jul,
  url = {{https://committee.nottinghamcity.gov.uk/{key}}},
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


# ---- one document, one entry: aliases (ids) and the duplicate check ---------------------------

ROOT = Path(__file__).resolve().parents[1]


def doc(key, url, year="2023", title="Block contract award", extra=""):
    return (
        f"@online{{{key},\n  author = {{{{Some Council}}}},\n  title = {{{title}}},\n"
        f"  year = {{{year}}},\n  url = {{{url}}},{extra}\n}}\n"
    )


URL1 = "https://x.test/n/1"
UNDATED = " note = {Undated: no date shown.},"


def test_duplicate_document_names_both_keys_files_and_lines(tmp_path):
    (tmp_path / "a.bib").write_text("\n" + doc("first", "https://www.council.test/decision/9/"))
    (tmp_path / "b.bib").write_text(doc("second", "http://council.test/decision/9", title="Other"))
    with pytest.raises(EvidenceError) as caught:
        Bibliography(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'b.bib'}: line 1: entry 'second' and entry 'first' (")
    assert f"{tmp_path / 'a.bib'}, line 2) have the same URL and year" in message
    assert "list the other key in its ids field" in message


@pytest.mark.parametrize(
    "one, two, why",
    [
        (doc("a", URL1), doc("b", URL1, year="2024"), "URL and title"),
        (doc("a", URL1), doc("b", "https://y.test/copy", title="block CONTRACT award!"),
         "title, author and year"),
        (doc("a", URL1, year="n.d.", extra=UNDATED),
         doc("b", URL1, year="n.d.", title="Other", extra=UNDATED), "URL and year"),
    ],
    ids=["same-url-and-title", "same-title-and-year", "both-undated-at-one-url"],
)  # fmt: skip
def test_duplicate_documents_are_refused(tmp_path, one, two, why):
    with pytest.raises(EvidenceError, match=f"have the same {why}"):
        bib(tmp_path, one + "\n" + two)


def test_releases_on_one_landing_page_are_not_duplicates(tmp_path):
    page = "https://www.gov.uk/government/collections/childrens-social-care-statistics"
    b = bib(
        tmp_path, doc("d2023", page, "2023", "Data 2023") + doc("d2024", page, "2024", "Data 2024")
    )
    assert set(b.entries) == {"d2023", "d2024"}


def test_one_title_from_different_authors_is_not_a_duplicate(tmp_path):
    one = doc("a", "https://x.test/decision/1", "n.d.", "Pan-London vehicle", UNDATED)
    two = doc("b", "https://y.test/decision/2", "n.d.", "Pan-London vehicle", UNDATED)
    b = bib(tmp_path, one + two.replace("Some Council", "Other Council"))
    assert set(b.entries) == {"a", "b"}


def test_entries_without_url_are_compared_by_title_and_year_only(tmp_path):
    one = "@misc{a, author = {{A}}, title = {Briefing}, year = {2014}}\n"
    two = "@misc{b, author = {{A}}, title = {Plan}, year = {2014}}\n"
    assert set(bib(tmp_path, one + two).entries) == {"a", "b"}


def test_an_old_key_cites_the_surviving_entry(tmp_path):
    b = bib(tmp_path, doc("kept", "https://x.test/1", extra="\n  ids = {old1, old-2},"))
    assert "old1" in b and "old-2" in b and "old1" not in b.entries
    html, keys = render_citations("See [@old1, p. 2] and [@kept].", b, "page.md")
    assert keys == ["kept"] and html.count('href="#ref-kept"') == 2
    assert "Some Council, 2023, p. 2" in html
    assert reference_list(["old-2", "kept"], b).count("<li ") == 1
    assert b.formatted()["old1"] == b.formatted()["kept"]
    assert check_keys("[@old-2]", b, "page.md") == ["kept"]


@pytest.mark.parametrize(
    "text, message",
    [
        (doc("a", URL1, extra=" ids = {b},") + doc("b", "https://x.test/2", title="T"),
         r"line 1: entry 'a' lists 'b' in ids, but 'b' is an entry of its own "
         r"\(.*refs\.bib, line 7\)"),
        (doc("a", "https://x.test/1", extra=" ids = {old},")
         + doc("b", "https://x.test/2", title="T", extra=" ids = {old},"),
         r"line 7: entry 'b' lists 'old' in ids, but entry 'a' \(.*refs\.bib, line 1\) "
         "already does"),
        (doc("a", "https://x.test/1", extra=" ids = {two words},"),
         "entry 'a' lists 'two words' in ids; expected citation keys separated by commas"),
    ],
    ids=["alias-is-an-entry", "alias-claimed-twice", "alias-not-a-key"],
)  # fmt: skip
def test_bad_aliases_name_file_and_line(tmp_path, text, message):
    with pytest.raises(EvidenceError, match=message):
        bib(tmp_path, text)


def test_citing_an_unknown_old_key_is_an_error_with_line(tmp_path):
    b = bib(tmp_path, doc("kept", "https://x.test/1", extra=" ids = {old},"))
    with pytest.raises(EvidenceError, match=r"page\.md: line 2: unknown citation key 'olde'"):
        render_citations("one\n[@olde]", b, "page.md")


hosts = st.from_regex(r"[a-z][a-z0-9-]{0,12}(\.[a-z]{2,6}){1,2}", fullmatch=True)
paths = st.from_regex(r"(/[A-Za-z0-9._~%-]{1,10}){0,4}", fullmatch=True)
queries = st.from_regex(
    r"(\?[A-Za-z]{1,5}=[A-Za-z0-9]{0,6}(&[A-Za-z]{1,5}=[0-9]{0,4})?)?", fullmatch=True
)


@given(hosts, paths, queries, st.sampled_from(["http://", "https://", "HTTPS://", ""]),
       st.booleans(), st.booleans())  # fmt: skip
def test_url_variants_of_one_address_normalise_alike(host, path, query, scheme, www, slash):
    plain = normal_url(f"https://{host}{path}{query}")
    variant = f"{scheme}{'www.' if www else ''}{host.upper()}{path}{'/' if slash else ''}{query}"
    assert normal_url(variant) == plain
    assert normal_url(plain) == plain  # normalising twice changes nothing


@given(hosts, paths, paths)
def test_different_paths_stay_different(host, one, two):
    if one.rstrip("/") != two.rstrip("/"):
        assert normal_url(f"https://{host}{one}") != normal_url(f"https://{host}{two}")


def test_normal_title_ignores_case_braces_and_punctuation():
    assert (
        normal_title("{Children's} Homes:  Block\nContract.") == "children s homes block contract"
    )


def test_shipped_bibliography_has_one_entry_per_document_and_says_why_any_is_undated():
    b = Bibliography(ROOT / "references")  # the duplicate check runs on construction
    undated = [k for k, e in b.entries.items() if str(e.fields["year"]).strip() == "n.d."]
    for key in undated:
        assert "Undated:" in b.entries[key].note, f"{key}: say in its note why it has no date"


def test_an_undated_entry_must_say_why(tmp_path):
    with pytest.raises(
        EvidenceError, match=r"line 1: entry 'a' has no date \(n\.d\.\); say in its"
    ):
        bib(tmp_path, doc("a", URL1, year="n.d.", extra=" note = {A page.},"))
    b = bib(tmp_path, doc("a", URL1, year="n.d.", extra=" note = {Undated: none shown.},"))
    assert b.in_text("a") == "Some Council, n.d."


@pytest.mark.parametrize(
    "title, shown",
    [("Up to {\\pounds}2m a year", "Up to £2m a year"), ("\\pounds 5 a week", "£5 a week")],
)
def test_latex_pound_sign_becomes_a_pound_sign(tmp_path, title, shown):
    b = bib(tmp_path, doc("a", URL1, title=title))
    assert b.csl("a")["title"] == shown and "\\pounds" not in b.formatted()["a"]
