"""Pages as a reader sees them, in a real browser at 1280 px and 390 px: every visible table fits
its box at 1280 px (nothing to scroll sideways, so no column is hidden behind a scrollbar; the
first column of every table and every column of a compact table such as the comparison are
checked too), no page scrolls sideways as a whole at 390 px, no request leaves the site, and the
comparison page stays short with every arrangement reachable.

Runs where tests/test_accessibility.py runs (Debian's Chromium, Playwright); skips otherwise.
``EVIDENCE_GALLERY=DIR`` also saves a screenshot of each sampled page at each width there.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from test_accessibility import _browser, _context, _missing, _settle, served  # noqa: F401

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

WIDTHS = (1280, 390)
# one page of each kind: the home page, every analysis (wide tables, charts), the authorities
# index and a profile, an arrangement, methods, results, the briefing, references, data guidance
SAMPLE = [
    "",
    "comparison/",
    "policy_timeline/",
    "block_vs_spot/",
    "contract_length/",
    "block_contract_outcomes/",
    "market_context/",
    "authorities/",
    "authorities/E10000024/",
    "arrangements/nottinghamshire-block-2015/",
    "methods/",
    "results/",
    "briefing/",
    "references/",
    "data/",
]
COMPARISON_MAX_HEIGHT = 6000  # px at 1280: the "under about 6,000 px"

# Every visible table: is its first column (or, for a compact table, any column) cut off at
# the right edge of its box? Returns one line per problem.
CLIPPED = """() => {
  const out = [];
  document.querySelectorAll('.md-content table').forEach((t) => {
    if (!t.offsetParent) return;  // inside a closed tab
    const box = t.closest('.evidence-table') || t.parentElement;
    const edge = box.getBoundingClientRect().right + 1;
    const head = t.tHead ? Array.from(t.tHead.rows[0].cells) : [];
    const compact = !!t.closest('.evidence-cards-table');
    const keys = compact ? head : head.slice(0, 1);
    keys.forEach((th) => {
      const r = th.getBoundingClientRect();
      if (r.width && r.right > edge) {
        const cap = t.caption ? t.caption.textContent.trim() : '(no caption)';
        out.push(`${cap}: column "${th.textContent.trim()}" ends at ${Math.round(r.right)} px, ` +
                 `its box at ${Math.round(edge)} px`);
      }
    });
  });
  return out;
}"""


# Every visible table: is it wider than the box that scrolls it (ours, .evidence-table, or
# Material's .md-typeset__scrollwrap)? One line per table that would scroll sideways.
OVERFLOW = """() => {
  const out = [];
  document.querySelectorAll('.md-content table').forEach((t) => {
    if (!t.offsetParent) return;  // inside a closed tab
    const box = t.closest('.evidence-table, .md-typeset__scrollwrap') || t.parentElement;
    const over = box.scrollWidth - box.clientWidth;
    if (over > 1) {
      const cap = t.caption ? t.caption.textContent.trim() : '(no caption)';
      out.push(`table "${cap}" is ${over} px wider than its box (${box.clientWidth} px)`);
    }
  });
  return out;
}"""


def _view(width: int) -> dict:
    return {"width": width, "height": 900}


SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


async def _look(base: str, gallery: Path | None) -> tuple[list[str], list[str], dict]:
    from playwright.async_api import async_playwright

    problems: list[str] = []
    foreign: list[str] = []
    heights: dict[tuple[str, int], int] = {}
    async with async_playwright() as pw:
        browser = await _browser(pw)
        for width in WIDTHS:
            context = await _context(
                browser, base, foreign, viewport={"width": width, "height": 900}
            )
            page = await context.new_page()
            for path in SAMPLE:
                response = await page.goto(base + path, wait_until="load")
                if response is None or not response.ok:
                    problems.append(f"{path}: HTTP {response and response.status}")
                    continue
                await _settle(page)
                heights[(path, width)] = await page.evaluate(
                    "() => document.documentElement.scrollHeight"
                )
                if width == 1280:
                    problems += [f"{path} at 1280 px: {p}" for p in await page.evaluate(CLIPPED)]
                    problems += [f"{path} at 1280 px: {p}" for p in await page.evaluate(OVERFLOW)]
                else:
                    extra = await page.evaluate(SIDEWAYS)
                    if extra > 0:
                        problems.append(f"{path} at {width} px scrolls sideways by {extra} px")
                if gallery is not None:
                    name = (path.strip("/").replace("/", "-") or "home") + f"-{width}.png"
                    # the page's main table in view (the comparison's, else the first shown)
                    await page.evaluate(
                        "() => { const t = document.querySelector('.evidence-cards-table') || "
                        "Array.from(document.querySelectorAll('.md-content table'))"
                        ".find((x) => x.offsetParent); if (t) { t.scrollIntoView(); "
                        "window.scrollBy(0, -64); } }"  # clear of the sticky header
                    )
                    await page.screenshot(path=str(gallery / name), full_page=False)
            await context.close()
        await browser.close()
    return problems, foreign, heights


def test_tables_fit_pages_do_not_scroll_sideways_and_nothing_leaves_the_site(served):  # noqa: F811
    base, site = served
    missing = [p for p in SAMPLE if not (site / p / "index.html").is_file()]
    assert not missing, f"sample pages missing from the build: {missing}"
    gallery = os.environ.get("EVIDENCE_GALLERY")
    if gallery:
        Path(gallery).mkdir(parents=True, exist_ok=True)
    problems, foreign, heights = asyncio.run(_look(base, Path(gallery) if gallery else None))
    print({f"{p}@{w}": h for (p, w), h in sorted(heights.items())})
    if heights.get(("comparison/", 1280), 0) > COMPARISON_MAX_HEIGHT:
        problems.append(
            f"comparison/ is {heights[('comparison/', 1280)]} px tall at 1280 px "
            f"(at most {COMPARISON_MAX_HEIGHT})"
        )
    if foreign:
        problems.append("requests to other hosts:\n" + "\n".join(sorted(set(foreign))))
    assert not problems, "\n".join(problems)


def test_every_arrangement_is_reachable_from_the_comparison_table(served):  # noqa: F811
    """Paging hides rows, never loses them: Next reaches every arrangement, each row links to
    the arrangement's own page, and a link to one row opens the page of rows that holds it."""
    from playwright.async_api import async_playwright

    base, site = served
    ids = sorted(p.name for p in (site / "arrangements").iterdir() if p.is_dir())
    assert ids, "no arrangement pages were built"
    html = (site / "comparison" / "index.html").read_text(encoding="utf-8")
    last = html.rsplit('<tr id="arrangement-', 1)[1].split('"', 1)[0]  # on the table's last page

    async def go():
        foreign: list[str] = []
        async with async_playwright() as pw:
            browser = await _browser(pw)
            context = await _context(
                browser, base, foreign, viewport={"width": 1280, "height": 900}
            )
            page = await context.new_page()
            await page.goto(base + "comparison/")
            table = page.locator(".evidence-cards-table table").first
            seen: set[str] = set()
            for _ in range(len(ids)):
                rows = table.locator("tbody tr:not([hidden])")
                assert 0 < await rows.count() <= 15
                for href in await rows.locator("td:first-child a").evaluate_all(
                    "as => as.map(a => a.getAttribute('href'))"
                ):
                    seen.add(href.rstrip("/").rsplit("/", 1)[-1])
                following = page.locator(
                    ".evidence-cards-table + .evidence-pager button", has_text="Next rows"
                ).first
                if await following.is_disabled():
                    break
                await following.click()
            await page.goto(base + f"comparison/#arrangement-{last}")
            await page.wait_for_timeout(200)
            visible = await page.locator(f"tr#arrangement-{last}").is_visible()
            await browser.close()
        assert not foreign
        return seen, visible

    seen, visible = asyncio.run(go())
    assert seen == set(ids), f"not reachable from the table: {sorted(set(ids) - seen)}"
    assert visible, "a link to a row on a later page of the table did not show that row"
