"""docs/explain.md runs as written, and prints what its comments say."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_explain_doc_examples_run_and_print_what_they_say(capsys, monkeypatch, run_doc_examples) -> None:
    monkeypatch.chdir(ROOT)
    assert run_doc_examples("explain.md") == 5
    out = capsys.readouterr().out
    text = (ROOT / "docs" / "explain.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```python\n(.*?)```", text, flags=re.S))
    promised = [line[2:] for line in (raw.strip() for raw in blocks.splitlines())
                if line.startswith("# ") and "…" not in line]
    assert len(promised) >= 10
    for line in promised:
        assert line in out, line
