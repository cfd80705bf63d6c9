"""Live training in a main window: the wiring, kept out of main_window.py.

``TrainingUI(window)`` adds the training controller (and with it the worker process, started now so
Play responds at once), the docks — the decision boundary at the top of the right side (tabbed with
the Classification views: samples, confusion matrix, filters, feature maps) above the training panel
(tabbed with the inspector), loss and gradients tabbed with the issues at the
bottom — the Train menu, the toolbar buttons, and the message bar over the canvas. The window calls
``set_document`` when its document changes, ``keep_run`` before it saves or asks about unsaved
changes, and ``shutdown`` when it closes.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from engine.data_fit import DataFacts
from gui.document import DocumentModel
from gui.icons import icon
from gui.panels.dataset_images import gui_error
from gui.panels.training import TrainingPanel
from gui.plots import BoundaryPlot, GradientPlot, LossPlot
from gui.plots.class_views import ClassViews

from . import icons as _icons  # noqa: F401 - registers the training icons
from .commands import SettingsHub
from .controller import TrainingController
from .message_bar import MessageBar

if TYPE_CHECKING:
    from gui.main_window import MainWindow


def _shift_held() -> bool:
    """Shift is down as the toolbar's or menu's Step is triggered: one epoch, as on the panel's button."""
    return bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)


class TrainingUI(QObject):
    def __init__(self, window: "MainWindow", examples_dir: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.hub = SettingsHub(self)
        self.controller = TrainingController(self)
        self.controller.fallback_dir = examples_dir
        # The panel reads CSV files relative to the folder of the document it shows (not the one the
        # controller trained last), so the order of set_document calls cannot matter.
        self.panel = TrainingPanel(self.hub, lambda: self.controller.base_dir(self.panel.model))
        self.message_bar: MessageBar | None = None
        self._path_connection = None
        self._create_plots()
        self._create_docks()
        self._create_actions()
        self._connect()

    # ---- set-up ----------------------------------------------------------------------------
    def _create_plots(self) -> None:
        self.boundary_plot = BoundaryPlot()
        self.loss_plot = LossPlot()
        self.gradient_plot = GradientPlot()
        self.class_views = ClassViews()
        self._plots = [self.boundary_plot, self.loss_plot, self.gradient_plot, self.class_views]
        self.gradient_plot.histogramLayerChanged.connect(self._histogram_layer)
        self.class_views.optionsChanged.connect(self._class_view_options)
        self._selection_connection = None

    def _create_docks(self) -> None:
        w, right, bottom = self.window, Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
        self.training_dock = w._dock("trainingDock", "Training", self.panel, right, "actionShowTraining")
        self.boundary_dock = w._dock("boundaryDock", "Output", self.boundary_plot, right, "actionShowBoundary")
        self.loss_dock = w._dock("lossDock", "Loss", self.loss_plot, bottom, "actionShowLoss")
        self.gradient_dock = w._dock("gradientDock", "Gradients", self.gradient_plot, bottom, "actionShowGradients")
        self.classes_dock = w._dock("classesDock", "Classification", self.class_views, right, "actionShowClasses")
        self.classes_dock.hide()  # shown as a tab beside the boundary by arrange_docks (or a restored layout)
        self.classes_dock.visibilityChanged.connect(self.class_views.set_active)
        self.controller.view_options.update(self.class_views.current_options())

    def arrange_docks(self) -> None:
        """The default layout. Right: the boundary on top (Playground's output), the training panel
        below it, tabbed with the inspector; bottom: loss and gradients tabbed with the issues.
        Called once the window is shown: Qt 6 leaves a stray tab bar behind when two tab groups
        are made before the first show."""
        w = self.window
        w.splitDockWidget(w.inspector_dock, self.boundary_dock, Qt.Orientation.Vertical)
        w.removeDockWidget(w.inspector_dock)
        w.splitDockWidget(self.boundary_dock, self.training_dock, Qt.Orientation.Vertical)
        w.tabifyDockWidget(self.boundary_dock, self.classes_dock)
        self.classes_dock.show()
        self.boundary_dock.raise_()
        w.tabifyDockWidget(self.training_dock, w.inspector_dock)
        w.inspector_dock.show()
        self.training_dock.raise_()
        w.tabifyDockWidget(w.issues_dock, self.loss_dock)
        w.tabifyDockWidget(w.issues_dock, self.gradient_dock)
        self.loss_dock.raise_()

    def size_docks(self) -> None:
        """First start: the default layout, a square-ish boundary, bottom plots tall enough to read."""
        self.arrange_docks()
        w = self.window
        fm = w.fontMetrics()
        side = max(300, min(440, int(w.width() / 3.6)))
        w.resizeDocks([w.palette_dock, self.boundary_dock], [max(190, fm.averageCharWidth() * 28), side],
                      Qt.Orientation.Horizontal)
        w.resizeDocks([self.boundary_dock], [side + fm.lineSpacing() * 3], Qt.Orientation.Vertical)
        w.resizeDocks([self.loss_dock], [max(fm.lineSpacing() * 11, w.height() // 4)], Qt.Orientation.Vertical)

    def _create_actions(self) -> None:
        w, c = self.window, self.controller
        keys = QKeySequence
        self.action_play = w._action("actionTrainPlay", "&Play", c.toggle_play, [keys("Ctrl+Return")], "play",
                                     "Start or pause training")
        self.action_step = w._action("actionTrainStep", "&Step", lambda: c.step(_shift_held()), [keys("F10")], "step",
                                     "Train one batch; Shift+click: one epoch")
        self.action_step_epoch = w._action("actionTrainStepEpoch", "Step One &Epoch", lambda: c.step(True),
                                           [keys("Shift+F10")], tip="Train to the end of the epoch")
        self.action_reset = w._action("actionTrainReset", "&Reset Weights", c.reset, None, "reset",
                                      "New initial weights from the seed; the epoch counter starts over")
        self.action_stop = w._action("actionTrainStop", "S&top", c.stop, None, "stop",
                                     "Stop training and keep the run in the document")
        self.action_maps = w._action("actionShowNeuronMaps", "Show &Neuron Maps", None,
                                     tip="Show each node's output over the input plane on the canvas")
        self.action_wires = w._action("actionWeightColouring", "Colour &Wires by Weight", None,
                                      tip="Colour wires by their weights' sign and thicken them by size")
        for action in (self.action_maps, self.action_wires):
            action.setCheckable(True)
            action.setChecked(True)
        self.action_maps.toggled.connect(self._maps_toggled)
        self.action_wires.toggled.connect(self._wires_toggled)

        menu = QMenu("&Train", w)
        menu.setObjectName("menuTrain")
        menu.addActions([self.action_play, self.action_step, self.action_step_epoch, self.action_reset,
                         self.action_stop])
        menu.addSeparator()
        menu.addActions([self.action_maps, self.action_wires])
        bar = w.menuBar()
        help_menu = w.findChild(QMenu, "menuHelp")
        bar.insertMenu(help_menu.menuAction(), menu) if help_menu is not None else bar.addMenu(menu)
        self.menu = menu
        w.toolbar.addSeparator()
        w.toolbar.addActions([self.action_play, self.action_step, self.action_reset, self.action_stop])

    def _connect(self) -> None:
        c, t = self.controller, self.panel.transport
        t.playClicked.connect(c.toggle_play)
        t.stepClicked.connect(c.step)  # all in the GUI thread: plain connections are fine
        t.resetClicked.connect(c.reset)
        t.stopClicked.connect(c.stop)
        self.hub.changed.connect(self.check_data)  # first: the controller's reload reads the analysis
        self.hub.changed.connect(c.settings_changed)
        self.panel.data.dataArrived.connect(self.check_data)  # a file loaded in the background
        c.stateChanged.connect(self._state_changed)
        c.progressChanged.connect(t.show_progress)
        c.message.connect(self._message)
        c.restartOffered.connect(self.offer_restart)
        c.runLoaded.connect(self._run_loaded)
        c.snapshotReady.connect(self._snapshot)
        c.historyReset.connect(self._history_reset)
        c.runCleared.connect(self._run_cleared)
        c.runKept.connect(self._run_kept)

    # ---- the window's calls ------------------------------------------------------------------
    def set_document(self, model: DocumentModel) -> None:
        if self.message_bar is None and self.window.view is not None:
            self.message_bar = MessageBar(self.window.view)
        if self.message_bar is not None:
            self.message_bar.dismiss()
        if self._path_connection is not None:
            QObject.disconnect(self._path_connection)
        self._path_connection = model.pathChanged.connect(self.check_data)  # a relative CSV path moves with it
        self.check_data(model=model)  # before the controller decides whether the run can be loaded
        self.controller.set_document(model)
        self.panel.set_document(model)
        self._apply_overlay_toggles()
        self._follow_selection()

    def check_data(self, *_: object, model: DocumentModel | None = None) -> None:
        """Tell the document what its dataset gives (input shape, task, classes), so its analysis —
        the status bar, the Issues panel, Play — says when the data does not fit the network. The data
        is the one the Data section loads for its preview (cached: loaded once). A file still loading
        in the background gives no facts yet; the check runs again when it arrives."""
        model = model if model is not None else self.controller.model
        if model is None:
            return
        loaded = self.panel.data.data_now(model.doc.dataset, self.controller.base_dir(model))
        model.set_data_facts(DataFacts.of_prepared(loaded.prepared) if loaded is not None
                             and loaded.prepared is not None else None)

    def keep_run(self) -> bool:
        return self.controller.keep_run()

    def shutdown(self) -> None:
        self.panel.data.loader.shutdown()
        self.controller.shutdown()

    # ---- what the controller says ------------------------------------------------------------
    @Slot(str)
    def _state_changed(self, state: str) -> None:
        playing = self.controller.is_playing
        self.panel.show_state(state, playing)
        self.action_play.setText("&Pause" if playing else "&Play")
        self.action_play.setIcon(icon("pause" if playing else "play"))
        if playing and self.message_bar is not None and self.message_bar.level != "info":
            self.message_bar.dismiss()

    @Slot(str, str)
    def _message(self, level: str, text: str) -> None:
        if level == "clear":
            if self.message_bar is not None:
                self.message_bar.dismiss()
            return
        text = gui_error(text)  # an image folder's "size" is the Data section's "Resize to"
        self.panel.show_message(level, text)
        self.window.show_status(text)
        if level in ("error", "warning") and self.message_bar is not None:
            self.message_bar.show_message(level, text)

    def offer_restart(self, text: str) -> None:
        """The structural-edit question, non-modal: Restart, or keep editing (Dismiss)."""
        self.panel.show_message("warning", text)
        if self.message_bar is not None:
            self.message_bar.show_message("warning", text, [("restartTraining", "Restart", self.controller.restart)])

    def _run_loaded(self, info: dict | None) -> None:
        for plot in self._plots:
            plot.reset(info)
        if info and info.get("task") in ("binary", "multiclass") and self.boundary_plot.mode == "placeholder" \
                and not self.boundary_dock.isFloating() and self.boundary_dock.isVisible():
            self.classes_dock.raise_()  # no boundary to show (images, many features): the class views instead
        scene = self.window.scene
        if scene is not None:
            scene.set_neuron_maps(None)
            scene.set_weight_summary(None)

    @Slot()
    def _run_cleared(self) -> None:
        self._run_loaded(None)

    @Slot(int)
    def _run_kept(self, epoch: int) -> None:
        text = f"The run (epoch {epoch:,}) is kept in the document"
        self.window.show_status(text)
        self.panel.show_message("info", text)

    @Slot(dict)
    def _snapshot(self, snapshot: dict) -> None:
        for plot in self._plots:
            plot.add_snapshot(snapshot)
        scene = self.window.scene
        if scene is None or not self.controller.trains_current_graph():
            return  # a snapshot of the network before a structural edit: not drawn on the edited one
        if "neuron_maps" in snapshot:
            scene.set_neuron_maps(snapshot["neuron_maps"])
        if "weights" in snapshot:
            scene.set_weight_summary(snapshot["weights"])

    @Slot()
    def _history_reset(self) -> None:
        for plot in self._plots:
            plot.clear()

    # ---- view options ------------------------------------------------------------------------
    @Slot(str)
    def _histogram_layer(self, layer: str) -> None:
        self.controller.set_view(histogram=layer or None)

    @Slot(dict)
    def _class_view_options(self, options: dict) -> None:
        self.controller.set_view(**options)

    def _follow_selection(self) -> None:
        """The class views follow the canvas: a selected Conv2D shows its filters."""
        scene = self.window.scene
        if self._selection_connection is not None:
            QObject.disconnect(self._selection_connection)
            self._selection_connection = None
        if scene is not None:
            self._selection_connection = scene.nodeSelectionChanged.connect(self._nodes_selected)

    @Slot(list)
    def _nodes_selected(self, ids: list) -> None:
        model = self.controller.model
        if model is None or len(ids) != 1 or ids[0] not in model.graph:
            return
        node = model.graph.node(ids[0])
        self.class_views.select_layer(node.name, node.type == "Conv2D")

    def _maps_toggled(self, on: bool) -> None:
        self.controller.set_view(neuron_maps=on)
        self._apply_overlay_toggles()

    def _wires_toggled(self, on: bool) -> None:
        self._apply_overlay_toggles()

    def _apply_overlay_toggles(self) -> None:
        scene = self.window.scene
        if scene is not None:
            scene.set_neuron_maps_visible(self.action_maps.isChecked())
            scene.set_weight_colouring(self.action_wires.isChecked())
