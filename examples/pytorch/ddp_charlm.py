#!/usr/bin/env python3
"""Continue training Tapestry's character LM under PyTorch DistributedDataParallel.

  torchrun --standalone --nproc_per_node=2 examples/pytorch/ddp_charlm.py IN.safetensors OUT.safetensors [--steps 100]

IN is written by `node examples/dist/bin/charlm-torch.js export`: the model's state dict
under PyTorch's names, the training text's token ids (`data.train_ids`) and the model
settings (metadata `config`). The model is rebuilt as torch.nn modules with the same
attribute names (embed, rnn, head), loaded with load_state_dict(strict=True), wrapped in
DistributedDataParallel (gloo, so it runs on CPUs) and trained as Tapestry trains it:
truncated BPTT over `batch` parallel rows of the text — each process takes its share of
the rows — with Adam and gradient clipping. Rank 0 writes OUT (same layout, plus the
step count and the loss of every step in the metadata) for `charlm-torch.js import`.
"""
import argparse
import json
import os
import struct
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        a = np.frombuffer(raw[8 + n + b : 8 + n + end], dtype=np.dtype(DTYPES[e["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(a.reshape(e["shape"]).copy())
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy())
        data = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    tmp = Path(f"{path}.{os.getpid()}.tmp")  # write, then rename: OUT is never half-written
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


class CharLM(nn.Module):
    """Embedding -> stacked RNN/LSTM/GRU -> dropout -> linear, named as Tapestry's charlm tree.

    Dropout acts where Tapestry's acts: between the recurrent layers and on the top
    layer's output (the run's own rate: 0 for the run trained without).
    """

    def __init__(self, c):
        super().__init__()
        self.embed = nn.Embedding(c["vocab"], c["embed"])
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[c["cell"]]
        p = c.get("dropout", 0.0)
        self.rnn = rnn(c["embed"], c["hidden"], num_layers=c["layers"], batch_first=True, dropout=p if c["layers"] > 1 else 0.0)
        self.drop = nn.Dropout(p)
        self.head = nn.Linear(c["hidden"], c["vocab"])

    def forward(self, tokens, state):
        out, state = self.rnn(self.embed(tokens), state)
        return self.head(self.drop(out)), state


def detach(state):
    return None if state is None else tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--lr", type=float, default=None, help="Adam learning rate (default: the Tapestry run's final rate)")
    args = p.parse_args()

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(rank)
    tensors, metadata = read_safetensors(args.input)
    config = json.loads(metadata["config"])
    ids = tensors.pop("data.train_ids").long()

    model = CharLM(config)
    model.load_state_dict(tensors, strict=True)
    ddp = DistributedDataParallel(model)
    lr = args.lr if args.lr is not None else config["lr"] / 10  # charlm decays to a tenth of its peak
    opt = torch.optim.Adam(ddp.parameters(), lr=lr)

    # The text as `batch` parallel rows, as Tapestry's lmStream cuts it; this process takes rows rank, rank+world, ...
    B, T = config["batch"], config["seqLen"]
    L = (len(ids) - 1) // B
    inputs = ids[: B * L].view(B, L)[rank::world]
    targets = ids[1 : B * L + 1].view(B, L)[rank::world]
    batches = L // T
    state = None
    losses = []
    for step in range(args.steps):
        k = step % batches
        if k == 0:
            state = None  # a new pass over the text starts afresh
        x, y = inputs[:, k * T : (k + 1) * T], targets[:, k * T : (k + 1) * T]
        logits, state = ddp(x, state)
        state = detach(state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, config["vocab"]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()  # DDP averages the gradients of the two processes here
        nn.utils.clip_grad_norm_(ddp.parameters(), 5.0)
        opt.step()
        mean = loss.detach().clone()
        dist.all_reduce(mean)
        losses.append(mean.item() / world)
        if rank == 0 and (step % 10 == 0 or step == args.steps - 1):
            print(f"step {step + 1}/{args.steps}: loss {losses[-1]:.4f} ({world} processes)", flush=True)

    if rank == 0:
        meta = {"config": json.dumps(config), "steps": str(args.steps), "losses": json.dumps(losses), "trainer": f"torch {torch.__version__} DDP gloo x{world}"}
        write_safetensors(args.output, model.state_dict(), meta)
        print(f"wrote {args.output}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
