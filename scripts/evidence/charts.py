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

    cached, svg = _cached_svg(spec)
    if svg is not None:
        return svg
    svg = vl_convert.vegalite_to_svg(spec)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(cached)
    return svg


def _cached_svg(spec: dict) -> tuple[Path | None, str | None]:
    """(the cache file for a spec, its SVG if already drawn), or (None, None) without a cache."""
    if _svg_cache is None:
        return None, None
    import vl_convert

    version = getattr(vl_convert, "__version__", "") or vl_convert.get_vega_embed_version()
    key = sha256_bytes((version + json.dumps(spec, sort_keys=True)).encode())
    cached = _svg_cache / f"{key}.svg"
    return cached, (cached.read_text(encoding="utf-8") if cached.is_file() else None)


def _draw_in_worker(spec: dict, cache_dir: str | None) -> str:
    use_cache(cache_dir)
    return render_svg(spec)


# Below this many charts to draw, a worker's start (about a second, mostly vl-convert's own
# JavaScript runtime) costs more than drawing them here.
WORKERS_FROM = 8


class Drawings:
    """Chart SVGs by chart id for one build. ``start`` sets every chart not in the cache drawing
    and returns at once, so drawing overlaps with the assembly of pages. vl-convert draws one
    chart at a time per process (its JavaScript runtime is single-threaded), so many charts (a
    national build has one per authority profile) go to worker processes, one per core; a few
    go to a thread. Asking for a chart waits for it; one never started is drawn there and then."""

    def __init__(self):
        self._svgs: dict[str, str] = {}
        self._pending: dict = {}  # chart id -> Future
        self._pools: list = []

    def start(self, specs: list[dict]) -> None:
        """Start drawing `specs` in the order given (the ones pages need first, first)."""
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

        to_draw = {}
        for spec in specs:
            cid = spec_id(spec)
            if cid in self or cid in to_draw:
                continue
            svg = _cached_svg(spec)[1]
            if svg is not None:
                self._svgs[cid] = svg
            else:
                to_draw[cid] = spec
        if len(to_draw) < 2:
            return  # drawn as the page needs it
        if len(to_draw) >= WORKERS_FROM and (os.cpu_count() or 1) > 1:
            import multiprocessing

            # spawn, not fork: the parent may hold threads, and each worker needs a runtime
            pool = ProcessPoolExecutor(
                max_workers=min(2, os.cpu_count() or 1),
                mp_context=multiprocessing.get_context("spawn"),
            )
            cache = str(_svg_cache.parent) if _svg_cache is not None else None
            submit = lambda spec: pool.submit(_draw_in_worker, spec, cache)  # noqa: E731
        else:
            pool = ThreadPoolExecutor(max_workers=1)
            submit = lambda spec: pool.submit(render_svg, spec)  # noqa: E731
        self._pools.append(pool)
        for cid, spec in to_draw.items():
            self._pending[cid] = submit(spec)

    def svg(self, spec: dict) -> str:
        cid = spec_id(spec)
        if cid not in self:
            self._svgs[cid] = render_svg(spec)
        return self[cid]

    def __getitem__(self, cid: str) -> str:
        if cid in self._pending:
            self._svgs[cid] = self._pending.pop(cid).result()  # a drawing's error is raised here
        return self._svgs[cid]

    def get(self, cid: str, default=None):
        return self[cid] if cid in self else default

    def __contains__(self, cid: str) -> bool:
        return cid in self._svgs or cid in self._pending

    def close(self) -> None:
        """Wait for (or, after an error, drop) what is still drawing; stop the workers."""
        for future in self._pending.values():
            future.cancel()
        for pool in self._pools:
            pool.shutdown(wait=True)
        self._pools.clear()
        self._pending.clear()


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
