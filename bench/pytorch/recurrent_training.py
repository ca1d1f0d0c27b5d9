"""W1 `sine` and W6 `cells` (built-in GRU rows): a recurrent layer followed by Linear at
every step, MSE, Adam, one full-batch step per iteration — the PyTorch model a
researcher writes (nn.RNN / nn.LSTM / nn.GRU, batch first)."""
import copy

import torch
import torch.nn.functional as F
from torch import nn

from data import normals, sine_windows
from result import expect_close, one_thread, peak_rss_mib, result
from timing import median, time_iterations

_LAYERS = {'rnn': nn.RNN, 'lstm': nn.LSTM, 'gru': nn.GRU, 'bilstm': nn.LSTM}


class Tagger(nn.Module):
    """Recurrent layer → Linear(width → 1) at every step."""

    def __init__(self, kind, input_size, hidden):
        super().__init__()
        if kind not in _LAYERS:
            raise ValueError(f'unknown recurrent layer {kind!r} (expected one of {", ".join(_LAYERS)})')
        bidirectional = kind == 'bilstm'
        self.rnn = _LAYERS[kind](input_size, hidden, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), 1)

    def forward(self, x):
        return self.fc(self.rnn(x)[0])


def _trainer(model, x, y, lr, adam):
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(adam['beta1'], adam['beta2']), eps=adam['epsilon'])

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def train_and_time(kind, input_size, hidden, x, y, lr, job, twin_steps=None):
    """Times full-batch Adam steps; checks the loss against a float64 twin started from the
    same initial values (all steps, or the first ``twin_steps``)."""
    torch.manual_seed(job['sizes']['SEEDS']['init'])
    model = Tagger(kind, input_size, hidden)
    twin_model = copy.deepcopy(model).double()
    adam = job['sizes']['ADAM']
    step = _trainer(model, x, y, lr, adam)
    losses = []
    samples, cut = time_iterations(lambda: losses.append(step()), job['plan'], job['opts']['budgetSeconds'])
    peak = peak_rss_mib()  # before the twin allocates
    twin = _trainer(twin_model, x.double(), y.double(), lr, adam)
    n = len(losses) if twin_steps is None else min(twin_steps, len(losses))
    with one_thread():
        twin_loss = [twin() for _ in range(n)][-1]
    # float32 rounding over ≤ 200 Adam steps moves the loss by ~1e-5 relative (1e-6 after
    # 3 steps); the bounds leave margin and still catch skipped or wrong work.
    rtol = 1e-3 if twin_steps is None else 1e-4
    what = 'final loss vs float64 twin' if twin_steps is None else f'loss at step {n} vs float64 twin'
    check = expect_close(what, losses[n - 1], twin_loss, rtol)
    return result(median(samples), job['unit'], False, samples, [cut, check], peak, finalLoss=losses[-1])


def sine(job):
    """W1: hidden 16 on the sine windows [90, 10, 1]."""
    x, y = (torch.from_numpy(a) for a in sine_windows())
    return train_and_time(job['variant'], 1, job['sizes']['SINE_TRAIN']['hidden'], x, y, job['sizes']['SINE_TRAIN']['lr'], job)


def cells(job):
    """W6's reference rows: the built-in GRU at hidden 16 on the sine data (as W1), and at
    B=32, T=100, H=128 on random inputs and targets. PyTorch has no MGU cell."""
    kind, size = job['variant'].split('-')
    if kind != 'gru':
        raise ValueError(f'W6: PyTorch has no {kind} cell (only the built-in GRU reference rows run)')
    c = job['sizes']['CELLS']
    seeds = job['sizes']['SEEDS']
    if size == 'h16':
        x, y = (torch.from_numpy(a) for a in sine_windows())
        return train_and_time('gru', 1, c['small']['hidden'], x, y, c['lr'], job)
    big = c['large']
    b, t, f, h = big['batch'], big['seqLen'], big['input'], big['hidden']
    x = torch.from_numpy(normals(b * t * f, seeds['inputs'])).reshape(b, t, f)
    y = torch.from_numpy(normals(b * t, seeds['targets'])).reshape(b, t, 1)
    return train_and_time('gru', f, h, x, y, c['lr'], job, twin_steps=3)
