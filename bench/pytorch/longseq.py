"""W3 `longseq`: one forward + backward through 512 steps that also yields ‖∂L/∂h_t‖ for
every t, timed two ways.

- fused: nn.RNN / nn.LSTM over the whole sequence, the outputs' gradients retained. This
  is PyTorch's fast path, but it cannot give ∂L/∂h_t *through the recurrence*: the
  retained output gradients are only the direct terms (zero except at the last step). It
  does less work than W3 asks — the figure is a lower bound, and the headline.
- cells: nn.RNNCell / nn.LSTMCell stepped in a Python loop with ``retain_grad`` on every
  h_t: what a researcher writes to get the 512 norms. Its norms are the ones reported.

Both routes share one set of weights, so they compute the same loss.
"""
import torch
from torch import nn

from data import normals
from result import expect_close, one_thread, result
from timing import median, time_iterations

_FUSED = {'rnn': nn.RNN, 'lstm': nn.LSTM}
_CELL = {'rnn': nn.RNNCell, 'lstm': nn.LSTMCell}


class Net:
    def __init__(self, kind, s, seed, dtype=torch.float32):
        torch.manual_seed(seed)
        self.kind = kind
        self.fused = _FUSED[kind](s['input'], s['hidden'], batch_first=True).to(dtype)
        self.cell = _CELL[kind](s['input'], s['hidden']).to(dtype)
        with torch.no_grad():  # the cell shares the fused layer's weights
            for name in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'):
                getattr(self.cell, name).copy_(getattr(self.fused, f'{name}_l0'))
        self.head = nn.Linear(s['hidden'], 1).to(dtype)

    def params(self):
        return [*self.fused.parameters(), *self.cell.parameters(), *self.head.parameters()]

    def zero_grad(self):
        for p in self.params():
            p.grad = None


def _norms(grads):
    """‖g_t‖₂ over batch and hidden, for g of shape [B, T, H]."""
    return torch.linalg.vector_norm(grads, dim=(0, 2))


def fused_iteration(net, xs):
    net.zero_grad()
    out, _ = net.fused(xs)
    out.retain_grad()
    loss = net.head(out[:, -1]).mean()
    loss.backward()
    return loss.item(), _norms(out.grad).tolist()


def cell_iteration(net, xs):
    net.zero_grad()
    batch, hidden = xs.shape[0], net.cell.hidden_size
    h = xs.new_zeros(batch, hidden)
    c = xs.new_zeros(batch, hidden)
    hs = []
    for t in range(xs.shape[1]):
        if net.kind == 'lstm':
            h, c = net.cell(xs[:, t], (h, c))
        else:
            h = net.cell(xs[:, t], h)
        h.retain_grad()
        hs.append(h)
    loss = net.head(h).mean()
    loss.backward()
    return loss.item(), _norms(torch.stack([g.grad for g in hs], dim=1)).tolist()


def longseq(job):
    s, seeds, kind = job['sizes']['LONGSEQ'], job['sizes']['SEEDS'], job['variant']
    if kind not in _FUSED:
        raise ValueError(f'W3: unknown variant {kind}')
    xs = torch.from_numpy(normals(s['batch'] * s['seqLen'] * s['input'], seeds['inputs'])).reshape(s['batch'], s['seqLen'], s['input'])
    net = Net(kind, s, seeds['init'])
    budget = job['opts']['budgetSeconds']
    fused, cells = {}, {}
    fused_ms, fused_cut = time_iterations(lambda: fused.update(zip(('loss', 'norms'), fused_iteration(net, xs))), job['plan'], budget / 2)
    cell_ms, cell_cut = time_iterations(lambda: cells.update(zip(('loss', 'norms'), cell_iteration(net, xs))), job['plan'], budget / 2)
    checks = _self_check(kind, s, seeds, xs, fused, cells)
    cut = '; '.join(f'{what}: {n}' for what, n in (('fused', fused_cut), ('cells', cell_cut)) if n)
    notes = [cut, f'headline: fused nn.{_FUSED[kind].__name__} (no ∂L/∂h_t through the recurrence: a lower bound); '
             f'step-by-step nn.{_CELL[kind].__name__} with retain_grad: {median(cell_ms):.1f} ms, its norms reported', *checks]
    return result(median(fused_ms), job['unit'], False, fused_ms, notes, finalLoss=fused['loss'],
                  series={'gradNorms': cells['norms']}, alternate={'label': 'cells', 'figure': median(cell_ms), 'samplesMs': cell_ms})


def _self_check(kind, s, seeds, xs, fused, cells):
    """Both routes give the same loss; the last step's direct gradient is the same in both;
    the cell route's 512 norms match a float64 run of the same net."""
    loss = expect_close('fused vs cell loss', fused['loss'], cells['loss'], 1e-5)
    last = expect_close('‖∂L/∂h_511‖ fused vs cells', fused['norms'][-1], cells['norms'][-1], 1e-5)
    with one_thread():
        _, ref = cell_iteration(Net(kind, s, seeds['init'], torch.float64), xs.double())
    # Far back in time the gradients vanish below what float32 can hold (its norms there
    # are squares of ~1e-20 entries: subnormal, then 0). Compare relatively where the
    # float64 norm is ≥ floor — entries ≥ ~3e-17, squares (≥ 1e-33) inside float32's normal
    # range — and require the float32 norm to be small too where it is not.
    floor = 1e-15
    judged = [(a, b) for a, b in zip(cells['norms'], ref) if b >= floor]
    worst = max(abs(a - b) / b for a, b in judged)
    tiny_ok = all(a < 10 * floor for a, b in zip(cells['norms'], ref) if b < floor)
    # The backward through 512 contracting steps keeps float32's relative error near
    # 1e-6; 1e-4 catches any skipped or wrong step.
    if not (worst <= 1e-4 and tiny_ok):
        raise AssertionError(f'self-check failed: ‖∂L/∂h_t‖ vs float64: worst relative difference {worst:.2e} > 1e-4 (or a vanished norm is not small)')
    return [loss, last, f'checked: ‖∂L/∂h_t‖ vs float64 at the {len(judged)} steps where it is ≥ {floor:g} (worst rel. diff {worst:.1e})']
