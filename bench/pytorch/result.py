"""Assembling a result in the shape of bench/src/types.ts's WorkloadResult, and the
self-check every run does before it reports (speed must never come from skipped work)."""
import contextlib
import resource

import torch


def peak_rss_mib():
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def expect_close(what, a, b, rtol):
    """Raises unless ``a`` and ``b`` agree to ``rtol``; returns the check's note."""
    rel = abs(a - b) / max(abs(b), 1e-30)
    if not rel <= rtol:
        raise AssertionError(f'self-check failed: {what}: {a} vs {b} (relative {rel:.2e} > {rtol})')
    return f'checked: {what} (rel. diff {rel:.1e})'


def result(figure, unit, higher_is_better, samples_ms, notes, peak=None, **extra):
    """A WorkloadResult; ``notes`` (budget cuts, checks) are joined, empty ones dropped."""
    note = '; '.join(n for n in notes if n)
    out = {
        'figure': figure,
        'unit': unit,
        'higherIsBetter': higher_is_better,
        'samplesMs': samples_ms,
        'threads': torch.get_num_threads(),
        'peakRssMiB': peak_rss_mib() if peak is None else peak,
        **{k: v for k, v in extra.items() if v is not None},
    }
    if note:
        out['note'] = note
    return out


@contextlib.contextmanager
def one_thread():
    """Runs a self-check on one thread: it is not timed, and on a busy machine OpenMP's
    spinning threads would make an all-cores run's check take longer than its budget."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
