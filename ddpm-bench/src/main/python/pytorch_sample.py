#!/usr/bin/python3
"""Samples the EMA weights that pytorch_train.py trained, with PyTorch's own implementation of DDPM's ancestral
sampler (Algorithm 2) on evenly respaced steps, x0-hat clipped to [-1, 1], sigma_t^2 = beta_t as ddpm4j's default,
and writes them as a float32 .npy on the [-1, 1] scale for `ddpm quality --images`:

    OMP_NUM_THREADS=2 /usr/bin/python3 pytorch_sample.py RUN_DIR/state.pt OUT.npy --n 1000 --steps 100 --threads 2

Respacing follows Nichol & Dhariwal: the kept steps' alpha-bars define a shorter chain with
beta_k = 1 - abar_k/abar_{k-1}; the network sees the original timestep.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ddpm_unet import UNet  # noqa: E402

T_STEPS = 1000


def kept_steps(count):
    """As ddpm4j's Respacing.evenly: count steps over [0, T), both ends included."""
    if count == 1:
        return [T_STEPS - 1]
    return [int(round(i * (T_STEPS - 1) / (count - 1))) for i in range(count)]


@torch.no_grad()
def sample(model, n, steps, generator):
    betas = torch.linspace(1e-4, 0.02, T_STEPS, dtype=torch.float64)
    abar_all = torch.cumprod(1 - betas, 0)
    kept = kept_steps(steps)
    abar = abar_all[kept]
    abar_prev = torch.cat([torch.ones(1, dtype=torch.float64), abar[:-1]])
    beta = 1 - abar / abar_prev
    post_var = beta * (1 - abar_prev) / (1 - abar)
    # fixed large variance: beta_k, except the first step uses the posterior variance (as DDPM's code and ddpm4j)
    log_var = torch.log(torch.cat([post_var[1:2], beta[1:]])) if steps > 1 else torch.log(post_var)
    coef_x0 = beta * abar_prev.sqrt() / (1 - abar)
    coef_xt = (1 - abar_prev) * (1 - beta).sqrt() / (1 - abar)
    x = torch.randn(n, 1, 32, 32, generator=generator)
    for k in reversed(range(len(kept))):
        t = torch.full((n,), kept[k], dtype=torch.long)
        eps = model(x, t)
        x0 = ((x - (1 - abar[k]).sqrt().float() * eps) / abar[k].sqrt().float()).clamp(-1, 1)
        mean = coef_x0[k].float() * x0 + coef_xt[k].float() * x
        if k > 0:
            x = mean + (0.5 * log_var[k]).exp().float() * torch.randn(x.shape, generator=generator)
        else:
            x = mean
    return x


def write_grid(path, images, columns=8):
    """[N, 1, H, W] on [-1, 1] as a grayscale PNG, `columns` images per row, rounded as ddpm4j's ImageGrid rounds."""
    from PIL import Image
    n, _, h, w = images.shape
    rows = (n + columns - 1) // columns
    canvas = np.zeros((rows * h, columns * w), dtype=np.uint8)
    pixels = np.floor(np.clip((images[:, 0] + 1) * 127.5, 0, 255) + 0.5).astype(np.uint8)
    for i in range(n):
        r, c = divmod(i, columns)
        canvas[r * h:(r + 1) * h, c * w:(c + 1) * w] = pixels[i]
    Image.fromarray(canvas, mode="L").save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("state")
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--grid", help="also write the first 64 samples as an 8x8 PNG grid")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    s = torch.load(args.state)
    model = UNet(ch=s["channels"])
    model.load_state_dict(dict(zip(s["model"].keys(), s["ema"])))
    model.eval()
    generator = torch.Generator().manual_seed(args.seed)
    start, parts = time.perf_counter(), []
    for i in range(0, args.n, args.batch):
        parts.append(sample(model, min(args.batch, args.n - i), args.steps, generator))
    seconds = time.perf_counter() - start
    images = torch.cat(parts).numpy().astype(np.float32)
    np.save(args.out, images)
    if args.grid:
        write_grid(args.grid, images[:64])
    print(f"{args.n} samples, {args.steps} ancestral steps, {seconds:.1f} s ({args.threads} threads): {args.out}")


if __name__ == "__main__":
    main()
