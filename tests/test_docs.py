"""The code on docs/api.md runs as written (blocks in order, one namespace)."""
from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_api_doc_examples_run(capsys):
    blocks = python_blocks((DOCS / "api.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/api.md block {i + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "Dense.units: expected a value ≥ 1, received 0" in out
    assert "would create a cycle" in out
    assert "add Flatten" in out
    assert "diverged" in out
