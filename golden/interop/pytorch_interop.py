#!/usr/bin/env python3
"""PyTorch <-> Tapestry interop through safetensors files.

  python3 pytorch_interop.py make [FOLDER]   write small torch.nn models, their inputs and
                                             outputs (float64 and float32) to FOLDER
                                             (default: fixtures/ next to this script)
  python3 pytorch_interop.py check FOLDER    load every Tapestry-written file of FOLDER into
                                             the equivalent torch.nn model with
                                             load_state_dict(strict=True), run it on the
                                             saved input and compare with Tapestry's output

Each file holds a model's state dict under PyTorch's own names, plus `io.*` tensors (the
input and the outputs) and a `config` JSON string in the header's metadata. Needs only
torch and numpy (the safetensors format is simple enough to read and write here).
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def write_safetensors(path, tensors, metadata):
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy() if torch.is_tensor(t) else t)
        data = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    tmp = Path(str(path) + ".tmp")
    tmp.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    tmp.replace(path)


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


class LanguageModel(nn.Module):
    """Embedding + LSTM + Linear, attribute names as Tapestry's tree: embed, lstm, head."""

    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        out, _ = self.lstm(self.embed(tokens))
        return self.head(out)


RECURRENT = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def build(config):
    if config["kind"] == "lm":
        return LanguageModel(config["vocab"], config["embed"], config["hidden"], config["layers"])
    extra = {"nonlinearity": config["nonlinearity"]} if config["kind"] == "rnn" else {}
    return RECURRENT[config["kind"]](
        config["input"], config["hidden"], num_layers=config["layers"], bidirectional=config["bidirectional"], batch_first=True, **extra
    )


def run(model, config, io):
    with torch.no_grad():
        if config["kind"] == "lm":
            return {"io.logits": model(io["io.tokens"].long())}
        out = model(io["io.input"])
        if config["kind"] == "lstm":
            output, (h_n, c_n) = out
            return {"io.output": output, "io.h_n": h_n, "io.c_n": c_n}
        output, h_n = out
        return {"io.output": output, "io.h_n": h_n}


CASES = [
    {"name": "lstm_l1", "kind": "lstm", "input": 4, "hidden": 5, "layers": 1, "bidirectional": False},
    {"name": "lstm_l2_bi", "kind": "lstm", "input": 4, "hidden": 5, "layers": 2, "bidirectional": True},
    {"name": "gru_l2", "kind": "gru", "input": 4, "hidden": 5, "layers": 2, "bidirectional": False},
    {"name": "gru_l1_bi", "kind": "gru", "input": 4, "hidden": 3, "layers": 1, "bidirectional": True},
    {"name": "rnn_tanh_l2_bi", "kind": "rnn", "nonlinearity": "tanh", "input": 4, "hidden": 5, "layers": 2, "bidirectional": True},
    {"name": "rnn_relu_l1", "kind": "rnn", "nonlinearity": "relu", "input": 4, "hidden": 5, "layers": 1, "bidirectional": False},
    {"name": "lm_lstm_l2", "kind": "lm", "vocab": 11, "embed": 6, "hidden": 7, "layers": 2},
]


def make(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for dtype, tag in [(torch.float64, "f64"), (torch.float32, "f32")]:
        for i, case in enumerate(CASES):
            torch.manual_seed(1000 + i)
            config = {k: v for k, v in case.items() if k != "name"}
            model = build(config).to(dtype)
            if config["kind"] == "lm":
                io = {"io.tokens": torch.randint(0, config["vocab"], (3, 6), dtype=torch.int32)}
            else:
                io = {"io.input": torch.randn(3, 6, config["input"], dtype=dtype)}
            io.update(run(model, config, io))
            tensors = dict(model.state_dict())
            tensors.update(io)
            path = folder / f"{case['name']}_{tag}.safetensors"
            write_safetensors(path, tensors, {"config": json.dumps(config), "dtype": str(dtype).replace("torch.", "")})
            print(f"wrote {path.name}: {', '.join(model.state_dict().keys())}")


def check(folder):
    files = sorted(Path(folder).glob("*.safetensors"))
    if not files:
        sys.exit(f"no .safetensors files in {folder}")
    worst_ok = True
    for path in files:
        tensors, metadata = read_safetensors(path)
        config = json.loads(metadata["config"])
        dtype = tensors[next(k for k in tensors if not k.startswith("io."))].dtype
        model = build(config).to(dtype)
        state = {k: v for k, v in tensors.items() if not k.startswith("io.")}
        model.load_state_dict(state, strict=True)  # raises on any missing/unexpected/mis-shaped name
        io = {k: v for k, v in tensors.items() if k.startswith("io.") and k in ("io.input", "io.tokens")}
        ours = {k: v for k, v in run(model, config, io).items() if k in tensors}
        tol = 1e-12 if dtype == torch.float64 else 1e-5
        worst = max(float((ours[k] - tensors[k]).abs().max() / (1 + tensors[k].abs().max())) for k in ours)
        ok = worst <= tol
        worst_ok &= ok
        print(f"{'ok  ' if ok else 'FAIL'} {path.name}: strict load of {len(state)} tensors; {', '.join(k[3:] for k in ours)}: max |torch - tapestry| / (1 + max|tapestry|) = {worst:.2e} (tolerance {tol:g})")
    sys.exit(0 if worst_ok else 1)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "make":
        make(Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parent / "fixtures")
    elif command == "check" and len(sys.argv) > 2:
        check(sys.argv[2])
    else:
        sys.exit(__doc__)
