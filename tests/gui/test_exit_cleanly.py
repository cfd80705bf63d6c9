"""The app exits with status 0 after copying layers (PySide6 crashed at exit on a clipboard QMimeData
made in Python) and after a window with a training worker was open."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
from gui.app import create_application
from gui.main_window import MainWindow
app = create_application()
window = MainWindow()
window.open_example()
window.show()
app.processEvents()
window.scene.select_all()
window.scene.copy_selection()
app.processEvents()
assert app.clipboard().mimeData().formats(), "nothing was copied"
window._ask_save = lambda: "discard"
window.close()
app.processEvents()
print("closed")
"""


def test_process_exits_cleanly_after_copying_and_closing(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "closed" in result.stdout
