#!/usr/bin/python3
"""Writes ddpm-nn/src/test/resources/golden/unet_tiny.json: a tiny DDPM U-Net's forward and backward in PyTorch.

Run with Debian's PyTorch (apt-get install python3-torch):  /usr/bin/python3 make_unet_golden.py

The model is DDPM's (Ho et al. 2020, Appendix B) with the module names of ../../../../../shared/bench/pytorch_baseline.py
(head, down.i, mid.i, up.i, tail.0/2, temb.0/2, attention blocks under .attn); skips are taken after a level's
attention block, as in the DDPM code. Weights are not stored: both sides fill every parameter *by name* from the
same formula (fill()), so the file stays small and the Java test proves that names and shapes line up.
The file holds the names and shapes, the input, timesteps, output, upstream gradient, and for every parameter the
gradient's L2 norm and its dot product with a fixed probe (probe()); small tensors' gradients are stored whole.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

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


def temb_sin(t, dim):
    half = dim // 2
    e = math.log(10000) / (half - 1)
    e = torch.exp(torch.arange(half, dtype=torch.float64) * -e)
    e = t.double()[:, None] * e[None, :]
    return torch.cat([torch.sin(e), torch.cos(e)], dim=1).float()


class AttnBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = nn.GroupNorm(32, c)
        self.qkv = nn.Conv2d(c, 3 * c, 1)
        self.proj = nn.Conv2d(c, c, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        qkv = self.qkv(self.norm(x)).reshape(b, 3, c, h * w)
        q, k, v = qkv[:, 0], qkv[:, 1], qkv[:, 2]
        p = F.softmax(torch.bmm(q.transpose(1, 2), k) * (c ** -0.5), dim=-1)
        return x + self.proj(torch.bmm(v, p.transpose(1, 2)).reshape(b, c, h, w))


class Attn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attn = AttnBlock(c)

    def forward(self, x, temb):
        return self.attn(x)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.norm1 = nn.GroupNorm(32, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb_proj = nn.Linear(tdim, cout)
        self.norm2 = nn.GroupNorm(32, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x))) + self.temb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.skip is None else self.skip(x)) + h


class Down(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=1)

    def forward(self, x, temb):
        return self.conv(x)


class Up(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x, temb):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        tdim = 4 * CH
        self.temb = nn.Sequential(nn.Linear(CH, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.head = nn.Conv2d(IN_CH, CH, 3, padding=1)
        self.down, chs, now, res = nn.ModuleList(), [CH], CH, RES
        for i, m in enumerate(MULT):
            for _ in range(BLOCKS):
                self.down.append(ResBlock(now, CH * m, tdim))
                now = CH * m
                if res in ATTN:
                    self.down.append(Attn(now))
                chs.append(now)
            if i != len(MULT) - 1:
                self.down.append(Down(now))
                chs.append(now)
                res //= 2
        self.mid = nn.ModuleList([ResBlock(now, now, tdim), Attn(now), ResBlock(now, now, tdim)])
        self.up = nn.ModuleList()
        for i, m in reversed(list(enumerate(MULT))):
            for _ in range(BLOCKS + 1):
                self.up.append(ResBlock(chs.pop() + now, CH * m, tdim))
                now = CH * m
                if res in ATTN:
                    self.up.append(Attn(now))
            if i != 0:
                self.up.append(Up(now))
                res *= 2
        self.tail = nn.Sequential(nn.GroupNorm(32, now), nn.SiLU(), nn.Conv2d(now, IN_CH, 3, padding=1))

    def forward(self, x, t):
        temb = self.temb(temb_sin(t, CH))
        h = self.head(x)
        hs = [h]
        for i, layer in enumerate(self.down):
            h = layer(h, temb)
            if i + 1 == len(self.down) or not isinstance(self.down[i + 1], Attn):  # skip after attention
                hs.append(h)
        for layer in self.mid:
            h = layer(h, temb)
        for layer in self.up:
            if isinstance(layer, ResBlock):
                h = torch.cat([h, hs.pop()], dim=1)
            h = layer(h, temb)
        return self.tail(h)


def t2j(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().float().reshape(-1).tolist()]}


def main():
    model = UNet()
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
