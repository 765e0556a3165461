#!/usr/bin/python3
"""Writes ddpm-nn/src/test/resources/golden/unet_tiny.json: a tiny DDPM U-Net's forward and backward in PyTorch.

Run with Debian's PyTorch (apt-get install python3-torch):  /usr/bin/python3 make_unet_golden.py

The model is ddpm-bench/src/main/python/ddpm_unet.py, DDPM's U-Net (Ho et al. 2020, Appendix B) with ddpm4j's
module names (head, down.i, mid.i, up.i, tail.0/2, temb.0/2, attention blocks under .attn) and skips taken after a
level's attention block, as in the DDPM code. Weights are not stored: both sides fill every parameter *by name* from the
same formula (fill()), so the file stays small and the Java test proves that names and shapes line up.
The file holds the names and shapes, the input, timesteps, output, upstream gradient, and for every parameter the
gradient's L2 norm and its dot product with a fixed probe (probe()); small tensors' gradients are stored whole.
"""
import json
import math
import os
import sys

import torch

# The model is the benchmark's PyTorch U-Net: this golden file also proves that it is ddpm4j's network.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "ddpm-bench",
                                "src", "main", "python"))
from ddpm_unet import UNet  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "unet_tiny.json")
CH, MULT, BLOCKS, ATTN, RES, IN_CH = 32, (1, 2), 1, (4,), 8, 1


def name_hash(name):
    return sum((k + 1) * ord(c) for k, c in enumerate(name)) % 1000


def fill(name, numel):
    """The deterministic weights both sides use: 0.2·sin(0.37·i + h/7) (+1 for GroupNorm scales)."""
    h = name_hash(name)
    base = 1.0 if (name.endswith("norm1.weight") or name.endswith("norm2.weight") or name.endswith("norm.weight")
                   or name == "tail.0.weight") else 0.0
    return torch.tensor([base + 0.2 * math.sin(0.37 * i + h / 7.0) for i in range(numel)], dtype=torch.float32)


def probe(numel):
    return torch.tensor([math.cos(0.11 * i) for i in range(numel)], dtype=torch.float64)


def t2j(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().float().reshape(-1).tolist()]}


def main():
    model = UNet(in_ch=IN_CH, ch=CH, mult=MULT, blocks=BLOCKS, attn=ATTN, dropout=0.0, res=RES)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(fill(name, p.numel()).reshape(p.shape))
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, IN_CH, RES, RES, generator=g)
    t = torch.tensor([17, 503])
    y = model(x, t)
    dy = torch.randn(y.shape, generator=g)
    y.backward(dy)
    params = {}
    for name, p in model.named_parameters():
        gr = p.grad.double().reshape(-1)
        entry = {"shape": list(p.shape), "grad_norm": float(gr.norm()), "grad_probe": float(gr @ probe(gr.numel()))}
        if p.numel() <= 64:
            entry["grad"] = [float(v) for v in p.grad.reshape(-1).tolist()]
        params[name] = entry
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"config": {"ch": CH, "mult": MULT, "blocks": BLOCKS, "attn": ATTN, "res": RES, "in_ch": IN_CH},
                   "t": t.tolist(), "x": t2j(x), "y": t2j(y), "dy": t2j(dy), "params": params}, f,
                  separators=(",", ":"))
    print("wrote", os.path.relpath(OUT), os.path.getsize(OUT), "bytes,", len(params), "parameters")


if __name__ == "__main__":
    main()
