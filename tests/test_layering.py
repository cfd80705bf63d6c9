"""The engine is pure Python + NumPy: it must never import Qt, pyqtgraph or the GUI."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
FORBIDDEN = {
    "PySide6",
    "PySide2",
    "PyQt5",
    "PyQt6",
    "shiboken6",
    "shiboken2",
    "qtpy",
    "pyqtgraph",
    "gui",
}


def _imported_modules(tree: ast.AST):
    """Yield (line, absolute module name) for every import in *tree*."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_engine_sources_import_no_gui_code():
    files = sorted(ENGINE.rglob("*.py"))
    assert files, f"no Python files under {ENGINE}"
    offences = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_modules(tree):
            if module.split(".")[0] in FORBIDDEN:
                offences.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
    assert not offences, "engine/ must not import Qt, pyqtgraph or gui:\n" + "\n".join(
        offences
    )


def test_importing_engine_loads_no_gui_modules():
    code = (
        "import engine, sys; "
        "assert engine.__file__, 'engine is not a regular package (no __init__.py)'; "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}); "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
