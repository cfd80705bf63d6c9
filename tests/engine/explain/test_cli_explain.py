"""``python main.py explain FILE.nnd --sample I``: stdout, -o (atomic), --check, one-line errors."""
from __future__ import annotations

from pathlib import Path

import main

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


def run(capsys, *args) -> tuple[int, str, str]:
    code = main.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_markdown_to_stdout(capsys) -> None:
    code, out, err = run(capsys, "explain", EXAMPLES / "textbook.nnd", "--sample", "2")
    assert code == 0 and not err
    assert out.startswith("# One training step of textbook.nnd\n") and "train sample 2 of 4" in out
    assert "∂L/∂w1 = ∂L/∂ŷ · w2 · σ'(z1) · x" in out and "Gradient check" not in out


def test_writes_a_file_with_check(tmp_path, capsys) -> None:
    path = tmp_path / "step.md"
    code, out, _ = run(capsys, "explain", EXAMPLES / "xor.nnd", "--sample", "3", "--split", "test", "-o", path,
                       "--check")
    assert code == 0 and out == f"wrote {path}\n"
    text = path.read_text(encoding="utf-8")
    assert "test sample 3 of 250" in text and "## 6. Gradient check" in text and "pass: 4 of 4" in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_one_line_errors(tmp_path, capsys) -> None:
    cases = [
        (["--sample", "4"], "sample 4 is out of range: the train split has 4 samples (0 to 3)"),
        (["--sample", "-1"], "sample -1 is out of range"),
        (["--sample", "0", "--split", "test"], "the test split of"),
        ([], "the following arguments are required: --sample"),
        (["--sample", "0", "--digits", "0"], "--digits must be between 1 and 17"),
        (["--sample", "0", "-o", tmp_path / "missing" / "x.md"], "cannot write"),
    ]
    for extra, message in cases:
        code, out, err = run(capsys, "explain", EXAMPLES / "textbook.nnd", *extra)
        assert code != 0 and not out and message in err and err.count("\n") == 1, (extra, err)
    code, _, err = run(capsys, "explain", tmp_path / "nope.nnd", "--sample", "0")
    assert code != 0 and "cannot open" in err and err.count("\n") == 1
