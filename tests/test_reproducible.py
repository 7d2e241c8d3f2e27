"""Determinism and links: two clean builds of the same inputs, in different folders, give a
byte-identical site/ (the briefing's Word document included, once the build writes one); and
every internal link and anchor of a built site resolves."""

import hashlib
import os
import posixpath
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FIXTURE
from evidence.cli import main

ROOT = Path(__file__).resolve().parents[1]
# what a copy of the shipped project leaves behind: derived, tool and VCS folders
NOT_INPUTS = shutil.ignore_patterns(
    ".git", ".venv", "site", "build", ".cache", "tests", "node_modules", "*.egg-info",
    ".pytest_cache", ".ruff_cache", ".hypothesis", "__pycache__", ".site-*", ".build-*",
    "bench-report.json",
)  # fmt: skip


def tree_digest(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under `folder`."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def differences(a: Path, b: Path) -> list[str]:
    one, two = tree_digest(a), tree_digest(b)
    out = [f"only in the first build: {p}" for p in sorted(set(one) - set(two))]
    out += [f"only in the second build: {p}" for p in sorted(set(two) - set(one))]
    out += [f"differs: {p}" for p in sorted(set(one) & set(two)) if one[p] != two[p]]
    return out


def clean_build(source: Path, target: Path, ignore=None) -> Path:
    """Copy a project to `target` (no cache, no site) and build it in-process."""
    shutil.copytree(source, target, ignore=ignore or shutil.ignore_patterns("site", "build"))
    shutil.rmtree(target / ".cache", ignore_errors=True)
    assert main(["--project", str(target), "build"]) == 0
    return target / "site"


def assert_identical(a: Path, b: Path) -> None:
    diff = differences(a, b)
    assert not diff, "two builds of the same inputs differ:\n  " + "\n  ".join(diff)


@pytest.fixture(scope="module")
def mini_twice(tmp_path_factory):
    base = tmp_path_factory.mktemp("det-mini")
    first = clean_build(FIXTURE, base / "one" / "mini")
    # a different folder depth and name: no absolute path may reach the output
    second = clean_build(FIXTURE, base / "two" / "deeper" / "copy")
    return first, second


@pytest.fixture(scope="module")
def shipped_twice(tmp_path_factory):
    base = tmp_path_factory.mktemp("det-shipped")
    first = clean_build(ROOT, base / "one" / "project", NOT_INPUTS)
    second = clean_build(ROOT, base / "two" / "elsewhere", NOT_INPUTS)
    return first, second


def test_two_clean_builds_of_the_fixture_are_byte_identical(mini_twice):
    first, second = mini_twice
    assert (first / "provenance.json").is_file() and (first / "sitemap.xml.gz").is_file()
    if (FIXTURE / "docs" / "briefing").is_dir():  # the Word document is compared like the rest
        assert list(first.rglob("*.docx")), "the fixture has a briefing but no .docx was built"
    assert_identical(first, second)


@pytest.mark.slow
def test_two_clean_builds_of_the_shipped_project_are_byte_identical(shipped_twice):
    first, second = shipped_twice
    assert_identical(first, second)
    docx = sorted(first.rglob("*.docx"))
    if (ROOT / "docs" / "briefing").is_dir() and (ROOT / "scripts/evidence/briefing.py").is_file():
        assert docx, "the briefing is in docs/ but the build wrote no .docx"
    for path in docx:  # compared above with everything else; named here for the record
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_no_absolute_path_of_the_build_machine_reaches_the_site(mini_twice):
    first, second = mini_twice
    for site in (first, second):
        root = str(site.parent)
        for path in site.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".json", ".xml", ".csv", ".js"}:
                text = path.read_text(encoding="utf-8", errors="replace")
                assert root not in text, path
                assert "/tmp/" not in text and str(Path.home()) not in text, path


def test_a_cached_rebuild_equals_a_clean_build(mini_twice, tmp_path, capsys):
    """Reusing analyses from the cache must not change a byte of the site either."""
    first, _ = mini_twice
    root = tmp_path / "mini"
    shutil.copytree(first.parent, root, ignore=shutil.ignore_patterns("site", "build"))
    assert main(["--project", str(root), "build"]) == 0
    assert "0 run, 2 reused" in capsys.readouterr().err
    assert_identical(first, root / "site")


def test_the_sitemap_is_dated_from_the_commit_not_the_clock(tmp_path, monkeypatch):
    import gzip

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    site = clean_build(FIXTURE, tmp_path / "mini")
    raw = (site / "sitemap.xml.gz").read_bytes()
    day = 1700000000 // 86400 * 86400  # MkDocs dates the sitemap to the day
    assert int.from_bytes(raw[4:8], "little") == day  # the gzip header's mtime
    assert gzip.decompress(raw) == (site / "sitemap.xml").read_bytes()
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"  # the caller's value, kept


# ---- links ---------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])


def _parse(path: Path, cache: dict) -> _Page:
    if path not in cache:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        cache[path] = page
    return cache[path]


def broken_links(site: Path) -> list[str]:
    """Every internal href/src of every page whose file or #anchor does not exist."""
    cache: dict[Path, _Page] = {}
    problems = []
    for page_path in sorted(site.rglob("*.html")):
        page = _parse(page_path, cache)
        here = page_path.relative_to(site).as_posix()
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            if not parts.path:
                target = page_path
            else:
                # "/x" is from the site's root (the 404 page links so: it is served anywhere)
                base = "" if parts.path.startswith("/") else posixpath.dirname(here)
                rel = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/")))
                if rel.startswith(".."):
                    problems.append(f"{here}: {link} points outside the site")
                    continue
                target = site / rel
                if target.is_dir():
                    target = target / "index.html"
            if not target.is_file():
                problems.append(f"{here}: {link} -> no such file")
                continue
            if parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in _parse(target, cache).ids:
                    problems.append(f"{here}: {link} -> no id {parts.fragment!r} there")
    return problems


def test_every_internal_link_and_anchor_of_the_fixture_site_resolves(mini_twice):
    site = mini_twice[0]
    assert not broken_links(site), "\n".join(broken_links(site))
    methods = (site / "methods" / "index.html").read_text(encoding="utf-8")
    assert 'href="../results/#r-homes-count"' in methods  # checked above like every other


@pytest.mark.slow
def test_every_internal_link_and_anchor_of_the_shipped_site_resolves(shipped_twice):
    problems = broken_links(shipped_twice[0])
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems[:50])


def test_the_link_checker_finds_a_broken_anchor_and_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<h1 id="top">x</h1><a href="#top">ok</a><a href="a/">ok</a>'
        '<a href="a/#nope">bad anchor</a><a href="missing.html">bad file</a>'
        '<a href="https://example.org/x">external</a>'
    )
    (tmp_path / "a" / "index.html").write_text('<p id="here">a</p><a href="../#top">ok</a>')
    found = broken_links(tmp_path)
    assert found == [
        "index.html: a/#nope -> no id 'nope' there",
        "index.html: missing.html -> no such file",
    ]


def test_differences_names_each_file(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "same.txt").write_text("same")
    (a / "sub" / "page.html").write_text("<p>1</p>")
    (b / "sub" / "page.html").write_text("<p>2</p>")
    (a / "extra.txt").write_text("")
    assert differences(a, b) == ["only in the first build: extra.txt", "differs: sub/page.html"]
