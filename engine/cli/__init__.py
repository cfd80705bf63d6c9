"""The command line: ``python main.py train|export|info|predict …`` (see docs/cli.md)."""
