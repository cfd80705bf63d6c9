"""File → Export: the network with its trained weights as an ONNX model, a standalone NumPy script,
a PyTorch script, the weights alone (.npz) or JSON — what ``python main.py export`` writes, from the
window. The run being trained is kept in the document first (as Save does), so the export holds the
weights shown; the file name comes from ``_get_export_path`` (tests answer it without a dialog)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMenu

from engine.export import SUFFIXES, ExportError, export
from gui import settings

# (format, menu text, file dialog filter, tip), in the menu's order
EXPORTS: tuple[tuple[str, str, str, str], ...] = (
    ("onnx", "&ONNX Model…", "ONNX models (*.onnx)",
     "An ONNX model taking raw features, answering labels and probabilities (needs the onnx package)"),
    ("numpy", "&NumPy Script…", "Python scripts (*.py)",
     "A standalone Python script needing only NumPy, with its weights beside it (.npz)"),
    ("torch", "&PyTorch Script…", "Python scripts (*.py)",
     "A PyTorch nn.Module mirroring the network, with its weights beside it (.npz)"),
    ("npz", "&Weights (.npz)…", "NumPy archives (*.npz)", "The weights alone, one array per <node>/<param>"),
    ("json", "&JSON…", "JSON files (*.json)", "The layers, weights, preprocessing and class names as JSON"),
)


def export_action_name(fmt: str) -> str:
    return f"actionExport_{fmt}"


class WindowExports:
    """The Export submenu of the File menu and what its actions do (a part of MainWindow)."""

    def _create_export_menu(self, file_menu: QMenu) -> QMenu:
        menu = QMenu("&Export", self)
        menu.setObjectName("menuExport")
        menu.setToolTipsVisible(True)
        self.export_actions = {}
        for fmt, text, _filter, tip in EXPORTS:
            action = self._action(export_action_name(fmt), text, lambda f=fmt: self.export_network(f), tip=tip)
            menu.addAction(action)
            self.export_actions[fmt] = action
        file_menu.addMenu(menu)
        self.export_menu = menu
        return menu

    def _suggested_export_path(self, fmt: str) -> str:
        model = self.document
        if model is not None and model.path:
            folder, stem = Path(model.path).parent, Path(model.path).stem
        else:
            folder = Path(settings.last_folder() or QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home()))
            stem = self._display_name().replace(" (example)", "")
        suffix = "_torch" if fmt == "torch" else "_predict" if fmt == "numpy" else ""
        return str(folder / f"{stem}{suffix}{SUFFIXES[fmt]}")

    def _get_export_path(self, fmt: str, suggested: str) -> str | None:
        """The file to export to (tests replace this method)."""
        title = next(text for f, text, _, _ in EXPORTS if f == fmt).replace("&", "").rstrip("…")
        file_filter = next(flt for f, _, flt, _ in EXPORTS if f == fmt)
        path, _ = QFileDialog.getSaveFileName(self, f"Export {title}", suggested, file_filter)
        return path or None

    def export_network(self, fmt: str) -> list[Path]:
        """Ask for a file and export the network in ``fmt``; the files written (none on cancel or error)."""
        model = self.document
        if model is None:
            return []
        analysis = model.analysis
        if not analysis.runnable:
            errors = analysis.errors
            first = next((i.message for i in errors if i.scope == "graph"),
                         errors[0].message if errors else "the network cannot compute predictions")
            self.show_error("Cannot export", "The network cannot run, so it cannot be exported.", first)
            self.show_status(f"Not exported: {first}")
            return []
        path = self._get_export_path(fmt, self._suggested_export_path(fmt))
        if not path:
            return []
        if not Path(path).suffix:
            path += SUFFIXES[fmt]
        self.training.keep_run()  # the weights being trained go into the export, as into a save
        trained = bool(model.doc.weights)
        try:
            written = export(model.doc, path, fmt)
        except ExportError as exc:
            self.show_error("Could not export", f"{Path(path).name} could not be written.", str(exc))
            self.show_status(f"Not exported: {exc}")
            return []
        except (OSError, ValueError, TypeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            self.show_error("Could not export", f"{Path(path).name} could not be written.", f"{path}: {reason}")
            self.show_status(f"Not exported: {reason}")
            return []
        settings.set_last_folder(Path(path).resolve().parent)
        names = " and ".join(p.name for p in written)
        note = "" if trained else " (untrained: the initial weights — press Play to train first)"
        self.show_status(f"Exported {names}{note}")
        return written
