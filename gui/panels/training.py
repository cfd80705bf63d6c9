"""The training panel (a dock). Always in view, even in a short dock: the transport (Play/Pause,
Step, Reset, Stop; epoch, status, steps per second) and the settings people turn most (learning
rate, batch size, optimizer, epochs) in a compact grid. Below, scrolling, two sections that fold:
"More training settings" (the optimizer's hyperparameters, schedule, regularization, weight seed;
folded at first, its header says what they are) and "Data" (dataset, noise, split, seed, preview,
input features; open).

The panel edits the document through undo commands and shows what the training controller says;
it does not talk to the worker itself. ``hub`` (gui.training.commands.SettingsHub) tells it when
the settings changed, by an edit here, an undo or a redo.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from gui.document import DocumentModel
from gui.training.commands import SettingsHub

from .collapsible import CollapsibleSection
from .dataset_section import DatasetSection
from .training_settings import TrainingSettings
from .training_transport import STATE_TEXT, TransportBar


def _rule(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


class TrainingPanel(QWidget):
    def __init__(self, hub: SettingsHub, base_dir: Callable[[], Path | None] = lambda: None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.hub = hub
        self.model: DocumentModel | None = None
        self._sticky = ""  # the level of the message shown until the person acts

        self.transport = TransportBar(self)
        self.data = DatasetSection(hub, base_dir, self)
        self.settings = TrainingSettings(hub, self)

        body = QWidget()
        body.setObjectName("trainingPanelBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(8, 4, 8, 8)
        column.setSpacing(6)
        self.advanced = CollapsibleSection("trainingAdvanced", "More training settings", self.settings,
                                           expanded=False, parent=body)
        column.addWidget(self.advanced)
        column.addWidget(_rule(body))
        self.data_section = CollapsibleSection("trainingData", "Data", self.data, expanded=True, parent=body)
        column.addWidget(self.data_section)
        column.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("trainingScroll")
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setMinimumHeight(24)  # the settings scroll: the dock may get short, the transport stays

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        top = QWidget(self)
        top.setObjectName("trainingPanelTop")
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(8, 8, 8, 6)
        top_layout.setSpacing(6)
        top_layout.addWidget(self.transport)
        top_layout.addWidget(self.settings.quick)  # the knobs people turn while watching: never scrolled away
        top_layout.addWidget(self.settings.error)
        layout.addWidget(top)
        layout.addWidget(_rule(self))
        layout.addWidget(self.scroll, 1)

        hub.changed.connect(self.refresh)
        for signal in (self.transport.playClicked, self.transport.resetClicked, self.transport.stopClicked):
            signal.connect(self._user_acted)
        self.transport.stepClicked.connect(lambda _epoch: self._user_acted())

    # ---- the document ----------------------------------------------------------------------
    def set_document(self, model: DocumentModel | None) -> None:
        self.model = model
        self.data.set_document(model)
        self.settings.set_document(model)
        self.advanced.set_summary(self.settings.summary())
        self._sticky = ""
        self.transport.show_progress(0, 0, 0.0)

    def refresh(self) -> None:
        self.data.refresh()
        self.settings.refresh()
        self.advanced.set_summary(self.settings.summary())

    # ---- what the controller says ----------------------------------------------------------
    # A message stays until the person acts (Play, Step, Reset, Stop) or training starts: the state
    # change that follows a failure must not hide its cause, nor a note hide an error.
    def show_state(self, state: str, playing: bool) -> None:
        self.transport.set_playing(playing)
        if playing or state == "loading":
            self._sticky = ""
        if not self._sticky:
            self.transport.show_status(STATE_TEXT.get(state, state.capitalize()))

    def show_message(self, level: str, text: str) -> None:
        if level == "clear" or (level == "info" and self._sticky in ("error", "warning")):
            return
        self._sticky = level
        self.transport.show_status(text, level)

    def _user_acted(self) -> None:
        self._sticky = ""
