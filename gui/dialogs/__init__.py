"""The main window's dialogs: load problems, keyboard shortcuts, About."""
