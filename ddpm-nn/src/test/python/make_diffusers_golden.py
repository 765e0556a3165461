#!/usr/bin/python3
"""Writes ddpm-nn/src/test/resources/diffusers-tiny/: a small U-Net in diffusers' layout and its forward in PyTorch.

Run with Debian's PyTorch (apt-get install python3-torch):  /usr/bin/python3 make_diffusers_golden.py

diffusers itself is not needed: UNet2DModel below follows diffusers' UNet2DModel code (models/unets/unet_2d.py,
unet_2d_blocks.py, resnet.py, attention_processor.py, embeddings.py) line by line for the options the DDPM models use,
with the same module names, so its state_dict is a diffusers state_dict. The config has the block types, padding,
epsilon and time embedding of google/ddpm-cifar10-32 at a smaller width (block_out_channels 32, 32, 32, 64: 0.9 M parameters), with
random weights stored as float16 (every value is used as float16 rounded to float32 on both sides, so the file is
small and the comparison exact up to float32 arithmetic).

The directory holds config.json, diffusion_pytorch_model.safetensors (written by pytorch_export.py's writer, so
neither diffusers nor safetensors is needed), scheduler_config.json and golden.json (input, timesteps, output).
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "ddpm-bench",
                                "src", "main", "python"))
from pytorch_export import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "diffusers-tiny")
CONFIG = {
    "_class_name": "UNet2DModel",
    "_diffusers_version": "0.25.0",
    "act_fn": "silu",
    "attention_head_dim": None,
    "block_out_channels": [32, 32, 32, 64],
    "center_input_sample": False,
    "down_block_types": ["DownBlock2D", "AttnDownBlock2D", "DownBlock2D", "DownBlock2D"],
    "downsample_padding": 0,
    "flip_sin_to_cos": False,
    "freq_shift": 1,
    "in_channels": 3,
    "layers_per_block": 1,
    "mid_block_scale_factor": 1,
    "norm_eps": 1e-06,
    "norm_num_groups": 32,
    "out_channels": 3,
    "sample_size": 32,
    "time_embedding_type": "positional",
    "up_block_types": ["UpBlock2D", "UpBlock2D", "AttnUpBlock2D", "UpBlock2D"],
}
SCHEDULER = {
    "_class_name": "DDPMScheduler",
    "_diffusers_version": "0.25.0",
    "beta_end": 0.02,
    "beta_schedule": "linear",
    "beta_start": 0.0001,
    "clip_sample": True,
    "num_train_timesteps": 1000,
    "trained_betas": None,
    "variance_type": "fixed_small",
}


def timestep_embedding(t, dim, flip_sin_to_cos, freq_shift, max_period=10000):
    """embeddings.get_timestep_embedding."""
    half = dim // 2
    exponent = -math.log(max_period) * torch.arange(0, half, dtype=torch.float32) / (half - freq_shift)
    emb = t[:, None].float() * torch.exp(exponent)[None, :]
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=-1)
    if flip_sin_to_cos:
        emb = torch.cat([emb[:, half:], emb[:, :half]], dim=-1)
    return emb


class TimestepEmbedding(nn.Module):
    def __init__(self, in_channels, time_embed_dim):
        super().__init__()
        self.linear_1 = nn.Linear(in_channels, time_embed_dim)
        self.linear_2 = nn.Linear(time_embed_dim, time_embed_dim)

    def forward(self, x):
        return self.linear_2(F.silu(self.linear_1(x)))


class ResnetBlock2D(nn.Module):
    def __init__(self, in_channels, out_channels, temb_channels, eps, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels, eps=eps, affine=True)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=1, padding=1)
        self.time_emb_proj = nn.Linear(temb_channels, out_channels)
        self.norm2 = nn.GroupNorm(groups, out_channels, eps=eps, affine=True)
        self.dropout = nn.Dropout(0.0)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1)
        self.conv_shortcut = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        if self.conv_shortcut is not None:
            x = self.conv_shortcut(x)
        return x + h  # output_scale_factor 1


class Attention(nn.Module):
    """One head over all channels (attention_head_dim None), group norm first, residual connection."""

    def __init__(self, channels, eps, groups):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, channels, eps=eps, affine=True)
        self.to_q = nn.Linear(channels, channels)
        self.to_k = nn.Linear(channels, channels)
        self.to_v = nn.Linear(channels, channels)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels), nn.Dropout(0.0)])

    def forward(self, x):
        b, c, h, w = x.shape
        s = self.group_norm(x).view(b, c, h * w).transpose(1, 2)
        q, k, v = self.to_q(s), self.to_k(s), self.to_v(s)
        probs = (torch.bmm(q, k.transpose(1, 2)) * c ** -0.5).float().softmax(dim=-1)
        out = self.to_out[1](self.to_out[0](torch.bmm(probs, v)))
        return out.transpose(-1, -2).reshape(b, c, h, w) + x  # rescale_output_factor 1


class Downsample2D(nn.Module):
    def __init__(self, channels, padding):
        super().__init__()
        self.padding = padding
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=padding)

    def forward(self, x):
        if self.padding == 0:
            x = F.pad(x, (0, 1, 0, 1), mode="constant", value=0)
        return self.conv(x)


class Upsample2D(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class DownBlock(nn.Module):
    """DownBlock2D, and AttnDownBlock2D when attention is set."""

    def __init__(self, layers, in_ch, out_ch, temb, eps, groups, attention, downsample, padding):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(in_ch if i == 0 else out_ch, out_ch, temb, eps, groups)
                                      for i in range(layers)])
        if attention:
            self.attentions = nn.ModuleList([Attention(out_ch, eps, groups) for _ in range(layers)])
        self.downsamplers = nn.ModuleList([Downsample2D(out_ch, padding)]) if downsample else None

    def forward(self, h, temb):
        states = ()
        for i, resnet in enumerate(self.resnets):
            h = resnet(h, temb)
            if hasattr(self, "attentions"):
                h = self.attentions[i](h)
            states += (h,)
        if self.downsamplers is not None:
            h = self.downsamplers[0](h)
            states += (h,)
        return h, states


class UpBlock(nn.Module):
    """UpBlock2D, and AttnUpBlock2D when attention is set."""

    def __init__(self, layers, in_ch, prev_out, out_ch, temb, eps, groups, attention, upsample):
        super().__init__()
        resnets = []
        for i in range(layers):
            skip = in_ch if i == layers - 1 else out_ch
            resnets.append(ResnetBlock2D((prev_out if i == 0 else out_ch) + skip, out_ch, temb, eps, groups))
        self.resnets = nn.ModuleList(resnets)
        if attention:
            self.attentions = nn.ModuleList([Attention(out_ch, eps, groups) for _ in range(layers)])
        self.upsamplers = nn.ModuleList([Upsample2D(out_ch)]) if upsample else None

    def forward(self, h, skips, temb):
        for i, resnet in enumerate(self.resnets):
            h = torch.cat([h, skips[-1]], dim=1)
            skips = skips[:-1]
            h = resnet(h, temb)
            if hasattr(self, "attentions"):
                h = self.attentions[i](h)
        if self.upsamplers is not None:
            h = self.upsamplers[0](h)
        return h


class MidBlock(nn.Module):
    def __init__(self, ch, temb, eps, groups):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(ch, ch, temb, eps, groups), ResnetBlock2D(ch, ch, temb, eps, groups)])
        self.attentions = nn.ModuleList([Attention(ch, eps, groups)])

    def forward(self, h, temb):
        return self.resnets[1](self.attentions[0](self.resnets[0](h, temb)), temb)


class UNet2DModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        widths, eps, groups, layers = c["block_out_channels"], c["norm_eps"], c["norm_num_groups"], c["layers_per_block"]
        temb = widths[0] * 4
        self.conv_in = nn.Conv2d(c["in_channels"], widths[0], 3, padding=1)
        self.time_embedding = TimestepEmbedding(widths[0], temb)
        self.down_blocks = nn.ModuleList()
        out = widths[0]
        for i, kind in enumerate(c["down_block_types"]):
            inp, out = out, widths[i]
            self.down_blocks.append(DownBlock(layers, inp, out, temb, eps, groups, kind == "AttnDownBlock2D",
                                              i != len(widths) - 1, c["downsample_padding"]))
        self.mid_block = MidBlock(widths[-1], temb, eps, groups)
        rev = list(reversed(widths))
        out = rev[0]
        self.up_blocks = nn.ModuleList()
        for i, kind in enumerate(c["up_block_types"]):
            prev, out, inp = out, rev[i], rev[min(i + 1, len(widths) - 1)]
            self.up_blocks.append(UpBlock(layers + 1, inp, prev, out, temb, eps, groups, kind == "AttnUpBlock2D",
                                          i != len(widths) - 1))
        self.conv_norm_out = nn.GroupNorm(groups, widths[0], eps=eps)
        self.conv_out = nn.Conv2d(widths[0], c["out_channels"], 3, padding=1)

    def forward(self, x, t):
        c = self.c
        emb = self.time_embedding(timestep_embedding(t, c["block_out_channels"][0], c["flip_sin_to_cos"],
                                                     c["freq_shift"]))
        h = self.conv_in(x)
        skips = (h,)
        for block in self.down_blocks:
            h, states = block(h, emb)
            skips += states
        h = self.mid_block(h, emb)
        for block in self.up_blocks:
            n = len(block.resnets)
            h = block(h, skips[-n:], emb)
            skips = skips[:-n]
        return self.conv_out(F.silu(self.conv_norm_out(h)))


def main():
    torch.manual_seed(0)
    model = UNet2DModel(CONFIG).eval()
    with torch.no_grad():
        for p in model.parameters():
            # Scale the default init up so that no block's output is negligible next to its residual path, and
            # GroupNorm scales away from 1, then round to float16: the values both sides use.
            p.mul_(3.0).add_(torch.randn_like(p) * 0.05)
            p.copy_(p.half().float())
    os.makedirs(OUT, exist_ok=True)
    write_safetensors(os.path.join(OUT, "diffusion_pytorch_model.safetensors"), model.state_dict(), {"format": "pt"},
                      half=True)
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    with open(os.path.join(OUT, "scheduler_config.json"), "w") as f:
        json.dump(SCHEDULER, f, indent=2)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(2, CONFIG["in_channels"], CONFIG["sample_size"], CONFIG["sample_size"], generator=g)
    t = torch.tensor([3, 871])
    with torch.no_grad():
        y = model(x, t)
    golden = {"timesteps": t.tolist(), "x": {"shape": list(x.shape), "data": [round(v, 7) for v in x.reshape(-1).tolist()]},
              "y": {"shape": list(y.shape), "data": [round(v, 7) for v in y.reshape(-1).tolist()]},
              "y_abs_max": float(y.abs().max())}
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f)
    n = sum(p.numel() for p in model.parameters())
    print("wrote", OUT, "with", n, "parameters; output |y| max", golden["y_abs_max"])


if __name__ == "__main__":
    main()
