"""W2 `charlm` (training throughput) and W4 `generate` (batch-1 sampling) on the
character model: Embedding(65 → 64) → 2-layer LSTM or GRU (256) → Linear(256 → 65)."""
import copy
import time

import torch
import torch.nn.functional as F
from torch import nn

from data import uniform_ints
from result import expect_close, one_thread, peak_rss_mib, result
from timing import median, time_iterations


class CharModel(nn.Module):
    def __init__(self, kind, s):
        super().__init__()
        layer = {'lstm': nn.LSTM, 'gru': nn.GRU}[kind]
        self.embed = nn.Embedding(s['vocab'], s['embed'])
        self.rnn = layer(s['embed'], s['hidden'], num_layers=s['layers'], dropout=0.0, batch_first=True)
        self.head = nn.Linear(s['hidden'], s['vocab'])

    def forward(self, tokens, state=None):
        out, state = self.rnn(self.embed(tokens), state)
        return self.head(out), state


def _build(kind, job):
    torch.manual_seed(job['sizes']['SEEDS']['init'])
    return CharModel(kind, job['sizes']['CHARLM'])


def _trainer(model, tokens, targets, s, adam):
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=s['lr'], betas=(adam['beta1'], adam['beta2']), eps=adam['epsilon'])

    def step():
        opt.zero_grad(set_to_none=True)
        logits, _ = model(tokens)
        loss = F.cross_entropy(logits.reshape(-1, s['vocab']), targets.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(params, s['clipNorm'])
        opt.step()
        return loss.item()

    return step


TWIN_STEPS = 3


def charlm(job):
    """W2: tokens/s of full training steps (clip at 5, Adam) on one fixed random batch."""
    s, seeds = job['sizes']['CHARLM'], job['sizes']['SEEDS']
    n = s['batch'] * s['seqLen']
    tokens = torch.from_numpy(uniform_ints(n, s['vocab'], seeds['tokens'])).reshape(s['batch'], s['seqLen'])
    targets = torch.from_numpy(uniform_ints(n, s['vocab'], seeds['targets'])).reshape(s['batch'], s['seqLen'])
    model = _build(job['variant'], job)
    twin_model = copy.deepcopy(model).double()
    losses = []
    step = _trainer(model, tokens, targets, s, job['sizes']['ADAM'])
    samples, cut = time_iterations(lambda: losses.append(step()), job['plan'], job['opts']['budgetSeconds'])
    peak = peak_rss_mib()  # before the twin allocates
    twin = _trainer(twin_model, tokens, targets, s, job['sizes']['ADAM'])
    k = min(TWIN_STEPS, len(losses))
    with one_thread():
        twin_loss = [twin() for _ in range(k)][-1]
    # float32 rounding moves the loss by ~1e-6 relative over the first steps: 1e-4 is safe
    # and still catches skipped or wrong work.
    check = expect_close(f'loss at step {k} vs float64 twin', losses[k - 1], twin_loss, 1e-4)
    return result(n * 1000.0 / median(samples), job['unit'], True, samples, [cut, check], peak, finalLoss=losses[-1])


def _generate(model, steps, seed, vocab):
    """Samples ``steps`` tokens from a zero carry, one at a time, reading each back."""
    gen = torch.Generator().manual_seed(seed)
    token, state, out = torch.zeros(1, 1, dtype=torch.long), None, []
    with torch.no_grad():
        for _ in range(steps):
            logits, state = model(token, state)
            probs = torch.softmax(logits[0, -1], dim=-1)  # temperature 1
            t = torch.multinomial(probs, 1, generator=gen).item()
            out.append(t)
            token = torch.tensor([[t]])
    return out


def generate(job):
    """W4: tokens/s sampling 500 tokens from the freshly initialised LSTM model."""
    model = _build('lstm', job).eval()
    plan, vocab, seed = job['plan'], job['sizes']['CHARLM']['vocab'], job['sizes']['SEEDS']['sample']
    _generate(model, plan['warmupSteps'], seed, vocab)
    t0 = time.perf_counter()
    tokens = _generate(model, plan['steps'], seed, vocab)
    ms = (time.perf_counter() - t0) * 1000.0
    again = _generate(model, plan['steps'], seed, vocab)
    if again != tokens or any(t < 0 or t >= vocab for t in tokens):
        raise AssertionError('self-check failed: generation is not reproducible')
    return result(plan['steps'] * 1000.0 / ms, job['unit'], True, [ms], ['checked: same seed, same tokens'])
