"""Look inside one training step (issue 6): the step inspector and its pieces.

    inspector = StepInspector()
    inspector.set_canvas(scene)                       # the animation rings nodes and labels wires there
    inspector.set_source(SessionSource(session))      # or the training worker's live weights
    inspector.request_sample(2, "train")              # → set_trace(StepTrace, 2, "train")
    inspector.run_check()                             # → set_check(CheckResult, …)
    inspector.export_markdown("step.md")

``attach_step_inspector(window, controller)`` (gui.inspect.integration) puts it into a main window.
"""
from .samples import SampleData
from .sources import SessionSource, TraceSource
from .window import StepInspector

__all__ = ["SampleData", "SessionSource", "StepInspector", "TraceSource"]
