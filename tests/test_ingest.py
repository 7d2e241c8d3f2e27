"""Importers of official releases: the real files where they are available, and small fixtures
written for the purpose (a later year, a wrong encoding, a missing column, an unknown authority,
a changed preamble). Every failure must be one EvidenceError naming file, line and column."""

import csv
import os
import shutil
from pathlib import Path

import pytest
from evidence.cli import main
from evidence.errors import EvidenceError
from evidence.ingest import ingest, sources
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "analyses" / "data"
# the team's shared/ beside the clone; EVIDENCE_OFFICIAL points elsewhere (a worktree, say)
OFFICIAL = Path(os.environ.get("EVIDENCE_OFFICIAL", ROOT.parent / "shared" / "data" / "official"))
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
NO_OFFICIAL = f"the real releases are not here ({OFFICIAL} does not exist on this machine)"

# source, file in shared/data/official, table it writes
REAL = [
    ("dfe-authorities", "dfe_csc_local_authorities_153.csv", "authorities"),
    ("dfe-sfr-placements", "dfe_sfr_cla_31_march_placement_by_la_2011_2017.csv", "cla_placements"),
    ("dfe-cla-placements", "dfe_cla_31_march_placement_type_by_la_2020_2025.csv", "cla_placements"),
    ("dfe-cla-rates", "dfe_cla_number_and_rate_per_10k_children_2019_2023.csv", "cla_rates"),
    ("dfe-cla-rates", "dfe_cla_number_and_rate_per_10k_children_2021_2025.csv", "cla_rates"),
    (
        "dfe-foi-placed-outside",
        "dfe_foi_2024_0040813_cla_childrens_homes_placed_outside_la_2014_2024.csv",
        "childrens_homes_outside",
    ),
    (
        "dfe-foi-net-gain",
        "dfe_foi_2024_0040813_cla_childrens_homes_net_gain_by_la_2014_2024.csv",
        "childrens_homes_net_gain",
    ),
    *[
        (
            "dfe-s251-outturn",
            f"dfe_s251_outturn_{y}_{y - 1999}_cyp_services_la.csv",
            "residential_spend",
        )
        for y in range(2009, 2014)
    ],
    (
        "mhclg-ro3",
        "mhclg_ro3_childrens_social_care_by_la_2022_23_to_2024_25.csv",
        "residential_spend",
    ),
    ("ofsted-provider-level", "ofsted_provider_level_at_31_march_2023.csv", "childrens_homes"),
    ("ofsted-provider-level", "ofsted_provider_level_at_31_march_2024.csv", "childrens_homes"),
    ("ofsted-providers-places", "ofsted_providers_places_at_31_march_2023.csv", "childrens_homes"),
    (
        "ofsted-national-timeseries",
        "ofsted_national_providers_places_timeseries_2012_2023.csv",
        "ofsted_national_homes",
    ),
    ("ofsted-ilacs", "ofsted_ilacs_la_judgements_at_31_march_2023.csv", "ilacs_judgements"),
]
AUTHORITY_FILES = (
    "authorities.csv",
    "authority_names.csv",
    "authority_changes.csv",
    "datapackage.yaml",
)


def real(source: str):
    """The real release file(s) of one importer, in REAL's order (one name, or a list)."""
    names = [name for s, name, _ in REAL if s == source]
    return names[0] if len(names) == 1 else names


def fresh_data(tmp: Path) -> Path:
    """A data directory holding only the committed authority tables and the data package."""
    tmp.mkdir(parents=True, exist_ok=True)
    for name in AUTHORITY_FILES:
        shutil.copyfile(DATA / name, tmp / name)
    return tmp


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Every real release imported once into a fresh data directory."""
    if not OFFICIAL.is_dir():
        pytest.skip(NO_OFFICIAL)
    data = fresh_data(tmp_path_factory.mktemp("official"))
    for source, name, _ in REAL:
        ingest(source, OFFICIAL / name, data)
    return data


def test_every_format_has_an_importer():
    assert {s for s, _, _ in REAL} == set(sources())


# ---- the real releases -----------------------------------------------------------------------


def test_real_releases_reproduce_the_committed_tables(imported):
    """The committed tables are exactly what the importers make of the real releases."""
    for table in sorted({t for _, _, t in REAL} | {"releases"}):
        assert (imported / f"{table}.csv").read_bytes() == (DATA / f"{table}.csv").read_bytes(), (
            table
        )


def test_real_figures_match_the_publications(imported):
    # DfE FOI 2024-0040813: Nottinghamshire's net gain 2014..2024, as published
    gain = {
        int(r["year"]): r["net_gain"]
        for r in rows(imported / "childrens_homes_net_gain.csv")
        if r["area_code"] == "E10000024"
    }
    expected = [6, 3, -6, 26, 27, 23, 28, 11, -7, -4, -4]
    assert [int(gain[y]) for y in range(2014, 2025)] == expected
    # York: placed outside 9, 12, 8, 11 then suppressed ('c' stays missing, never 0)
    york = {
        int(r["year"]): r
        for r in rows(imported / "childrens_homes_outside.csv")
        if r["area_code"] == "E06000014"
    }
    assert [york[y]["children"] for y in range(2014, 2018)] == ["9", "12", "8", "11"]
    assert york[2018]["children"] == "" and york[2018]["marker"] == "c"
    # SFR50/2017: Nottinghamshire 773 looked after, 74 in secure units, homes and hostels
    sfr = {
        r["category"]: r["children"]
        for r in rows(imported / "cla_placements.csv")
        if r["area_code"] == "E10000024" and r["year"] == "2017"
    }
    assert sfr == {"all": "773", "secure units, children's homes and hostels": "74"}
    # S251 2013-14, line 6: Nottinghamshire's residential care, about £18.94m in total
    s251 = {
        r["measure"]: float(r["gbp"])
        for r in rows(imported / "residential_spend.csv")
        if r["area_code"] == "E10000024" and r["financial_year"] == "2013-14"
    }
    assert round(s251["total expenditure"] / 1e6, 2) == 18.94
    # Ofsted 2024 (a single-byte file): Nottinghamshire has 55 children's homes, 198 places
    homes = [
        r
        for r in rows(imported / "childrens_homes.csv")
        if r["ons_code"] == "E10000024"
        and r["as_at"] == "2024-03-31"
        and r["provision_type"] == "children's home"
    ]
    assert (len(homes), sum(int(r["places"]) for r in homes)) == (55, 198)


def test_former_areas_are_kept_not_dropped(imported):
    """Northamptonshire (split 2021) keeps its code; North Yorkshire's old code is recoded."""
    outside = rows(imported / "childrens_homes_outside.csv")
    northants = [r for r in outside if r["area_code"] == "E10000021"]
    assert northants and any(r["children"] for r in northants)
    sfr = rows(imported / "cla_placements.csv")
    assert not [r for r in sfr if r["area_code"] == "E10000023"]  # recoded to E06000065
    assert [r for r in sfr if r["area_code"] == "E06000065" and r["year"] == "2011"]


def test_reimporting_a_release_changes_nothing(imported, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(imported, data)
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    ingest("dfe-foi-net-gain", OFFICIAL / real("dfe-foi-net-gain"), data)
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before


# ---- a later year of the same format imports with no code change -----------------------------


def test_later_ofsted_year_adds_a_year(tmp_path):
    data = fresh_data(tmp_path / "data")
    if OFFICIAL.is_dir():
        ingest("ofsted-provider-level", OFFICIAL / real("ofsted-provider-level")[-1], data)
    summary = ingest(
        "ofsted-provider-level", FIXTURES / "ofsted_provider_level_at_31_march_2025.csv", data
    )
    assert summary["rows"] == 3  # the fostering agency is not a children's home
    table = rows(data / "childrens_homes.csv")
    new = {r["urn"]: r for r in table if r["as_at"] == "2025-03-31"}
    assert new["SC900001"]["ons_code"] == "E10000024"
    assert new["SC900002"]["ons_code"] == "E06000019"  # Ofsted's 'Herefordshire'
    assert new["SC900002"]["overall_judgement"] == ""  # not yet inspected
    assert new["SC900003"]["overall_judgement"] == "requires improvement"
    releases = {r["release"]: r for r in rows(data / "releases.csv")}
    assert releases["ofsted_provider_level_at_31_march_2025"]["citation"] == "ofsted2025cscdata"
    if OFFICIAL.is_dir():
        assert {r["as_at"] for r in table} == {"2024-03-31", "2025-03-31"}


def test_later_dfe_year_replaces_overlap_and_keeps_the_rest(tmp_path):
    data = fresh_data(tmp_path / "data")
    ingest("dfe-cla-placements", FIXTURES / "la_cla_placement_type_2026.csv", data)
    table = rows(data / "cla_placements.csv")
    notts = {r["category"]: r for r in table if r["area_code"] == "E10000024"}
    assert notts["all"]["children"] == "1000"
    suppressed = notts["secure homes and children's homes"]
    assert suppressed["children"] == "" and suppressed["marker"] == "c"
    regions = {r["area_code"] for r in table if r["level"] == "region"}
    assert regions == {"E12000004"}
    # a second import of the same year replaces, never duplicates
    ingest("dfe-cla-placements", FIXTURES / "la_cla_placement_type_2026.csv", data)
    assert len(rows(data / "cla_placements.csv")) == len(table)


def test_later_foi_ro3_and_s251_years(tmp_path):
    data = fresh_data(tmp_path / "data")
    summary = ingest(
        "dfe-foi-placed-outside", FIXTURES / "dfe_foi_2025_0012345_placed_outside.csv", data
    )
    assert summary["release"].citation == "dfefoi20250012345"
    outside = {r["area_code"]: r for r in rows(data / "childrens_homes_outside.csv")}
    assert outside["E10000024"]["percent"] == ""  # 'c' in the percentage column
    assert outside["E10000021"]["marker"] == "z"  # Northamptonshire stays under its own code
    ingest("mhclg-ro3", FIXTURES / "ro3_2025_26.csv", data)
    ingest("dfe-s251-outturn", FIXTURES / "s251_outturn_2014_15.csv", data)
    spend = rows(data / "residential_spend.csv")
    got = {(r["financial_year"], r["area_code"], r["measure"]): r for r in spend}
    assert got[("2025-26", "E10000024", "total expenditure")]["gbp"] == "50000500"
    assert got[("2025-26", "E10000024", "net current expenditure")]["marker"] == "[x]"
    assert got[("2025-26", "E08000037", "total expenditure")]["marker"] == "[note 4]"
    assert got[("2025-26", "E08000037", "net current expenditure")]["gbp"] == "4300"
    assert got[("2014-15", "E10000024", "voluntary provision")]["gbp"] == ""  # blank, not 0
    assert got[("2014-15", "E10000021", "total expenditure")]["gbp"] == "300"  # DfE code 928


# ---- wrong formats: one clear error each ------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "fixture", "expected"),
    [
        (
            "ofsted-provider-level",
            "ofsted_provider_level_utf16.csv",
            ["ofsted_provider_level_utf16.csv, line 1", "UTF-16", "expected UTF-8"],
        ),
        (
            "dfe-cla-placements",
            "la_cla_placement_type_cp1252.csv",
            ["la_cla_placement_type_cp1252.csv, line 6", "0x96", "Windows-1252"],
        ),
        (
            "ofsted-provider-level",
            "ofsted_provider_level_missing_places.csv",
            ["line 4", "missing column 'Places'"],
        ),
        (
            "ofsted-provider-level",
            "ofsted_provider_level_unknown_authority.csv",
            [
                "line 6, column 'Local authority'",
                "unknown authority name 'Herefordshir'",
                "Did you mean 'Herefordshire'?",
            ],
        ),
        (
            "ofsted-provider-level",
            "ofsted_provider_level_changed_preamble.csv",
            ["line 4", "expected the column header", "has the preamble changed?"],
        ),
        (
            "dfe-foi-placed-outside",
            "dfe_foi_2025_0012345_changed_preamble.csv",
            ["line 14", "expected the column header starting 'time_period'", "preamble"],
        ),
        (
            "dfe-foi-net-gain",
            "dfe_foi_2025_0012345_placed_outside.csv",
            ["line 1", "expected the release title"],
        ),
    ],
)
def test_wrong_format_is_one_clear_error(tmp_path, source, fixture, expected):
    data = fresh_data(tmp_path / "data")
    with pytest.raises(EvidenceError) as err:
        ingest(source, FIXTURES / fixture, data)
    for part in expected:
        assert part in str(err.value), str(err.value)
    assert not (data / "releases.csv").exists()  # nothing written


def test_s251_resaved_as_utf8_is_refused(tmp_path):
    data = fresh_data(tmp_path / "data")
    text = (FIXTURES / "s251_outturn_2014_15.csv").read_bytes().decode("cp1252")
    copy = tmp_path / "s251_outturn_2014_15.csv"
    copy.write_text(text, encoding="utf-8")
    with pytest.raises(EvidenceError, match="is UTF-8; the Section 251 outturn is published as"):
        ingest("dfe-s251-outturn", copy, data)


def test_a_value_that_is_not_a_number_or_marker(tmp_path):
    data = fresh_data(tmp_path / "data")
    text = (FIXTURES / "la_cla_placement_type_2026.csv").read_text().replace(",82000,", ",n/a,")
    copy = tmp_path / "la_cla_placement_type_2026.csv"
    copy.write_text(text)
    with pytest.raises(EvidenceError) as err:
        ingest("dfe-cla-placements", copy, data)
    assert "line 2, column 'number'" in str(err.value)
    assert "found 'n/a'" in str(err.value)


def test_unknown_authority_code(tmp_path):
    data = fresh_data(tmp_path / "data")
    text = (FIXTURES / "ro3_2025_26.csv").read_text().replace("E10000024", "E10000099")
    copy = tmp_path / "ro3_2025_26.csv"
    copy.write_text(text)
    with pytest.raises(EvidenceError, match=r"line 2, column 'ons_code'.*'E10000099'"):
        ingest("mhclg-ro3", copy, data)


# ---- the command ------------------------------------------------------------------------------


def test_cli_lists_importers_and_reports_errors(tmp_path, capsys):
    assert main(["ingest", "--list"]) == 0
    out = capsys.readouterr().out
    assert "ofsted-provider-level" in out and "mhclg-ro3" in out
    status = main(["--project", str(ROOT), "ingest", "ofsted-provider-levle", "x.csv"])
    assert status == 1
    assert "Did you mean 'ofsted-provider-level'?" in capsys.readouterr().err


def test_cli_needs_a_bibliography_entry_for_the_release(tmp_path, capsys):
    data = fresh_data(tmp_path / "data")
    fixture = FIXTURES / "ofsted_provider_level_at_31_march_2025.csv"
    args = ["--project", str(ROOT), "ingest", "--data", str(data), "ofsted-provider-level"]
    assert main([*args, str(fixture)]) == 1
    assert "no reference 'ofsted2025cscdata' in references/*.bib" in capsys.readouterr().err
    assert main([*args, str(fixture), "--cite", "ofsted2024cscdata"]) == 0
    assert "3 rows written" in capsys.readouterr().err


def test_cli_accepts_an_old_key_that_an_entry_lists_in_ids(tmp_path, capsys):
    from evidence.cite import Bibliography

    alias = sorted(Bibliography(ROOT / "references").aliases)[0]
    data = fresh_data(tmp_path / "data")
    fixture = FIXTURES / "ofsted_provider_level_at_31_march_2025.csv"
    args = ["--project", str(ROOT), "ingest", "--data", str(data), "ofsted-provider-level"]
    assert main([*args, str(fixture), "--cite", alias]) == 0, capsys.readouterr().err


# ---- Section 251 outturn: one importer, a layout per header -----------------------------------


def test_s251_years_each_add_up_to_england(imported):
    """Every imported year covers the 152 authorities; 2013-14 matches DfE's published total."""
    spend = rows(imported / "residential_spend.csv")
    totals = {}
    for r in spend:
        if r["series"] == "Section 251 outturn" and r["measure"] == "total expenditure":
            fy = r["financial_year"]
            count, gbp = totals.get(fy, (0, 0.0))
            totals[fy] = (count + 1, gbp + float(r["gbp"] or 0))
    assert sorted(totals) == ["2009-10", "2010-11", "2011-12", "2012-13", "2013-14"]
    assert {count for count, _ in totals.values()} == {152}
    assert round(totals["2013-14"][1] / 1e6) == 1021  # DfE: GBP 1,021m, gross, rounded
    for _, gbp in totals.values():
        assert 900e6 < gbp < 1100e6  # pounds in every layout, never thousands


def test_s251_2008_09_keeps_abolished_counties_rather_than_drop_them(tmp_path):
    """The 2008-09 layout is read, but Bedfordshire (abolished 1 April 2009) has no ONS code."""
    if not OFFICIAL.is_dir():
        pytest.skip(NO_OFFICIAL)
    data = fresh_data(tmp_path / "data")
    with pytest.raises(EvidenceError) as err:
        ingest("dfe-s251-outturn", OFFICIAL / "dfe_s251_outturn_2008_09_cyp_services_la.csv", data)
    assert "line 3954, column 'LEA Number:'" in str(err.value)
    assert "unknown DfE authority code '820' (Bedfordshire)" in str(err.value)


def test_s251_later_year_in_an_older_layout_imports_unchanged(tmp_path):
    """2016-17 in the 2009-10 layout, residential care moved to line 7: no code change."""
    data = fresh_data(tmp_path / "data")
    summary = ingest("dfe-s251-outturn", FIXTURES / "s251_outturn_2016_17.csv", data)
    assert summary["release"].citation == "dfes251outturn201617"
    got = {(r["area_code"], r["measure"]): r for r in rows(data / "residential_spend.csv")}
    assert got[("E10000024", "total expenditure")]["gbp"] == "600000000"
    assert got[("E06000019", "voluntary provision")]["marker"] == "x"
    assert ("E10000024", "fostering services") not in got


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "s251_outturn_2014_15_renamed.csv",
            ["s251_outturn_2014_15_renamed.csv, line 1, column 'TotalExpenditure'", "layout"],
        ),
        (
            "s251_outturn_2014_15_two_lines.csv",
            [
                "s251_outturn_2014_15_two_lines.csv, line 3, column 'LineNumber'",
                "line 7 here but line 6 on line 2",
            ],
        ),
        (
            "s251_outturn_2015_16_thousands.csv",
            ["column 'total expenditure'", "£1.1m for 2015-16", "DfE published £1,103m"],
        ),
    ],
)
def test_s251_wrong_layout_or_unit_is_one_clear_error(tmp_path, fixture, expected):
    data = fresh_data(tmp_path / "data")
    with pytest.raises(EvidenceError) as err:
        ingest("dfe-s251-outturn", FIXTURES / fixture, data)
    for part in expected:
        assert part in str(err.value), str(err.value)
    assert not (data / "releases.csv").exists()


def test_cla_rates_older_edition_adds_years_and_never_overrides_a_newer_one(tmp_path):
    if not OFFICIAL.is_dir():
        pytest.skip(NO_OFFICIAL)
    data = fresh_data(tmp_path / "data")
    newer, older = real("dfe-cla-rates")[1], real("dfe-cla-rates")[0]
    ingest("dfe-cla-rates", OFFICIAL / newer, data)
    summary = ingest("dfe-cla-rates", OFFICIAL / older, data)
    assert summary["superseded"] == ["2021", "2022", "2023"]
    england = {r["year"]: r for r in rows(data / "cla_rates.csv") if r["area_code"] == "E92000001"}
    assert england["2019"]["children"] == "78140"  # DfE, reporting year 2023
    assert england["2021"]["release"] == Path(newer).stem
    assert sorted(england) == [str(y) for y in range(2019, 2026)]


def test_importer_columns_come_from_the_data_package(tmp_path):
    """A table's columns are the data package's: a schema that drifts from the importer fails."""
    data = fresh_data(tmp_path / "data")
    package = (data / "datapackage.yaml").read_text()
    assert "- {name: gbp, type: number" in package
    (data / "datapackage.yaml").write_text(
        package.replace("- {name: gbp, type: number", "- {name: pounds, type: number")
    )
    with pytest.raises(EvidenceError) as err:
        ingest("mhclg-ro3", FIXTURES / "ro3_2025_26.csv", data)
    message = str(err.value)
    assert "datapackage.yaml, resource 'residential_spend'" in message
    assert "columns gbp not declared there" in message
    assert "no value for declared columns pounds" in message
    assert not (data / "residential_spend.csv").exists()


def test_importers_register_themselves():
    """Every module of evidence.ingest that names a SOURCE is an importer; no list to edit."""
    import pkgutil

    import evidence.ingest as package

    modules = {
        i.name for i in pkgutil.iter_modules(package.__path__) if not i.name.startswith("_")
    } - {"cli", "common"}
    assert {m.__name__.rsplit(".", 1)[-1] for m in sources().values()} == modules
    assert not hasattr(package, "MODULES")


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(range(4)),
    st.randoms(use_true_random=False),
    st.integers(3, 40),
    st.lists(st.integers(0, 10**9), min_size=6, max_size=6),
)
def test_s251_any_column_order_of_a_known_layout_imports_the_same_figures(
    tmp_path_factory, which, rnd, line, amounts
):
    """A layout is its set of columns: reordered columns and extra ones import the same."""
    from evidence.ingest.dfe_s251 import LAYOUTS, PUBLISHED_ENGLAND_GBP_MILLION

    layout = LAYOUTS[which]
    header = [*layout.required, "Income"]
    rnd.shuffle(header)
    total_column = next(c for c, m in layout.measures.items() if m == "total expenditure")
    target = PUBLISHED_ENGLAND_GBP_MILLION["2014-15"] * 1_000_000
    values = dict(zip(layout.measures, amounts, strict=False))
    values[total_column] = target  # the unit check needs England's total
    row = {
        layout.code: "891",
        layout.la_name: "Nottinghamshire",
        "Income": "0",
        **{c: str(v) for c, v in values.items()},
    }
    if layout.line:
        row[layout.line] = str(line)
        row[layout.description] = f"{line} Residential care"
    else:
        row[layout.description] = f"{line} Residential care"
    text = ",".join(header) + "\n" + ",".join(row[c] for c in header) + "\n"
    tmp = tmp_path_factory.mktemp("s251")
    path = tmp / "s251_outturn_2014_15.csv"
    path.write_bytes(text.encode(layout.encoding))
    data = fresh_data(tmp / "data")
    ingest("dfe-s251-outturn", path, data)
    got = {r["measure"]: r["gbp"] for r in rows(data / "residential_spend.csv")}
    assert got == {m: str(values[c]) for c, m in layout.measures.items()}
