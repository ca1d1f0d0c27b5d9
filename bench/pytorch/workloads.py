"""W1–W6 in PyTorch, by workload id (see bench/WORKLOADS.md)."""
from charlm import charlm, generate
from longseq import longseq
from matmul import matmul
from recurrent_training import cells, sine


class NotApplicable(Exception):
    """The case has no PyTorch counterpart (W6's MGU rows); reported as skipped."""


def _cells(job):
    if not job['variant'].startswith('gru-'):
        raise NotApplicable('PyTorch has no MGU cell; its built-in GRU rows are the reference')
    return cells(job)


RUNS = {'W1': sine, 'W2': charlm, 'W3': longseq, 'W4': generate, 'W5': matmul, 'W6': _cells}
