"""The bench's seeded inputs, bit for bit as bench/src/data/ makes them for the other
implementations, so PyTorch trains and times on the same numbers.

mulberry32 is counter based — its state after k draws is seed + k·0x6D2B79F5 — so a
whole stream is computed at once with numpy instead of a Python loop.
"""
import math

import numpy as np

_MASK = np.uint64(0xFFFFFFFF)


def _imul(a, b):
    """JavaScript's Math.imul on uint64 arrays holding 32-bit values (mod 2^32)."""
    return (a * b) & _MASK


def mulberry32(n, seed):
    """The first ``n`` draws in [0, 1) of bench/src/data/random.ts's generator."""
    k = np.arange(1, n + 1, dtype=np.uint64)
    t = (np.uint64(seed & 0xFFFFFFFF) + k * np.uint64(0x6D2B79F5)) & _MASK
    t = _imul(t ^ (t >> np.uint64(15)), t | np.uint64(1))
    t ^= (t + _imul(t ^ (t >> np.uint64(7)), t | np.uint64(61))) & _MASK
    return ((t ^ (t >> np.uint64(14))) & _MASK).astype(np.float64) / 4294967296.0


def uniform_ints(n, high, seed):
    """``n`` integers drawn uniformly from [0, high), as int64 (torch's index type)."""
    return np.floor(mulberry32(n, seed) * high).astype(np.int64)


def normals(n, seed):
    """``n`` samples of N(0, 1) by Box–Muller, in float64 then rounded to float32."""
    u = mulberry32(n + (n & 1), seed).reshape(-1, 2)
    r = np.sqrt(-2.0 * np.log(1.0 - u[:, 0]))
    theta = 2.0 * math.pi * u[:, 1]
    out = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1).reshape(-1)[:n]
    return out.astype(np.float32)


def sine_windows():
    """W1's data: x = sin(linspace(0, 4π, 100)), windows of 10 → X, Y of shape [90, 10, 1]."""
    points, window, windows = 100, 10, 90
    wave = np.array([math.sin((4 * math.pi * i) / (points - 1)) for i in range(points)])
    x = np.stack([wave[i:i + window] for i in range(windows)]).astype(np.float32)
    y = np.stack([wave[i + 1:i + 1 + window] for i in range(windows)]).astype(np.float32)
    return x.reshape(windows, window, 1), y.reshape(windows, window, 1)
