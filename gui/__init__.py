"""NeuroCanvas desktop GUI (PySide6 + pyqtgraph).

The GUI reads and changes the engine's model; the engine never imports the GUI
(checked by tests/test_layering.py).
"""
