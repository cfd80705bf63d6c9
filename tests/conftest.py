"""Session-wide test settings.

These run before any test imports Qt or pyqtgraph: tests never need a display,
and pyqtgraph must pick PySide6.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
