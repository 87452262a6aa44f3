"""No import circles inside an app, counting imports made inside functions too.

Every module of our apps is parsed with `ast`; each import of a module of the
same app is an edge, wherever it sits (top level, a function, `TYPE_CHECKING`
blocks excepted: they never run). A cycle in that graph fails the test with
its path. The arrows between apps (DESIGN.md) are checked the same way.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "notifications",
    "payments",
    "invoicing",
    "offers",
    "subscribers",
    "partners",
    "portal",
)
# Who may import whom: each app and the apps below it (DESIGN.md, "Apps").
ALLOWED = {
    "accounts": {"accounts"},
    "payments": {"payments", "accounts"},
    # The SMS module (notifications.sms) issues a VAT invoice for each top-up.
    "notifications": {"notifications", "invoicing", "payments", "accounts"},
    # Invoicing sits beside payments and e-mails its invoices through the outbox.
    "invoicing": {"invoicing", "notifications", "payments", "accounts"},
    "offers": {"offers", "invoicing", "notifications", "payments", "accounts"},
    "subscribers": {"subscribers", "invoicing", "notifications", "payments", "accounts"},
    "partners": {"partners", "invoicing", "notifications", "payments", "accounts"},
    "portal": set(APPS),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ours that `module` imports, anywhere in its body."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node)
        for stmt in node.body
        for child in ast.walk(stmt)
    }
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # `from . import x` imports the submodule x when there is one.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]], nodes: set[str]) -> list[str] | None:
    """One import cycle among `nodes`, as a path, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node] & nodes):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(nodes):
        if node not in state and (found := visit(node)):
            return found
    return None


GRAPH = _graph()


@pytest.mark.parametrize("app", APPS)
def test_it_finds_no_import_circle_inside_the_app(app):
    inside = {name for name in GRAPH if name == app or name.startswith(app + ".")}
    cycle = _cycle(GRAPH, inside)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("app", APPS)
def test_imports_between_apps_follow_the_arrows(app):
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        if source.split(".")[0] == app
        for target in targets
        if target.split(".")[0] not in ALLOWED[app]
    )
    assert wrong == []


def test_the_checker_sees_a_circle_through_a_function_level_import(tmp_path):
    first = tmp_path / "first.py"
    second = tmp_path / "second.py"
    first.write_text("from . import second\n")
    second.write_text("def later():\n    from .first import x\n")
    known = {"pkg.first", "pkg.second"}
    graph = {
        "pkg.first": _imports_from(first, "pkg.first", known),
        "pkg.second": _imports_from(second, "pkg.second", known),
    }
    assert _cycle(graph, known) == ["pkg.first", "pkg.second", "pkg.first"]


def _imports_from(path: Path, module: str, known: set[str]) -> set[str]:
    return _imports(module, path, known)
