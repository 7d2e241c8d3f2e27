"""The block-or-spot page's what-if chart computes in the browser what the Python model computes.

Runs where Chromium and Python Playwright are present (as the accessibility tests do): the
chart's own Vega-Lite spec is drawn in the page, its sliders' signals are set over a grid, and
the affordable empty weeks it derives are compared with models.affordable_empty_weeks.
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import itertools
import os
import threading
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from evidence import models

CHROMIUM = os.environ.get("EVIDENCE_CHROMIUM", "/usr/bin/chromium")


def _missing() -> str | None:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (it is in the dev lock: scripts/bootstrap)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

DRAW = """async ([grid]) => {
  const spec = Array.from(document.querySelectorAll('script.evidence-chart-spec'))
    .map((s) => JSON.parse(s.textContent))
    .find((s) => (s.params || []).some((p) => p.name === 'void_share'));
  const target = document.createElement('div');
  document.body.appendChild(target);
  const result = await window.vegaEmbed(target, spec, {actions: false});
  const view = result.view;
  const name = Object.keys(view._runtime.data).find((n) => {
    const rows = view.data(n);
    return rows.length && 'affordable' in rows[0];
  });
  const out = [];
  for (const [block, spot, share] of grid) {
    view.signal('block_price', block).signal('spot_price', spot).signal('void_share', share);
    await view.runAsync();
    out.push(view.data(name).map((r) => [r.stay, r.affordable]));
  }
  return out;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_browser_what_if_matches_the_python_model(shipped_site):
    frame = pd.read_csv(ROOT / "analyses/data/assumptions.csv").set_index("name")["value"]
    per_bed = frame["council_cost"] / (models.WEEKS_PER_YEAR * frame["block_beds"])
    grid = list(itertools.product((4000.0, 6280.0, 7000.0), (6200.0, 7500.0), (0.5, 0.8, 1.0)))
    handler = functools.partial(_Quiet, directory=str(shipped_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    async def go():
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = await browser.new_page()
            await page.goto(f"http://127.0.0.1:{server.server_address[1]}/block_vs_spot/")
            await page.wait_for_function("!!window.vegaEmbed", timeout=10_000)
            values = await page.evaluate(DRAW, [grid])
            await browser.close()
            return values

    try:
        drawn = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    assert len(drawn) == len(grid)
    for (block, spot, share), rows in zip(grid, drawn, strict=True):
        breakeven = models.breakeven_occupancy(block, spot, share, per_bed)
        assert rows, "the what-if chart derived no rows"
        for stay, affordable in rows:
            expected = models.affordable_empty_weeks(
                stay, breakeven, frame["solo_share"], frame["home_beds"]
            )
            assert affordable == pytest.approx(float(expected), rel=1e-9, abs=1e-9), (
                block,
                spot,
                share,
                stay,
            )
