"""Validation of tables against the data package: each bad input ends in one clear message."""

import shutil

import pytest
from conftest import FIXTURE
from evidence.data import DataPackage, parse_field_map, parse_key_list
from evidence.errors import EvidenceError
from hypothesis import given
from hypothesis import strategies as st

HEADER = "id,model,weekly_price_gbp,start_year,end_year,note,sources\n"


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(FIXTURE / "analyses" / "data", target)
    return target


def check(data_dir, content: bytes) -> str:
    (data_dir / "prices.csv").write_bytes(content)
    with pytest.raises(EvidenceError) as err:
        DataPackage(data_dir).validate("prices")
    return str(err.value)


# Each case: the file's bytes, and what the user is told (after the file name).
CASES = {
    "ragged-row": (HEADER + "a,block,1,2015,2016,x,y,EXTRA\n", "row 2: has more cells"),
    "short-row": (HEADER + "a,block,1\n", "row 2, column 'start_year': row has fewer cells"),
    "missing-header": (
        "id,model,weekly_price_gbp,start_year,end_year,note\na,block,1,2015,2016,x\n",
        "line 1: missing column 'sources'",
    ),
    "misspelt-header": (
        HEADER.replace("weekly_price_gbp", "weekly_price") + "a,block,1,2015,2016,x,\n",
        "line 1: unexpected column 'weekly_price'; did you mean 'weekly_price_gbp'?",
    ),
    "unknown-category": (
        HEADER + "a,blok,1,2015,2016,x,\n",
        "row 2, column 'model': 'blok' is not allowed; expected one of: block, spot",
    ),
    "negative-price": (
        HEADER + "a,block,-5,2015,2016,x,\n",
        "row 2, column 'weekly_price_gbp': '-5' is below the minimum 0",
    ),
    "non-numeric-price": (
        HEADER + "a,block,£400,2015,2016,x,\n",
        "row 2, column 'weekly_price_gbp': expected a number, got '£400'",
    ),
    "start-after-end": (
        HEADER + "a,block,1,2020,2016,x,\n",
        "row 2, column 'end_year': 2016 comes before start_year 2020",
    ),
    "duplicate-id": (
        HEADER + "a,block,1,2015,2016,x,\na,spot,2,2015,2016,x,\n",
        "row 3, column 'id': 'a' duplicates an earlier row",
    ),
    "empty-file": ("", "file is empty; expected a header row"),
    "missing-required": (HEADER + ",block,1,2015,2016,x,\n", "row 2, column 'id': a value"),
    "year-not-integer": (
        HEADER + "a,block,1,twenty,2016,x,\n",
        "row 2, column 'start_year': expected a whole number, got 'twenty'",
    ),
}


@pytest.mark.parametrize("content, message", CASES.values(), ids=CASES.keys())
def test_bad_table_gives_one_clear_message(data_dir, content, message):
    text = check(data_dir, content.encode("utf-8"))
    assert text.startswith(str(data_dir / "prices.csv")) or "prices.csv" in text
    assert message in text


def test_cp1252_file_is_named_with_line_and_byte(data_dir):
    content = (HEADER + "a,block,1,2015,2016,costs £5,\n").encode("cp1252")
    text = check(data_dir, content)
    assert "line 2: byte 0xa3 (0xa3 is '£' in Windows-1252) is not UTF-8" in text


def test_bom_is_accepted(data_dir):
    (data_dir / "prices.csv").write_bytes(b"\xef\xbb\xbf" + (HEADER + "a,block,1,,,x,\n").encode())
    frame = DataPackage(data_dir).read("prices")
    assert list(frame.columns)[0] == "id" and frame.loc[0, "model"] == "block"


def test_very_large_file_is_refused_before_reading(data_dir, monkeypatch):
    monkeypatch.setattr("evidence.data.MAX_TABLE_BYTES", 100)
    text = check(data_dir, (HEADER + "a,block,1,2015,2016,x,\n" * 10).encode())
    assert "a table may be at most" in text


def test_unknown_table_suggests_the_nearest(data_dir):
    with pytest.raises(EvidenceError, match="Did you mean 'prices'"):
        DataPackage(data_dir).resource("price")


def test_types_follow_the_schema(data_dir):
    frame = DataPackage(data_dir).read("prices")
    assert str(frame["start_year"].dtype) == "Int64"
    assert frame["weekly_price_gbp"].sum() == pytest.approx(15000.5)
    assert frame["end_year"].isna().sum() == 2  # empty stays missing, never zero


key = st.from_regex(r"[a-z][a-z0-9_-]{0,20}", fullmatch=True)


@given(st.lists(key, min_size=1, max_size=5), st.booleans())
def test_key_lists_round_trip(keys, at):
    text = "; ".join(("@" if at else "") + k for k in keys)
    assert parse_key_list(text) == keys


@given(st.lists(st.tuples(key, key), min_size=1, max_size=4))
def test_field_maps_round_trip(pairs):
    text = "; ".join(f"{c}={k}" for c, k in pairs)
    assert parse_field_map(text) == pairs


@given(st.text(alphabet=" ,=!()[]{}'\"", min_size=1, max_size=10).filter(lambda s: s.strip(" ;")))
def test_junk_is_not_a_key(text):
    with pytest.raises(ValueError):
        parse_key_list(text)
