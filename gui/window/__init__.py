"""The main window's parts, composed by gui.main_window.MainWindow: its actions, menus, toolbar and
docks (menus), the document's life cycle (documents), the status bar and the state shown
(status), the questions it asks (prompts) and the bundled examples (examples)."""
