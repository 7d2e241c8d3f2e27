"""The briefing as a decision paper: key figures, options, risks and charts in the page and the
Word document; the same briefing for any authority (`evidence build --briefing-for`)."""

import re
import shutil
from pathlib import Path

import pytest
from conftest import evidence, site_hash
from evidence.briefing import resolve_authority
from evidence.data import DataPackage
from evidence.errors import EvidenceError
from evidence.formatting import money_millions
from evidence.project import content_hash

ROOT = Path(__file__).resolve().parents[1]
PENNY = re.compile(r"£-?[\d,]+\.\d\d\b")


def docx(path: Path):
    from docx import Document

    return Document(str(path))


def docx_all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# ---- fast ---------------------------------------------------------------------------------------


def test_money_millions_never_to_the_pound():
    assert money_millions(75_061_910) == "£75.1 million"
    assert money_millions(-8_580_000) == "-£8.6 million"
    assert money_millions(None) == ""


def test_authority_by_code_or_name_and_did_you_mean():
    package = DataPackage(ROOT / "analyses" / "data")
    assert resolve_authority(package, "E08000025") == ("E08000025", "Birmingham")
    assert resolve_authority(package, "  birmingham ") == ("E08000025", "Birmingham")
    assert resolve_authority(package, "e09000012")[1] == "Hackney"
    with pytest.raises(EvidenceError) as err:
        resolve_authority(package, "Birmingam")
    assert "did you mean Birmingham (E08000025)?" in str(err.value)
    assert "analyses/data/authorities.csv" in str(err.value)


def test_a_tables_row_with_the_wrong_number_of_cells_names_file_and_row(mini, capsys):
    (mini / "docs/briefing/decision.yaml").write_text(
        "key-figures: {caption: K, columns: [a, b], rows: [[x, y]]}\n"
        "options: {caption: O, columns: [a, b], rows: [[x, y], [only one]]}\n"
        "risks: {caption: R, columns: [a, b], rows: [[x, y]]}\n",
        encoding="utf-8",
    )
    before = site_hash(mini)
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 1
    assert "docs/briefing/decision.yaml" in err and "options row 2: expected 2 cells" in err
    assert site_hash(mini) == before


def test_tables_render_with_results_and_citations_in_the_fixture(mini, capsys):
    (mini / "docs/briefing/decision.yaml").write_text(
        "key-figures:\n  caption: Key figures\n  columns: [Figure, Value]\n  rows:\n"
        "    - [Mean price, \"{{ result('prices.mean_price') }} [@ofsted2023]\"]\n"
        '    - [Dropped when empty, "{{ none }}"]\n'
        "options: {caption: Options, columns: [Option, Cost], rows: [[Spot, not modelled]]}\n"
        "risks: {caption: Risks, columns: [Risk, Terms], rows: [[Empty beds, a void share]]}\n",
        encoding="utf-8",
    )
    template = mini / "docs/briefing/briefing.md"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace(
            "## Conclusion", '{{ block("key-figures") }}\n\n{{ block("options") }}\n\n## Conclusion'
        ),
        encoding="utf-8",
    )
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    page = (mini / "build/docs/briefing/index.md").read_text(encoding="utf-8")
    assert "<caption>Key figures</caption>" in page and 'data-result="prices.mean_price"' in page
    assert "Dropped when empty" not in page  # a row whose figure is unknown is left out
    assert "<caption>Options</caption>" in page and "Risks" not in page  # only blocks placed
    document = docx(mini / "site/briefing/briefing.docx")
    assert len(document.tables) == 2
    assert "Mean price" in docx_all_text(document)


# ---- the shipped project (slow: full builds) ----------------------------------------------------


def test_shipped_briefing_is_a_decision_paper(shipped_site):
    page = (shipped_site / "briefing/index.html").read_text(encoding="utf-8")
    for heading in (
        "Summary",
        "The local picture",
        "The national context in 2026",
        "Options",
        "Risks",
    ):
        assert f">{heading}<" in page, heading
    assert "<caption>Key figures</caption>" in page
    assert "<caption>Options appraisal" in page and "<caption>Risk register</caption>" in page
    for option in (
        "Spot purchase through a framework",
        "A block of a stated size",
        "Council-run homes with capital funding",
        "regional care co-operative",
        "A mix",
    ):
        assert option in page, option
    for risk in (
        "Empty beds",
        "Provider failure or exit",
        "Price movement and indexation",
        "Profit cap and oversight regime",
        "Quality and Ofsted judgements",
    ):
        assert risk in page, risk
    assert 'src="chart-homes.svg"' in page and 'src="chart-saving.svg"' in page
    assert (shipped_site / "briefing/chart-homes.svg").read_bytes().startswith(b"<svg")
    assert not PENNY.findall(re.sub(r"<[^>]+>", " ", page)), "money to the penny on the page"
    # unfavourable and favourable cases side by side
    assert 'data-result="block_vs_spot.yearly_saving_p10"' in page
    assert 'data-result="block_vs_spot.yearly_saving_p90"' in page
    document = docx(shipped_site / "briefing/briefing.docx")
    assert len(document.tables) >= 3 and len(document.inline_shapes) == 2
    text = docx_all_text(document)
    assert "Options appraisal" in text and "Risk register" in text and "Key figures" in text
    assert not PENNY.findall(text)


@pytest.fixture(scope="module")
def project_copy(shipped_site, tmp_path_factory):
    root = tmp_path_factory.mktemp("briefing-for") / "project"
    shutil.copytree(shipped_site.parent, root, symlinks=True)
    return root


def _hash_without(site: Path, folder: str) -> str:
    kept = site.parent / f".hash-{folder.replace('/', '-')}"
    shutil.copytree(site, kept, ignore=lambda d, names: names if Path(d) == site / folder else [])
    try:
        return content_hash(kept)
    finally:
        shutil.rmtree(kept)


@pytest.mark.parametrize(
    "query, code, name, kind",
    [
        ("Hackney", "E09000012", "Hackney", "London borough"),
        ("e06000026", "E06000026", "Plymouth", "unitary authority"),
    ],
)
def test_briefing_for_another_authority_writes_only_its_folder(
    project_copy, capsys, query, code, name, kind
):
    site = project_copy / "site"
    before = content_hash(site)
    status, err = evidence(project_copy, "build", "--briefing-for", query, capsys=capsys)
    assert status == 0, err
    folder = f"briefing/{code}"
    assert _hash_without(site, folder) == before  # the rest of the site as it was
    page = (site / folder / "index.html").read_text(encoding="utf-8")
    assert f"looked after by {name}" in page
    assert "Nottinghamshire's 2014 briefing, re-examined" in page
    assert "mean Nottinghamshire, not " + name in page
    assert "For the County's own demand" not in page  # the County's result is not claimed
    assert not PENNY.findall(re.sub(r"<[^>]+>", " ", page))
    document = docx(site / folder / "briefing.docx")
    assert name in docx_all_text(document) and len(document.inline_shapes) >= 1
    assert (site / folder / "chart-saving.svg").is_file()
    # a second build of the same inputs writes the same Word document
    first = (site / folder / "briefing.docx").read_bytes()
    assert evidence(project_copy, "build", "--briefing-for", code, capsys=capsys)[0] == 0
    assert (site / folder / "briefing.docx").read_bytes() == first


def test_briefing_for_an_unknown_authority_fails_and_leaves_the_site(project_copy, capsys):
    before = content_hash(project_copy / "site")
    status, err = evidence(project_copy, "build", "--briefing-for", "Hackny", capsys=capsys)
    assert status == 1
    assert "no authority is called or coded 'Hackny'" in err
    assert "did you mean Hackney (E09000012)?" in err
    assert content_hash(project_copy / "site") == before


def test_no_fidelity_verdict_rests_only_on_a_model():
    """A verdict that quotes a cost model's result must also cite a document: the model's own
    assumptions cannot confirm or refute what the 2014 briefing said."""
    import yaml

    data = yaml.safe_load((ROOT / "docs/briefing/fidelity.yaml").read_text(encoding="utf-8"))
    for entry in data["paragraphs"]:
        evidence_text = entry.get("evidence", "")
        modelled = re.search(r'result\("(block_vs_spot|contract_length)\.', evidence_text)
        if modelled and entry["verdict"] in ("supports", "qualifies", "contradicts"):
            assert "[@" in evidence_text, f"paragraph {entry['number']} rests only on a model"
