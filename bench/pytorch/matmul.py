"""W5 `matmul`: C = A·B, float32, square n; GFLOP/s = 2n³ / s."""
import torch

from data import normals
from result import result
from timing import calibrate_reps, median, time_iterations


def matmul(job):
    n = int(job['variant'])
    seeds = job['sizes']['SEEDS']
    a = torch.from_numpy(normals(n * n, seeds['matmulA'])).reshape(n, n)
    b = torch.from_numpy(normals(n * n, seeds['matmulB'])).reshape(n, n)
    plan = job['plan']
    reps = calibrate_reps(lambda: torch.matmul(a, b), plan['sampleMs'])

    def sample():
        for _ in range(reps):
            torch.matmul(a, b)

    samples, cut = time_iterations(sample, plan, job['opts']['budgetSeconds'])
    seconds = median(samples) / 1000.0 / reps
    return result(2 * n ** 3 / seconds / 1e9, job['unit'], True, samples, [cut, _check(a, b, n)])


def _check(a, b, n):
    """Every entry against a float64 product, within the rounding-error bound of a float32
    dot product of length n: |ĉ − c| ≤ γₙ (|A|·|B|), γₙ = n·u/(1 − n·u), u = 2⁻²⁴. It holds
    for any summation order, and a skipped or wrong block breaks it by orders of magnitude."""
    c = torch.matmul(a, b).double()
    ref = torch.matmul(a.double(), b.double())
    scale = torch.matmul(a.double().abs(), b.double().abs())
    u = 2.0 ** -24
    gamma = n * u / (1 - n * u)
    ratio = ((c - ref).abs() / (gamma * scale)).max().item()
    if not ratio <= 1.0:
        raise AssertionError(f'self-check failed: C vs float64 product exceeds the float32 error bound ({ratio:.2f}× the bound)')
    return f'checked: all of C vs float64 product (error {ratio:.1e} of the γₙ bound)'
