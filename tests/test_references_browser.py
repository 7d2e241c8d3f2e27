"""The References page in a real browser: its sections fold so the page is short, a link to
one source opens that source's section, and the filter searches every section.

Runs where tests/test_accessibility.py runs (Debian's Chromium, Playwright); skips otherwise."""

from __future__ import annotations

import asyncio
import re

import pytest
from test_accessibility import _browser, _context, _missing, _settle, served  # noqa: F401

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

FOLDED_MAX_HEIGHT = 3000  # px at 1280 with every section folded (it was 37,900 as one list)

STATE = """(key) => {
  const target = document.getElementById('ref-' + key);
  const groups = Array.from(document.querySelectorAll('details.reference-group'));
  return {
    height: document.documentElement.scrollHeight,
    groups: groups.length,
    open: groups.filter((g) => g.open).map((g) => g.querySelector('summary').textContent),
    targetOpen: target ? target.closest('details.reference-group').open : null,
    targetTop: target ? Math.round(target.getBoundingClientRect().top) : null,
    shown: Array.from(document.querySelectorAll('li[id^="ref-"]'))
      .filter((li) => li.offsetParent !== null).length,
  };
}"""


async def _look(base: str, key: str, word: str) -> tuple[dict, dict, dict, list]:
    from playwright.async_api import async_playwright

    foreign: list[str] = []
    async with async_playwright() as pw:
        browser = await _browser(pw)
        context = await _context(browser, base, foreign, viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await page.goto(base + "references/", wait_until="load")
        await _settle(page)
        folded = await page.evaluate(STATE, key)
        await page.goto(base + f"references/#ref-{key}", wait_until="load")
        await page.reload(wait_until="load")  # a fresh load with the fragment, as from a link
        await _settle(page)
        linked = await page.evaluate(STATE, key)
        await page.fill(".evidence-filter input", word)
        filtered = await page.evaluate(STATE, key)
        await browser.close()
    return folded, linked, filtered, foreign


def test_references_fold_into_sections_and_a_link_opens_its_section(served):  # noqa: F811
    base, site = served
    text = (site / "references" / "index.html").read_text(encoding="utf-8")
    keys = re.findall(r'<li id="ref-([^"]+)"', text)
    assert len(keys) == len(set(keys)) >= 10, "every source listed once"
    key = keys[len(keys) // 2]
    folded, linked, filtered, foreign = asyncio.run(_look(base, key, key[:6]))
    assert folded["groups"] >= 2 and folded["open"] == [], folded
    assert folded["height"] <= FOLDED_MAX_HEIGHT, folded
    assert linked["targetOpen"] is True and 0 <= linked["targetTop"] < 900, linked
    assert len(linked["open"]) == 1, linked
    assert 1 <= filtered["shown"] < len(keys) and filtered["targetOpen"], filtered
    assert not foreign, foreign
