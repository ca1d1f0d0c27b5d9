# Writes test/fixtures/transcendentals.json: arguments spread over the whole float64 range
# (and the special values) with exp, log, tanh and sigmoid of each, evaluated with mpmath
# at 200 bits and rounded once to the nearest double — the correctly rounded results the
# native kernels are measured against. Run: python3 scripts/reference-values.py
import json
import math
import random
import struct

import mpmath

mpmath.mp.prec = 200
random.seed(12)


def encode(v):
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return repr(v)


def from_bits(u):
    return struct.unpack('<d', struct.pack('<Q', u))[0]


special = [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-310, -1e-310,
           1.0, -1.0, 0.5, 2.0, math.log(2), 709.782712893384, 709.78, -745.1332191019411, -745.13, -708.4, 1e-300,
           22.0, -22.0, 21.9, 1e-8, -1e-8, 0.34657359, -0.34657359, 1.7976931348623157e308]


def arguments():
    xs = list(special)
    for _ in range(1500):  # uniform in the interesting range of exp/tanh/sigmoid
        xs.append(random.uniform(-750, 750))
    for _ in range(1500):
        xs.append(random.uniform(-3, 3))
    for _ in range(1500):  # every binade, both signs, subnormals included
        xs.append(from_bits(random.getrandbits(63)) * random.choice([1, -1]))
    return xs


def rounded(f, x):
    try:
        return float(f(mpmath.mpf(x)))
    except (ValueError, ZeroDivisionError):
        return math.nan


def exp(x):
    return mpmath.exp(x)


def log(x):
    if x < 0:
        raise ValueError
    if x == 0:
        return mpmath.mpf('-inf')
    return mpmath.log(x)


def tanh(x):
    return mpmath.tanh(x)


def sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def reference(f, x):
    if math.isnan(x):
        return math.nan
    if math.isinf(x):
        return {exp: math.inf if x > 0 else 0.0, log: math.inf if x > 0 else math.nan,
                tanh: math.copysign(1.0, x), sigmoid: 1.0 if x > 0 else 0.0}[f]
    if f is tanh and x == 0:
        return x  # keeps the sign of zero
    return rounded(f, x)


xs = arguments()
table = {'x': [encode(x) for x in xs]}
for name, f in [('exp', exp), ('log', log), ('tanh', tanh), ('sigmoid', sigmoid)]:
    table[name] = [encode(reference(f, x)) for x in xs]
with open('test/fixtures/transcendentals.json', 'w') as out:
    json.dump(table, out)
    out.write('\n')
print(len(xs), 'arguments')
