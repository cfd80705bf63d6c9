"""The table bench/engine.py prints: median steps per second, ratios to PyTorch, targets, noise."""
from __future__ import annotations

import statistics

try:
    from .cases import MODES, Case
except ImportError:  # run as a script (python bench/engine.py): bench/ itself is on sys.path
    from cases import MODES, Case


def print_table(cases: list[Case], samples: dict[tuple[str, str, str], list[float]]) -> None:
    def med(case: Case, setting: str, mode: str) -> float | None:
        values = samples.get((case.key, setting, mode))
        return statistics.median(values) if values else None

    def cell(rate: float | None, torch_rate: float | None) -> str:
        if rate is None:
            return "n/a"
        return f"{rate:,.0f} ({rate / torch_rate:.2f}×)" if torch_rate else f"{rate:,.0f}"

    print("Steps per second, median over the rounds; in brackets the ratio to the like-for-like PyTorch loop")
    print("in the same row: the Trainer with its per-epoch metrics against PyTorch with the same per-epoch")
    print("evaluation, every other column against PyTorch's bare loop.")
    print()
    print("| network | batch | optimizer | process setting | " + " | ".join(t for _, t in MODES)
          + " | PyTorch | PyTorch + per-epoch metrics | target | result |")
    print("|---|---:|---|---|" + "---:|" * (len(MODES) + 2) + "---|---|")
    verdicts = []
    for case in cases:
        for setting in case.settings:
            torch_rate = med(case, setting, "torch")
            torch_metrics = med(case, setting, "torch-metrics")
            rates = {mode: med(case, setting, mode) for mode, _ in MODES}
            target = case.target if setting == "default" else None
            verdict = ""
            if target is not None and torch_rate and torch_metrics:
                with_metrics = rates["trainer"] / torch_metrics >= target
                bare = rates["lean"] / torch_rate >= target
                verdict = "pass" if with_metrics and bare else "FAIL"
                if not with_metrics:
                    verdict += " (with metrics)"
                if not bare:
                    verdict += " (bare loop)"
                verdicts.append(verdict)
            elif target is not None:
                verdict = "needs torch"
            cells = [cell(rates[m], torch_metrics if m == "trainer" else torch_rate) for m, _ in MODES]
            print(f"| {case.network} | {case.batch:,} | {case.optimizer} | {setting} | " + " | ".join(cells)
                  + f" | {cell(torch_rate, None)} | {cell(torch_metrics, None)}"
                  + f" | {'—' if target is None else f'≥ {target:g}×'} | {verdict} |")
    print()
    small = next((c for c in cases if c.key == "small-sgd"), None)
    if small:
        lean, full = (med(small, "default", "raw") / med(small, "default", m) - 1 for m in ("lean", "trainer"))
        print(f"Trainer overhead per step over Network.train_step ({small.network}, batch {small.batch}): "
              f"{lean * 100:+.1f} % time, {full * 100:+.1f} % with its per-epoch metrics")
    spreads = sorted(((max(v) - min(v)) / statistics.median(v), k) for k, v in samples.items())
    print(f"noise: (max − min) / median over the rounds is {statistics.median(s for s, _ in spreads):.0%} for the "
          f"median contestant, {spreads[-1][0]:.0%} at most ({', '.join(spreads[-1][1])})")
    if verdicts:
        missed = sum(v.startswith("FAIL") for v in verdicts)
        print(f"targets: {missed} of {len(verdicts)} missed" if missed else f"targets: all {len(verdicts)} met")
