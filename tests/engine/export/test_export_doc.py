"""The code on docs/export.md runs as written (blocks in order, one namespace)."""
from __future__ import annotations


def test_export_doc_examples_run(capsys, run_doc_examples):
    assert run_doc_examples("export.md") >= 6
    out = capsys.readouterr().out
    assert "numpy ['xor_numpy.py', 'xor_numpy.npz']" in out
    assert "['dense_1/W', 'dense_1/b', 'dense_2/W', 'dense_2/b']" in out
    assert "[3, 6] dense_1 ['0', '1']" in out
    assert "['N', 1, 8, 8]" in out and "(8, 1, 3, 3)" in out  # the CNN: raw images in, OIHW kernels
