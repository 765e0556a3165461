#!/usr/bin/python3
"""Trains ddpm4j's U-Net (ddpm_unet.py) in PyTorch exactly as `ddpm train` trains it in Java, for the side-by-side
comparison of issue 20: Fashion-MNIST's 60 000 training images zero-padded to 32x32 and scaled to [-1, 1], batches
drawn with replacement, random horizontal flips, t uniform in [0, T), L_simple (DDPM Algorithm 1, Eq. 14), Adam
(lr 2e-4, betas 0.9/0.999, eps 1e-8), gradient clipping at global norm 1, and an EMA of the weights with decay
0.9999 warmed up as min(decay, (1 + n)/(10 + n)). The weights start as DDPM's code (and ddpm4j's Init) starts them:
fan-average uniform, zero biases, and zero for each residual branch's last convolution and the output convolution.

    OMP_NUM_THREADS=1 /usr/bin/python3 pytorch_train.py --threads 1 --steps 4000 --out RUN_DIR [--resume]

RUN_DIR receives the loss log (`loss.csv`, lines 'step,loss' as `ddpm train --loss-log` writes them), a resumable
state (`state.pt`, written every --checkpoint-every steps and at the end, atomically), and `run.json` (the self-
description of the peer, wall time of the training steps summed over resumed segments, final loss). Export the
EMA weights to a ddpm4j checkpoint with pytorch_export.py to evaluate them with `ddpm eval`.
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ddpm_unet import Attn, ResBlock, UNet  # noqa: E402
from pytorch_peer import describe  # noqa: E402

T_STEPS = 1000
EMA_DECAY = 0.9999


def read_idx_images(path):
    """An IDX3 file of uint8 images (gzip or not) as a [N, 1, 32, 32] float tensor in [-1, 1], padded with -1."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic, n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in range(0, 16, 4))
    if magic != 2051 or len(raw) != 16 + n * rows * cols:
        raise ValueError(f"{path}: not an IDX3 image file of {n} images {rows}x{cols}")
    x = torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8).reshape(n, 1, rows, cols).float() / 127.5 - 1
    top, left = (32 - rows) // 2, (32 - cols) // 2
    return F.pad(x, (left, 32 - cols - left, top, 32 - rows - top), value=-1.0)


def ddpm_init(model):
    """variance_scaling(1, fan_avg, uniform) for every weight, zero biases; the layers that start at zero."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            fan_out = m.weight.shape[0] * m.weight[0, 0].numel()
            a = math.sqrt(3.0 / ((fan_in + fan_out) / 2))
            nn.init.uniform_(m.weight, -a, a)
            nn.init.zeros_(m.bias)
    zero = [m.conv2 for m in model.modules() if isinstance(m, ResBlock)]
    zero += [m.attn.proj for m in model.modules() if isinstance(m, Attn)]
    zero.append(model.tail[2])
    for conv in zero:
        nn.init.zeros_(conv.weight)


def save_atomically(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--channels", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", required=True, help="run directory")
    ap.add_argument("--checkpoint-every", type=int, default=250)
    ap.add_argument("--resume", action="store_true", help="continue from RUN_DIR/state.pt")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    state_path, loss_path = os.path.join(args.out, "state.pt"), os.path.join(args.out, "loss.csv")
    peer = describe(args.threads)
    if not peer["blas_optimised"]:
        sys.exit(f"refusing to train with the {peer['blas']} BLAS: install libopenblas0-openmp")
    print(json.dumps(peer), flush=True)

    data = read_idx_images(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))
    abar = torch.cumprod(1.0 - torch.linspace(1e-4, 0.02, T_STEPS, dtype=torch.float64), 0).float()
    torch.manual_seed(args.seed)
    model = UNet(ch=args.channels)
    ddpm_init(model)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    ema = [p.detach().clone() for p in model.parameters()]
    step, seconds = 0, 0.0
    if args.resume and os.path.exists(state_path):
        s = torch.load(state_path)
        model.load_state_dict(s["model"])
        opt.load_state_dict(s["opt"])
        ema = s["ema"]
        step, seconds = s["step"], s["seconds"]
        torch.set_rng_state(s["rng"])
        print(f"resumed at step {step}", flush=True)
    elif os.path.exists(state_path):
        sys.exit(f"{state_path} exists: pass --resume or choose another --out")
    with open(loss_path, "r+" if step else "w") as log:
        if step:  # keep the lines up to the resumed step, as `ddpm train --resume` does
            kept = [line for line in log.read().splitlines() if line and int(line.split(",")[0]) <= step]
            log.seek(0)
            log.truncate()
            log.write("".join(line + "\n" for line in kept))
        model.train()
        segment_start = time.perf_counter()
        while step < args.steps:
            x0 = data[torch.randint(0, data.shape[0], (args.batch,))]
            flip = torch.rand(args.batch) < 0.5
            x0 = torch.where(flip[:, None, None, None], x0.flip(3), x0)
            t = torch.randint(0, T_STEPS, (args.batch,))
            noise = torch.randn_like(x0)
            a = abar[t].view(-1, 1, 1, 1)
            loss = F.mse_loss(model(a.sqrt() * x0 + (1 - a).sqrt() * noise, t), noise)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            d = min(EMA_DECAY, (1.0 + step) / (10.0 + step))
            with torch.no_grad():
                for e, p in zip(ema, model.parameters()):
                    e.mul_(d).add_(p.detach(), alpha=1 - d)
            log.write(f"{step},{loss.item():.6f}\n")
            if step % args.checkpoint_every == 0 or step == args.steps:
                log.flush()
                now = time.perf_counter()
                seconds += now - segment_start
                segment_start = now
                save_atomically({"model": model.state_dict(), "opt": opt.state_dict(), "ema": ema, "step": step,
                                 "seconds": seconds, "rng": torch.get_rng_state(),
                                 "channels": args.channels}, state_path)
                print(f"step {step} loss {loss.item():.4f} {seconds:.1f} s", flush=True)
    with open(os.path.join(args.out, "run.json"), "w") as f:
        json.dump({"peer": peer, "steps": step, "train_seconds": seconds, "batch": args.batch,
                   "channels": args.channels, "seed": args.seed}, f, indent=1)


if __name__ == "__main__":
    main()
