"""`evidence serve`: build, serve site/ on localhost, and rebuild when an input changes."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from evidence.errors import EvidenceError
from evidence.pipeline import build, log


def _snapshot(project) -> dict:
    roots = [
        project.docs_dir,
        project.analyses_dir,
        project.references_dir,
        project.data_dir,
        project.root / "mkdocs.yml",
    ]
    seen = {}
    for root in roots:
        paths = [root] if root.is_file() else root.rglob("*") if root.exists() else []
        for p in paths:
            if p.is_file() and "__pycache__" not in p.parts:
                seen[str(p)] = p.stat().st_mtime_ns
    return seen


def serve(project, host: str = "127.0.0.1", port: int = 8000) -> None:
    try:
        build(project)
    except EvidenceError as exc:
        log(f"error: {exc}")
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(project.site_dir)
    )
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log(f"serving {project.rel(Path(project.site_dir))}/ on http://{host}:{port}/ (Ctrl-C stops)")
    state = _snapshot(project)
    try:
        while True:
            time.sleep(1)
            now = _snapshot(project)
            if now != state:
                state = now
                log("change seen; rebuilding …")
                try:
                    build(project)
                except EvidenceError as exc:
                    log(f"error: {exc}\n(the previous site is still served)")
    finally:
        server.shutdown()
