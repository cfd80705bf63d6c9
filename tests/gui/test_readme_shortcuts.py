"""The README's keyboard-shortcut table is the app's: every menu action with a shortcut, no more."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QKeySequence

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_rows() -> set[tuple[str, str, str]]:
    section = README.read_text(encoding="utf-8").split("## Keyboard shortcuts", 1)[1].split("\n## ", 1)[0]
    return {tuple(c.strip() for c in m.groups())
            for m in re.finditer(r"^\| (\w+) \| ([^|]+) \| ([^|]+) \|$", section, flags=re.M)
            if m.group(1) != "menu"}


def app_rows(window) -> set[tuple[str, str, str]]:
    rows = set()
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if action.isSeparator() or not action.shortcuts():
                continue
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            rows.add((menu_action.text().replace("&", ""), action.text().replace("&", "").replace("…", ""), keys))
    return rows


def test_readme_shortcut_table_matches_the_menus(main_window):
    assert readme_rows() == app_rows(main_window)
