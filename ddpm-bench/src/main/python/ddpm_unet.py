"""ddpm4j's U-Net in PyTorch: the DDPM U-Net (Ho et al. 2020, Appendix B) with ddpm4j's parameter names (head,
temb.0/2, down.i, mid.i, up.i, tail.0/2, attention blocks under .attn) and DDPM's skip order (a level's skip is taken
after its attention block), so a state dict and a ddpm4j checkpoint hold the same tensors under the same names.

    /usr/bin/python3 ddpm_unet.py CHECKPOINT.safetensors    # loads a ddpm4j checkpoint's weights into this model

Used by pytorch_peer.py for the U-Net benchmark cases.
"""
import json
import math
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """DDPM's sinusoidal embedding, computed in double as ddpm4j does."""
    half = dim // 2
    e = math.log(10000) / (half - 1)
    e = torch.exp(torch.arange(half, dtype=torch.float64) * -e)
    e = t.double()[:, None] * e[None, :]
    return torch.cat([torch.sin(e), torch.cos(e)], dim=1).float()


class AttnBlock(nn.Module):
    """x + proj(softmax(QᵀK/√C)·V) with q, k, v from a 1×1 convolution of GroupNorm(x)."""

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
    def __init__(self, cin, cout, tdim, dropout):
        super().__init__()
        self.norm1 = nn.GroupNorm(32, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb_proj = nn.Linear(tdim, cout)
        self.norm2 = nn.GroupNorm(32, cout)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x))) + self.temb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
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
    """Defaults: UNetConfig.smallGrayscale() (1 channel, 32×32, ch_mult 1,2,2, 2 blocks, attention at 16, dropout 0.1)."""

    def __init__(self, in_ch=1, ch=64, mult=(1, 2, 2), blocks=2, attn=(16,), dropout=0.1, res=32):
        super().__init__()
        self.ch = ch
        tdim = 4 * ch
        self.temb = nn.Sequential(nn.Linear(ch, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.head = nn.Conv2d(in_ch, ch, 3, padding=1)
        self.down, chs, now = nn.ModuleList(), [ch], ch
        for i, m in enumerate(mult):
            for _ in range(blocks):
                self.down.append(ResBlock(now, ch * m, tdim, dropout))
                now = ch * m
                if res in attn:
                    self.down.append(Attn(now))
                chs.append(now)
            if i != len(mult) - 1:
                self.down.append(Down(now))
                chs.append(now)
                res //= 2
        self.mid = nn.ModuleList([ResBlock(now, now, tdim, dropout), Attn(now), ResBlock(now, now, tdim, dropout)])
        self.up = nn.ModuleList()
        for i, m in reversed(list(enumerate(mult))):
            for _ in range(blocks + 1):
                self.up.append(ResBlock(chs.pop() + now, ch * m, tdim, dropout))
                now = ch * m
                if res in attn:
                    self.up.append(Attn(now))
            if i != 0:
                self.up.append(Up(now))
                res *= 2
        self.tail = nn.Sequential(nn.GroupNorm(32, now), nn.SiLU(), nn.Conv2d(now, in_ch, 3, padding=1))

    def forward(self, x, t):
        temb = self.temb(timestep_embedding(t, self.ch))
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


def read_checkpoint(path):
    """A ddpm4j checkpoint (safetensors layout): (metadata, {name: float32 tensor})."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(info["shape"])
    return meta, tensors


def from_checkpoint(path, ema=True):
    """The U-Net of a ddpm4j checkpoint with its (EMA, by default) weights loaded by name."""
    meta, tensors = read_checkpoint(path)
    cfg = json.loads(meta["model_config"])
    # This model pads downsampling on both sides with GroupNorm eps 1e-5; a model read from diffusers' layout may not.
    if cfg.get("downsamplePadding", "BOTH_SIDES") != "BOTH_SIDES" or cfg.get("normEps", 1e-5) != 1e-5:
        raise ValueError(f"{path}: downsamplePadding {cfg.get('downsamplePadding')} / normEps {cfg.get('normEps')} "
                         "is not this model's (BOTH_SIDES / 1e-5); export it with ddpm export --diffusers instead")
    model = UNet(in_ch=cfg["imageChannels"], ch=cfg["channels"], mult=tuple(cfg["channelMult"]),
                 blocks=cfg["resBlocks"], attn=tuple(cfg["attentionResolutions"]), dropout=cfg["dropout"],
                 res=cfg["imageSize"])
    prefix = "ema." if ema and any(k.startswith("ema.") for k in tensors) else ""
    state = {k[len(prefix):]: v for k, v in tensors.items()
             if k.startswith(prefix) and not k.startswith("adam.") and (prefix or not k.startswith("ema."))}
    model.load_state_dict(state, strict=True)
    return model


if __name__ == "__main__":
    net = from_checkpoint(sys.argv[1])
    print("loaded", sum(p.numel() for p in net.parameters()), "parameters from", sys.argv[1])
