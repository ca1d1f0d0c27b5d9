"""Wall-clock timing under a budget, as bench/src/timing.ts does it for the other
implementations: warm-up, then timed iterations, cut (never below one timed iteration)
when the budget is spent; a first iteration over half the budget is a skip."""
import statistics
import time


class BudgetExceeded(Exception):
    """Not even one timed iteration fits the budget: the run is reported as skipped."""


def median(xs):
    return statistics.median(xs)


def _time_once(step):
    t0 = time.perf_counter()
    step()
    return (time.perf_counter() - t0) * 1000.0


def time_iterations(step, plan, budget_seconds):
    """Runs ``plan['warmup']`` untimed then ``plan['timed']`` timed calls of ``step``
    (which must read a result back); returns (samples in ms, note or None)."""
    budget_ms = budget_seconds * 1000.0
    start = time.perf_counter()
    elapsed = lambda: (time.perf_counter() - start) * 1000.0  # noqa: E731
    warmed, estimate = 0, 0.0
    while warmed < max(plan['warmup'], 1):
        estimate = _time_once(step)
        warmed += 1
        if warmed == 1 and estimate > budget_ms / 2:
            raise BudgetExceeded(f"one {plan['noun']} took {estimate / 1000:.1f} s — over half the {budget_seconds:.1f} s budget")
        if elapsed() + 2 * estimate > budget_ms:
            break
    samples = []
    while len(samples) < plan['timed']:
        samples.append(_time_once(step))
        if elapsed() + median(samples) > budget_ms:
            break
    return samples, _cut_note(plan, warmed, len(samples), budget_seconds)


def _cut_note(plan, warmed, timed, budget_seconds):
    if warmed >= plan['warmup'] and timed >= plan['timed']:
        return None
    parts = [f"{timed} of {plan['timed']} timed {plan['noun']}s"]
    if warmed < plan['warmup']:
        parts.append(f"{warmed} of {plan['warmup']} warm-up")
    return f"{', '.join(parts)} (budget {budget_seconds:g} s)"


def calibrate_reps(fn, target_ms):
    """How many back-to-back calls of ``fn`` take at least ``target_ms`` (after calling it
    untimed for that long: cold calls would make the count far too small)."""
    warm_start = time.perf_counter()
    while True:
        fn()
        if (time.perf_counter() - warm_start) * 1000.0 >= target_ms:
            break
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        if (time.perf_counter() - t0) * 1000.0 >= target_ms or reps >= 1 << 20:
            return reps
        reps *= 2
