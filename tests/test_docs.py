"""The code on docs/api.md runs as written (blocks in order, one namespace)."""
from __future__ import annotations


def test_api_doc_examples_run(capsys, run_doc_examples):
    assert run_doc_examples("api.md") >= 8
    out = capsys.readouterr().out
    assert "Dense.units: expected a value ≥ 1, received 0" in out
    assert "would create a cycle" in out
    assert "add Flatten" in out
    assert "diverged" in out


def test_readme_python_example_runs(capsys, monkeypatch):
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    blocks = re.findall(r"```python\n(.*?)```", (root / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert "[[0." in capsys.readouterr().out
