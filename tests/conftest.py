"""Session-wide test settings.

These run before any test imports Qt or pyqtgraph: tests never need a display,
and pyqtgraph must pick PySide6.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture
def run_doc_examples():
    """Run every ```python block of docs/<name> in order, in one namespace; returns the block count."""

    def run(name: str) -> int:
        text = (DOCS / name).read_text(encoding="utf-8")
        blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
        namespace: dict = {}
        for i, block in enumerate(blocks):
            exec(compile(block, f"docs/{name} block {i + 1}", "exec"), namespace)
        return len(blocks)

    return run
