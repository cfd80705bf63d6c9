"""Regression guard for PySide6 6.12.0 on Python 3.11 (DESIGN.md section 4).

There, every call of a Qt method that returns nothing dropped None's reference
count by one, and after enough calls the process died with
"Fatal Python error: none_dealloc". Python >= 3.12 is immune: None is immortal.
"""

import sys

import pytest

import PySide6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QGraphicsRectItem

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal on Python >= 3.12"
)

CALLS = 2_000
SLACK = 50  # unrelated code may hold or drop a few references meanwhile


def test_pyside_version_is_not_the_broken_one():
    assert PySide6.__version__ != "6.12.0", (
        "PySide6 6.12.0 corrupts None's refcount on Python < 3.12; "
        "pyproject.toml excludes it"
    )


def test_void_calls_keep_none_refcount(qapp):
    obj = QObject()
    item = QGraphicsRectItem(0, 0, 10, 10)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        obj.setObjectName("x")
        item.setPos(1, 2)
    after = sys.getrefcount(None)
    assert after >= before - SLACK, (
        f"None's refcount dropped by {before - after} over {2 * CALLS} void Qt calls "
        f"(PySide6 {PySide6.__version__})"
    )
