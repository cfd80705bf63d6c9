"""Mouse gestures on the canvas: a press on a port starts a wire, a press on a node starts a move;
the interaction object (gui.editor.interactions) then follows the mouse until release."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from .interactions import Interaction, MoveNodes, NewWire
from .items.node import NodeItem
from .quick_add import QuickAddRequest


class SceneGestures:
    """The current interaction and the mouse events that drive it (a part of CanvasScene)."""

    @property
    def interaction(self) -> Interaction | None:
        return self._interaction

    def cancel_interaction(self) -> bool:
        if self._interaction is None:
            return False
        self._interaction.cancel()
        return True

    def _end_interaction(self, interaction: Interaction) -> None:
        if self._interaction is interaction:
            self._interaction = None

    def request_quick_add(self, request: QuickAddRequest) -> bool:
        """Ask the view to show the quick-add popup; False if there is no view to show it."""
        handler = self.quick_add_handler
        return bool(handler(request)) if handler is not None else False

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._interaction is not None and self._interaction.consumes_mouse:
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            port = self.port_at(event.scenePos())
            if port is not None:
                self._interaction = NewWire(self, port)
                event.accept()
                return
        super().mousePressEvent(event)
        grabber = self.mouseGrabberItem()
        if event.button() == Qt.MouseButton.LeftButton and isinstance(grabber, NodeItem):
            moving = [self._nodes[nid] for nid in self.selected_node_ids()]
            if grabber not in moving:
                moving.append(grabber)
            self._interaction = MoveNodes(self, moving, grabber)
            self._plain_press = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                         | Qt.KeyboardModifier.ShiftModifier
                                                         | Qt.KeyboardModifier.MetaModifier)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        interaction = self._interaction
        if interaction is not None:
            interaction.mouse_move(event)
            if interaction.consumes_mouse:
                event.accept()
                return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        interaction = self._interaction
        if interaction is not None and interaction.consumes_mouse:
            if event.button() == Qt.MouseButton.LeftButton:
                interaction.mouse_release(event)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if interaction is not None and event.button() == Qt.MouseButton.LeftButton:
            interaction.mouse_release(event)
            if (isinstance(interaction, MoveNodes) and not interaction.moved and self._plain_press
                    and self.selected_node_ids() == [interaction.pressed]):
                self.nodeClicked.emit(interaction.pressed)  # a click (not a drag) chose this one node

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.port_at(event.scenePos()) is not None:
            event.accept()
            return
        super().mouseDoubleClickEvent(event)
