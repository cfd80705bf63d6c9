"""main.py dispatch: subcommands, help, and one-line errors."""

import subprocess
import sys
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def commands(monkeypatch):
    table = {}
    monkeypatch.setattr(main, "SUBCOMMANDS", table)
    return table


def test_subcommand_gets_its_arguments(commands):
    seen = []
    commands["echo"] = lambda args: seen.append(args) or 3
    assert main.main(["echo", "a", "--b"]) == 3
    assert seen == [["a", "--b"]]


def test_subcommand_returning_none_is_success(commands):
    commands["noop"] = lambda args: None
    assert main.main(["noop"]) == 0


def test_subcommand_error_is_one_line_exit_1(commands, capsys):
    def boom(args):
        raise ValueError("bad file\n  at line 3")

    commands["boom"] = boom
    assert main.main(["boom", "x.nnd"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "neurocanvas: error: bad file at line 3\n"


def test_lazy_subcommand_imports_on_call(commands):
    commands["count"] = main._lazy("operator:length_hint")  # len(args) as exit code
    assert main.main(["count", "a", "b"]) == 2


def test_lazy_subcommand_import_error_is_one_line(commands, capsys):
    commands["gone"] = main._lazy("no_such_module_xyz:run")
    assert main.main(["gone"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no_such_module_xyz" in err


def test_help_and_version(capsys):
    assert main.main(["--help"]) == 0
    assert "usage: neurocanvas" in capsys.readouterr().out
    assert main.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("neurocanvas ")


def test_unknown_option_and_command_are_usage_errors(commands, capsys):
    assert main.main(["--frobnicate"]) == 2
    assert main.main(["frobnicate", "x.nnd"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("neurocanvas: error:") for line in err)


def test_script_exits_with_code():
    result = subprocess.run(
        [sys.executable, "main.py", "--bogus"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith("neurocanvas: error:")
    assert "Traceback" not in result.stderr
