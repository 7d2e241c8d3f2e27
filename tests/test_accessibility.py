"""Accessibility and offline use, in a real browser: axe-core (WCAG 2.2 AA rules) on every page of
a full build of the shipped project, no request to another host, and tabs and interactive charts
usable from the keyboard.

Needs Debian's Chromium (/usr/bin/chromium) and axe-core installed with `npm ci` in tests/a11y;
where either is missing the tests skip and say so (.ci/run installs both, so CI always runs them).
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).parent
AXE = HERE / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("EVIDENCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES_AT_ONCE = 3  # pages checked concurrently in one browser
# axe-core takes 1-3 s a page. Where one folder holds many pages made from one template (the
# authority profiles), a local run checks an even spread of SAMPLE of them; CI, and anyone who sets
# EVIDENCE_A11Y_ALL=1, checks every page.
SAMPLE = 12
ALL_PAGES = os.environ.get("EVIDENCE_A11Y_ALL", "") not in ("", "0")


def _missing() -> str | None:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    if not AXE.is_file():
        return "axe-core is not installed (run `npm ci` in tests/a11y; .ci/run does)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (it is in the dev lock: scripts/bootstrap)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="module")
def served(shipped_site):
    """The shipped site on a local web server: (base URL, site folder)."""
    handler = functools.partial(_Quiet, directory=str(shipped_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", shipped_site
    finally:
        server.shutdown()
        server.server_close()


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as URL paths relative to its root."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


async def _browser(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def _context(browser, base: str, foreign: list[str], **options):
    """A browser context that refuses, and records, every request to another host."""
    context = await browser.new_context(**options)
    local = urlsplit(base).netloc

    async def route(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local:
            foreign.append(f"{route.request.frame.url if route.request.frame else '?'} -> {url}")
            await route.abort()
        else:
            await route.continue_()

    await context.route("**/*", route)
    return context


async def _settle(page) -> None:
    """Wait for the page's scripts: charts upgraded to interactive views where possible."""
    try:
        await page.wait_for_function(
            "Array.from(document.querySelectorAll('figure.evidence-chart'))"
            ".every(f => f.dataset.upgraded || f.dataset.failed)",
            timeout=10_000,
        )
    except Exception:  # noqa: BLE001 - axe still runs on the static page; the chart test fails
        pass


async def _axe(page) -> list[dict]:
    await page.add_script_tag(path=str(AXE))
    return await page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                             resultTypes: ["violations"]});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: "
                                                + n.failureSummary)}));
        }""",
        WCAG_TAGS,
    )


async def _scan(base: str, pages: list[str]) -> tuple[dict, list[str], list[str]]:
    from playwright.async_api import async_playwright

    violations: dict[str, list] = {}
    foreign: list[str] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await _browser(pw)
        context = await _context(browser, base, foreign)
        gate = asyncio.Semaphore(PAGES_AT_ONCE)

        async def one(path: str) -> None:
            async with gate:
                page = await context.new_page()
                page.on("pageerror", lambda exc, path=path: errors.append(f"{path}: {exc}"))
                try:
                    response = await page.goto(base + path, wait_until="load")
                    if path != "404.html" and (response is None or not response.ok):
                        errors.append(f"{path}: HTTP {response and response.status}")
                    await _settle(page)
                    found = await _axe(page)
                    if found:
                        violations[path] = found
                finally:
                    await page.close()

        await asyncio.gather(*(one(p) for p in pages))
        await browser.close()
    return violations, foreign, errors


def _report(violations: dict) -> str:
    lines = []
    for path, found in sorted(violations.items()):
        for v in found:
            lines.append(f"/{path}: {v['id']} ({v['impact']}): {v['help']}")
            lines += [f"    {n}" for n in v["nodes"]]
    return "\n".join(lines)


def choose_pages(pages: list[str], every: bool = ALL_PAGES) -> tuple[list[str], list[str]]:
    """(pages to check, pages left out): all of them, or an even spread of each large folder."""
    if every:
        return pages, []
    groups: dict[str, list[str]] = {}
    for path in pages:
        parts = path.strip("/").split("/")
        groups.setdefault("/".join(parts[:-1]) if len(parts) > 1 else "", []).append(path)
    chosen, skipped = [], []
    for folder, members in groups.items():
        if folder and len(members) > SAMPLE:
            step = (len(members) - 1) / (SAMPLE - 1)
            keep = {members[round(i * step)] for i in range(SAMPLE)}
            chosen += [m for m in members if m in keep]
            skipped += [m for m in members if m not in keep]
        else:
            chosen += members
    return chosen, skipped


def test_every_page_passes_axe_and_loads_nothing_from_elsewhere(served):
    base, site = served
    every = site_pages(site)
    assert len(every) >= 8
    pages, skipped = choose_pages(every)
    violations, foreign, errors = asyncio.run(_scan(base, pages))
    print(
        f"axe-core ({', '.join(WCAG_TAGS)}): {len(pages)} of {len(every)} pages checked"
        + (" (a sample of large folders; EVIDENCE_A11Y_ALL=1 checks all)" if skipped else "")
        + f", {len(violations)} with violations"
    )
    problems = []
    if foreign:
        problems.append("requests to other hosts:\n" + "\n".join(sorted(set(foreign))))
    if violations:
        problems.append(f"axe-core violations on {len(violations)} pages:\n" + _report(violations))
    if errors:
        problems.append("script errors or missing pages:\n" + "\n".join(errors))
    assert not problems, "\n\n".join(problems)


def _chart_page(site: Path, *, interactive: bool) -> str:
    """The first page with a chart (with sliders, if `interactive`)."""
    for path in site_pages(site):
        page = site / (path + "index.html" if path.endswith("/") or not path else path)
        text = page.read_text(encoding="utf-8")
        if 'class="evidence-chart"' in text and (not interactive or '"bind"' in text):
            return path
    pytest.fail("no page with a chart" + (" with sliders" if interactive else ""))


async def _tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching `selector` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_chart_tabs_work_from_the_keyboard(served):
    from playwright.async_api import async_playwright

    base, site = served
    path = _chart_page(site, interactive=False)

    async def go():
        foreign: list[str] = []
        async with async_playwright() as pw:
            browser = await _browser(pw)
            context = await _context(browser, base, foreign)
            page = await context.new_page()
            await page.goto(base + path)
            await _settle(page)
            tabs = page.locator(".evidence-tabs").first
            radios = tabs.locator(":scope > input")
            assert await radios.count() == 4
            labels = await tabs.locator(":scope > .tabbed-labels > label").all_inner_texts()
            assert [x.strip() for x in labels] == ["Chart", "Table", "Sources", "Download"]
            first_id = await radios.nth(0).get_attribute("id")
            await _tab_to(page, f"input[id='{first_id}']")
            blocks = tabs.locator(":scope > .tabbed-content > .tabbed-block")
            assert await blocks.nth(0).is_visible() and not await blocks.nth(1).is_visible()
            await page.keyboard.press("ArrowRight")
            assert await radios.nth(1).is_checked()
            assert await blocks.nth(1).is_visible() and not await blocks.nth(0).is_visible()
            assert await blocks.nth(1).locator("table caption").count() >= 1
            await page.keyboard.press("ArrowRight")
            await page.keyboard.press("ArrowRight")
            assert await radios.nth(3).is_checked()
            download = blocks.nth(3).locator("a[download]").first
            assert await download.is_visible()
            # the focus ring must be visible on the label of the focused tab
            outline = (
                await tabs.locator(":scope > .tabbed-labels > label")
                .nth(3)
                .evaluate(
                    "l => getComputedStyle(l).outlineStyle + ' ' + getComputedStyle(l).boxShadow"
                )
            )
            assert outline.split()[0] != "none" or "rgb" in outline, outline
            await browser.close()
        assert not foreign

    asyncio.run(go())


def test_a_card_tables_sort_buttons_show_when_focused_on_a_narrow_screen(served):
    """At 390 px the comparison is one card per row and its header row is hidden; Tab still
    reaches the sort buttons, so the one with focus must be on screen (WCAG 2.4.7)."""
    from playwright.async_api import async_playwright

    base, site = served

    async def go():
        foreign: list[str] = []
        async with async_playwright() as pw:
            browser = await _browser(pw)
            context = await _context(browser, base, foreign, viewport={"width": 390, "height": 800})
            page = await context.new_page()
            await page.goto(base + "comparison/")
            await _settle(page)
            button = ".evidence-cards-table thead button"
            assert await page.locator(button).count() >= 5
            await _tab_to(page, button)
            box = await page.evaluate(
                "() => { const r = document.activeElement.getBoundingClientRect();"
                " return [r.left, r.right, r.width, r.height]; }"
            )
            await browser.close()
        assert box[2] >= 20 and box[3] >= 10, f"the focused sort button is {box[2]}x{box[3]} px"
        assert box[0] >= 0 and box[1] <= 390, f"the focused sort button is off screen: {box}"
        assert not foreign

    asyncio.run(go())


def test_interactive_chart_sliders_work_from_the_keyboard(served):
    from playwright.async_api import async_playwright

    base, site = served
    path = _chart_page(site, interactive=True)

    async def go():
        foreign: list[str] = []
        async with async_playwright() as pw:
            browser = await _browser(pw)
            context = await _context(browser, base, foreign)
            page = await context.new_page()
            await page.goto(base + path)
            await _settle(page)
            figure = page.locator("figure.evidence-chart[data-upgraded]").filter(
                has=page.locator("input[type=range]")
            )
            assert await figure.count() >= 1, "no interactive chart with sliders was drawn"
            figure = figure.first
            # once drawn, the interactive view replaces the static image (not both on screen)
            assert not await figure.locator("img.evidence-chart-fallback").is_visible()
            slider = figure.locator("input[type=range]").first
            slider_id = await slider.evaluate("s => s.id || (s.id = 'evidence-test-slider')")
            # every slider has an accessible name
            names = await figure.locator("input[type=range]").evaluate_all(
                "xs => xs.map(x => (x.labels && x.labels[0] ? x.labels[0].textContent : '')"
                " || x.getAttribute('aria-label') || '')"
            )
            assert all(n.strip() for n in names), names
            before_value = await slider.input_value()
            before_svg = await figure.locator(".evidence-chart-view svg").inner_html()
            await _tab_to(page, f"#{slider_id}")
            for _ in range(5):
                await page.keyboard.press("ArrowRight")
            assert await slider.input_value() != before_value
            await page.wait_for_timeout(300)
            after_svg = await figure.locator(".evidence-chart-view svg").inner_html()
            assert after_svg != before_svg, "the chart did not change with its slider"
            await browser.close()
        assert not foreign

    asyncio.run(go())


def test_chromium_and_axe_are_the_ones_ci_installs():
    """A reminder in the output of what ran: Debian Chromium and the locked axe-core."""
    import json

    lock = json.loads((HERE / "a11y" / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/axe-core"]["version"]
    installed = json.loads((AXE.parent / "package.json").read_text())["version"]
    assert installed == locked, "tests/a11y/node_modules is stale: run `npm ci` in tests/a11y"
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()
