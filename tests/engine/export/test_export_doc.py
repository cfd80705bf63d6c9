"""The code on docs/export.md runs as written (blocks in order, one namespace)."""
from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "export.md"


def test_export_doc_examples_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 5
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/export.md block {i + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "numpy ['xor_numpy.py', 'xor_numpy.npz']" in out
    assert "['dense_1/W', 'dense_1/b', 'dense_2/W', 'dense_2/b']" in out
    assert "[3, 6] dense_1 ['0', '1']" in out
