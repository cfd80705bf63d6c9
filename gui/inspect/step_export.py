"""The step inspector's export: the whole step (formulas and numbers) as a Markdown file."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from engine.atomic import atomic_write_text
from engine.explain import to_markdown


class StepExport:
    """Markdown export (a part of StepInspector)."""

    def markdown(self) -> str:
        if self.trace is None:
            raise ValueError("Nothing to export: pick a sample first")
        title = f"One training step of {self.title_hint}" if self.title_hint else None
        return to_markdown(self.trace, check=self.check_result, title=title)

    def export_markdown(self, path: str | Path | None = None) -> Path | None:
        """Write the step as Markdown (atomically) to ``path``, or where ``_ask_export_path`` says."""
        if self.trace is None:
            return None
        if path is None:
            path = self._ask_export_path(self._suggested_export_name())
            if not path:
                return None
        target = Path(path)
        try:
            atomic_write_text(target, self.markdown())
        except OSError as exc:
            self.show_error(f"Could not write {target}: {exc.strerror or exc}")
            return None
        self.source_label.setText(f"Wrote {target}")
        return target

    def _suggested_export_name(self) -> str:
        stem = (self.title_hint or "step").replace(" ", "_")
        name = f"{stem}_{self.split}_{self.index if self.index is not None else 0}.md"
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / name) if folder else name

    def _ask_export_path(self, suggested: str) -> str | None:
        """The one question the export asks (tests patch this)."""
        path, _ = QFileDialog.getSaveFileName(self, "Export the step as Markdown", suggested,
                                              "Markdown (*.md);;All files (*)")
        return path or None
