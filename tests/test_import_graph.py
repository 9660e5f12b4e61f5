"""The arrows between the modules of ``wargame`` run one way: no import cycle anywhere, the engine
included (an import inside a function counts as much as one at the top of a module), the layers of
docs/architecture.md hold, and an import inside a function is not used to hide a cycle.

The graph is read from the source with ``ast``, so these tests need no Django and no services.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "wargame"


@dataclass
class Module:
    name: str
    path: Path
    # module -> the line of each import of it, and whether that import is inside a function
    imports: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _known(name: str, modules: dict[str, Module]) -> str | None:
    """The module of ``wargame`` that ``name`` (a module, or a name in one) belongs to."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _targets(node: ast.Import | ast.ImportFrom, module: Module) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        here = module.name.split(".")
        if module.path.name != "__init__.py":
            here = here[:-1]
        here = here[: len(here) - node.level + 1]
        base = ".".join([*here, base] if base else here)
    # ``from wargame.x import y`` may name the module wargame.x.y or a name inside wargame.x.
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _imports_of(module: Module, modules: dict[str, Module]) -> None:
    tree = ast.parse(module.path.read_text(encoding="utf-8"))
    local: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            local |= {
                id(inner)
                for inner in ast.walk(node)
                if isinstance(inner, ast.Import | ast.ImportFrom)
            }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        found = {_known(target, modules) for target in _targets(node, module)}
        for target in found - {None, module.name}:
            assert target is not None
            # A package's own face (its __init__) importing its submodules is not a cycle.
            if module.path.name == "__init__.py" and target.startswith(module.name + "."):
                continue
            module.imports.setdefault(target, []).append((node.lineno, id(node) in local))


def import_graph() -> dict[str, Module]:
    modules = {
        _module_name(path): Module(_module_name(path), path)
        for path in sorted((ROOT / PACKAGE).rglob("*.py"))
        if "migrations" not in path.parts
    }
    for module in modules.values():
        _imports_of(module, modules)
    return modules


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """The groups of modules that import one another, directly or around a loop (the strongly
    connected components with more than one module), found by Tarjan's algorithm without
    recursion."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in modules:
        if start in order:
            continue
        work = [(start, iter(sorted(modules[start].imports)))]
        order[start] = low[start] = len(order)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            following = next(pending, None)
            if following is not None:
                if following not in order:
                    order[following] = low[following] = len(order)
                    stack.append(following)
                    on_stack.add(following)
                    work.append((following, iter(sorted(modules[following].imports))))
                elif following in on_stack:
                    low[node] = min(low[node], order[following])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == order[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return sorted(found)


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.fixture(scope="module")
def graph() -> dict[str, Module]:
    return import_graph()


def test_the_reader_sees_a_cycle_made_by_an_import_inside_a_function() -> None:
    """The check itself: a two-module loop closed by a function-local import is a cycle."""
    a, b = Module("a", ROOT / "a.py"), Module("b", ROOT / "b.py")
    a.imports["b"] = [(1, False)]
    b.imports["a"] = [(5, True)]
    assert cycles({"a": a, "b": b}) == [["a", "b"]]
    del b.imports["a"]
    assert cycles({"a": a, "b": b}) == []


def test_no_module_of_wargame_is_in_an_import_cycle(graph: dict[str, Module]) -> None:
    """The whole package, the engine included; an import inside a function counts."""
    assert cycles(graph) == []


def _importers(graph: dict[str, Module], target: str) -> list[str]:
    return sorted(
        name
        for name, module in graph.items()
        if any(_in(imported, target) for imported in module.imports)
    )


def test_the_engine_imports_nothing_of_wargame_outside_itself(graph: dict[str, Module]) -> None:
    leaks = {
        name: sorted(i for i in module.imports if not _in(i, "wargame.engine"))
        for name, module in graph.items()
        if _in(name, "wargame.engine")
    }
    assert {name: found for name, found in leaks.items() if found} == {}


@pytest.mark.parametrize(
    ("inner", "outer"),
    [
        ("wargame.exercises", "wargame.api"),
        ("wargame.exercises", "wargame.web"),
        ("wargame.exercises", "wargame.realtime"),
        ("wargame.exercises", "wargame.reports"),
        ("wargame.exercises", "wargame.tasks"),
        ("wargame.reports", "wargame.api"),
        ("wargame.reports", "wargame.web"),
        ("wargame.reports", "wargame.realtime"),
        ("wargame.web", "wargame.api"),
        ("wargame.api", "wargame.web"),
    ],
)
def test_an_inner_layer_never_imports_an_outer_one(
    graph: dict[str, Module], inner: str, outer: str
) -> None:
    """docs/architecture.md: web, api, realtime, tasks -> exercises -> engine; reports renders
    from exercises. (The commands under exercises/management are an outer layer of their own.)"""
    wrong = [
        name
        for name in _importers(graph, outer)
        if _in(name, inner) and not _in(name, "wargame.exercises.management")
    ]
    assert wrong == []


def test_a_private_module_is_imported_only_within_its_package(graph: dict[str, Module]) -> None:
    """``services/_turn.py`` holds the steps of a turn: only the services that hold the lock call
    them, never a view, a task or a page."""
    wrong: list[str] = []
    for name, module in graph.items():
        for imported in module.imports:
            package, _dot, last = imported.rpartition(".")
            if last.startswith("_") and not last.startswith("__") and not _in(name, package):
                wrong.append(f"{name} imports {imported}")
    assert wrong == []


# Where Django asks for imports inside a function: an app's ready().
READY = "ready"


def test_no_import_of_wargame_hides_inside_a_function(graph: dict[str, Module]) -> None:
    """An import of a module of ``wargame`` inside a function usually hides a cycle; the only
    place for one is an AppConfig's ready(), where Django wants it."""
    wrong: list[str] = []
    for name, module in graph.items():
        if _in(name, "wargame.engine"):
            # The engine loads some of its own modules lazily; none hides a cycle, since the
            # graph above counts them and finds none.
            continue
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if function.name == READY:
                continue
            wrong.extend(
                f"{name}:{node.lineno} in {function.name}()"
                for node in ast.walk(function)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE)
            )
    assert wrong == []


WRITES = frozenset(
    {"create", "update", "delete", "get_or_create", "update_or_create", "bulk_create"}
)


def test_no_view_page_or_socket_writes_a_model(graph: dict[str, Module]) -> None:
    """Every write goes through a service: the REST views, the pages and the sockets only call
    one (``Model.objects.create(...)``, ``.update(...)``, ``row.save()`` are services' work)."""
    wrong = []
    for name, module in graph.items():
        if not any(
            _in(name, layer) for layer in ("wargame.api", "wargame.web", "wargame.realtime")
        ):
            continue
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            chain = ast.unparse(node.func)
            if ".objects." in chain and node.func.attr in WRITES:
                wrong.append(f"{name}:{node.lineno} {chain}")
    assert wrong == []
