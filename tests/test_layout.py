"""The package's shape: no import cycle between its modules, and no module over about 400 lines
without saying why in its docstring."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "evidence"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = ["evidence", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """The package modules `path` imports, at the top or inside a function (a cycle through a
    deferred import is still a cycle of knowledge between the two modules)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}  # from pkg import module
    return {name for name in found if name in known}


def graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: imports(path, known) - {name} for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return groups


def test_the_cycle_finder_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_deferred_and_from_imports(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from evidence import charts\n"
        "def f():\n    from evidence.render import gather\n"
        "import evidence.cite\n"
    )
    known = {"evidence.charts", "evidence.render", "evidence.cite", "evidence"}
    assert imports(source, known) == known


def test_no_import_cycle_in_the_package():
    found = cycles(graph())
    assert not found, "import cycles: " + "; ".join(" <-> ".join(g) for g in found)


def test_the_library_never_imports_its_command_line():
    for name, deps in graph().items():
        if not name.endswith("cli"):
            assert not {d for d in deps if d.endswith("cli")}, name


def test_no_module_over_400_lines_without_a_reason():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if lines > MAX_LINES and "over 400 lines" not in doc.lower():
            long.append(f"{path.relative_to(PACKAGE)} ({lines} lines)")
    assert not long, "say why in the docstring ('over 400 lines: …'): " + ", ".join(long)
