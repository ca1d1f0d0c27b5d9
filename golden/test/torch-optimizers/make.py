"""Records PyTorch optimizer trajectories the public fixtures do not cover (RMSprop,
Adagrad, dampening, maximize, AMSGrad with decoupled decay), in the fixtures' format.

    python3 make.py        # writes one <case>.json per configuration next to this file
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 6

CASES = {
    "sgd_dampening_maximize": ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.02, nesterov=False, maximize=True)),
    "adam_maximize_wd": ("Adam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05, amsgrad=False, maximize=True)),
    "adamw_amsgrad_maximize": ("AdamW", dict(lr=0.02, betas=(0.9, 0.9), eps=1e-8, weight_decay=0.3, amsgrad=True, maximize=True)),
    "rmsprop": ("RMSprop", dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)),
    "rmsprop_centered_momentum_wd": ("RMSprop", dict(lr=0.005, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.7, centered=True)),
    "adagrad_decay_wd": ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.02, initial_accumulator_value=0.1, eps=1e-10)),
}


def encode(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def record(case, module, config, seed):
    gen = torch.Generator().manual_seed(seed)
    params = {"w": torch.randn(3, 2, generator=gen), "b": torch.randn(3, generator=gen)}
    grads = [{k: torch.randn(v.shape, generator=gen) for k, v in params.items()} for _ in range(STEPS)]
    tensors = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    opt = getattr(torch.optim, module)(list(tensors.values()), **config)
    after = []
    for g in grads:
        for k, t in tensors.items():
            t.grad = g[k].clone()
        opt.step()
        after.append({k: encode(t) for k, t in tensors.items()})
    fixture = {
        "case": case,
        "kind": "optimizer",
        "module": module,
        "dtype": "float64",
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in config.items()},
        "steps": STEPS,
        "params_init": {k: encode(v) for k, v in params.items()},
        "grad_sequence": [{k: encode(v) for k, v in g.items()} for g in grads],
        "params_after_step": after,
        "notes": [f"Recorded with torch {torch.__version__}, torch.optim.{module}, float64, one step per gradient."],
    }
    with open(os.path.join(HERE, f"{case}.json"), "w") as f:
        json.dump(fixture, f)


for i, (case, (module, config)) in enumerate(CASES.items()):
    record(case, module, config, 100 + i)
