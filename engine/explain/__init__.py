"""Look inside one training step: forward values, the chain rule and the update, with the engine's numbers.

    trace = trace_step(net, x, y, optimizer=trainer.optimizer)   # StepTrace (model.py)
    trace = trace_session(session, 3, "train")                   # the same from a Session's data
    trace.forward, trace.loss, trace.backward                    # node by node
    trace.chain.rules[0].text()    # "∂L/∂w1 = ∂L/∂ŷ · w2 · σ'(z1) · x = (…)(…)(…)(…) = …"
    trace.update.params[0].lines() # the optimizer's formulas with numbers, before/after
    check_step(net, X, Y, [3])     # finite differences vs backprop (float64 copy)
    to_markdown(trace, check=…)    # the whole step for lecture notes

Nothing here changes the network or the optimizer: the trace runs on copies.
"""
from .chain import MAX_CHAIN_WEIGHTS, ChainRule, ChainRules, Factor, Product, Quantity, chain_rules
from .check import CheckResult, check_step
from .clone import clone_network
from .model import Contribution, LossTrace, NodeBackward, NodeForward, StepTrace, WalkStep
from .report import to_markdown
from .trace import trace_session, trace_step
from .update import ParamUpdate, UpdateQuantity, UpdateTrace

__all__ = [
    "MAX_CHAIN_WEIGHTS", "ChainRule", "ChainRules", "CheckResult", "Contribution", "Factor", "LossTrace",
    "NodeBackward", "NodeForward", "ParamUpdate", "Product", "Quantity", "StepTrace", "UpdateQuantity",
    "UpdateTrace", "WalkStep", "chain_rules", "check_step", "clone_network", "to_markdown", "trace_session", "trace_step",
]
