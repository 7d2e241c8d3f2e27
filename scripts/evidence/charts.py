"""Stage 4, charts: Vega-Lite specs to offline, accessible page fragments.

One vega/vega-lite/vega-embed bundle is shipped as a site asset (vl-convert's
``javascript_bundle``), so no page loads anything from another host. Each chart's element id is a
hash of its spec (stable across builds), and an SVG rendered at build time stands in for
no-JavaScript readers and print.
"""

from __future__ import annotations

import html
import json
import os
import sys
from pathlib import Path

from evidence.project import sha256_bytes

BUNDLE_NAME = "vega-bundle.js"


def spec_id(spec: dict) -> str:
    return "chart-" + sha256_bytes(json.dumps(spec, sort_keys=True).encode())[:12]


def write_bundle(target: Path, cache_dir: Path) -> None:
    """The vega bundle, built once per vl-convert version (it takes a second or two). It depends
    only on the installed vl-convert, so it is kept beside it in the environment (shared by every
    project and clone using that environment), or in the project's cache where that is read-only."""
    import vl_convert

    version = getattr(vl_convert, "__version__", "") or vl_convert.get_vega_embed_version()
    name = f"vega-bundle-{version}.js"
    cached = Path(sys.prefix) / "share" / "evidence" / name
    if not cached.is_file():
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            cached = cache_dir / name
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")  # concurrent builds never share one
        tmp.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
        tmp.replace(cached)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(cached.read_bytes())


_svg_cache: Path | None = None  # set per build by use_cache(); None renders every time


def use_cache(cache_dir: Path | None) -> None:
    """Keep rendered SVGs under cache_dir/svg, keyed by spec and vl-convert version: a rebuild
    renders only charts it has not drawn before (each takes vl-convert a few tenths of a second)."""
    global _svg_cache
    _svg_cache = Path(cache_dir) / "svg" if cache_dir else None


def render_svg(spec: dict) -> str:
    import vl_convert

    cached = None
    if _svg_cache is not None:
        version = getattr(vl_convert, "__version__", "") or vl_convert.get_vega_embed_version()
        key = sha256_bytes((version + json.dumps(spec, sort_keys=True)).encode())
        cached = _svg_cache / f"{key}.svg"
        if cached.is_file():
            return cached.read_text(encoding="utf-8")
    svg = vl_convert.vegalite_to_svg(spec)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(cached)
    return svg


def prerender(specs: list[dict], svgs: dict[str, str]) -> None:
    """Draw every chart not yet in `svgs` (spec id -> SVG) before pages are assembled, several at
    once: vl-convert converts outside Python's lock, so threads overlap where cores are free. A
    national build has one chart per authority profile, so this is most of its chart time."""
    from concurrent.futures import ThreadPoolExecutor

    pending = {}
    for spec in specs:
        pending.setdefault(spec_id(spec), spec)
    pending = {cid: spec for cid, spec in pending.items() if cid not in svgs}
    if len(pending) < 2:
        return  # drawn as the page needs it
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for cid, svg in zip(pending, pool.map(render_svg, pending.values()), strict=True):
            svgs[cid] = svg


def chart_html(spec: dict, description: str, svg_href: str, spec_href: str) -> str:
    """The chart's element: a static SVG image that the shipped script upgrades in place."""
    cid = spec_id(spec)
    alt = html.escape(description or spec.get("description") or "Chart", quote=True)
    # Inside <script> HTML entities are not decoded, so escape for JSON instead: text such as
    # "</script>" in the data can then neither end the element nor change the values.
    data = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<figure class="evidence-chart" id="{cid}" data-spec-href="{spec_href}">\n'
        f'<img class="evidence-chart-fallback" src="{svg_href}" alt="{alt}">\n'
        f'<script type="application/json" class="evidence-chart-spec">{data}</script>\n'
        f"<figcaption>{html.escape(description)}</figcaption>\n"
        "</figure>"
    )
