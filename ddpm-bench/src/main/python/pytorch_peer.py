#!/usr/bin/python3
"""ddpm4j's PyTorch peer: times the benchmark cases on request, so that `ddpm bench ... --compare-pytorch` can
interleave PyTorch and ddpm4j case by case, round by round.

Run by the `ddpm` command line (Debian: apt-get install python3-torch libopenblas0-openmp):
    /usr/bin/python3 pytorch_peer.py --threads 2
It prints one JSON line describing itself (torch version, threads, the BLAS it loaded and whether that BLAS is an
optimised one), then answers one JSON request per line on stdin with one JSON line on stdout:
    {"op": "setup", "section": "conv", "mode": "fwd", "dims": [32, 64, 64, 32]}   -> {"ok": true}
    {"op": "time", "calls": 5}                                                     -> {"ms": [...]}
    {"op": "memory", "section": "unet", "mode": "train-step", "dims": [64, 64], "calls": 2}
        -> {"baseline_mb": ..., "peak_mb": ..., "growth_mb": ...}: the peak RSS growth of building the case and
           running it (the kernel's peak RSS, VmHWM, reset before; freed memory stays mapped, see GLIBC_TUNABLES)
    {"op": "quit"}
Sections and dims (as the Java cases): conv (N, Cin, Cout, HW; modes fwd, fwd+bwd, fwd+bwd(w)), convs (N, Cin,
Cout, HW, kernel, stride; padding kernel // 2; fwd, fwd+bwd), gn (N, C, H, W;
fwd, fwd+bwd), attn (B, C, H, W; fwd, fwd+bwd), unet (channels, batch[, image channels, channel multipliers...];
train-step, fwd(no_grad); without the last ones the small grayscale U-Net, with 3, 1, 2, 2, 2 at channels 128 DDPM's
CIFAR-10 network), sample (channels, batch, steps; a whole ancestral sampling run).
Everything is float32, NCHW, stock nn modules. fwd runs under no_grad; fwd+bwd runs forward and backward with
every parameter's gradient (and the input's, except fwd+bwd(w)). The U-Net is ddpm4j's (see ddpm_unet.py).

Why the BLAS matters: Debian's torch calls libblas.so.3 for bmm and linear (attention, time embedding). With only
python3-torch installed that is netlib's reference BLAS, 10-20x slower than OpenBLAS; a comparison against it
would flatter us. The self-description says which library is mapped, so the caller can refuse such a peer.
"""
import argparse
import gc
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ddpm_unet import AttnBlock, UNet  # noqa: E402

T_STEPS = 1000
OPTIMISED_BLAS = ("openblas", "mkl", "blis", "atlas")


def mapped_libraries(fragments):
    """Real paths of the shared libraries mapped into this process whose path contains one of the fragments."""
    found = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and any(s in parts[-1] for s in fragments):
                found.add(os.path.realpath(parts[-1]))
    return sorted(found)


def blas_kind(libraries):
    joined = " ".join(libraries).lower()
    for kind in OPTIMISED_BLAS:
        if kind in joined:
            return kind
    if "/blas/" in joined or "libblas" in joined:
        return "reference"  # netlib's libblas3, Debian's /usr/lib/<arch>/blas/
    return "none"


def linked_blas_kind(build_config):
    """The BLAS torch was built against, from torch.__config__.show(). pip's wheels link MKL into libtorch_cpu.so
    itself, so no MKL library is mapped, while numpy's own OpenBLAS, which torch does not call, may be."""
    match = re.search(r"BLAS_INFO=(\w+)", build_config)
    kind = match.group(1).lower() if match else "none"
    return kind if kind in OPTIMISED_BLAS else "none"


def describe(threads):
    torch.bmm(torch.ones(2, 8, 8), torch.ones(2, 8, 8))  # BLAS is used (and mapped) by now
    libs = mapped_libraries(["blas", "mkl", "blis", "atlas"])
    kind = linked_blas_kind(torch.__config__.show())
    if kind == "none":
        kind = blas_kind(libs)  # Debian's torch calls libblas.so.3, whichever library the alternatives map there
    return {"peer": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
            "requested_threads": threads, "blas_libraries": libs, "blas": kind,
            "blas_optimised": kind in OPTIMISED_BLAS,
            "onednn": torch.backends.mkldnn.is_available(),
            "glibc_tunables": os.environ.get("GLIBC_TUNABLES")}


def conv_case(mode, n, cin, cout, hw):
    conv = nn.Conv2d(cin, cout, 3, padding=1)
    x, gy = torch.randn(n, cin, hw, hw), torch.randn(n, cout, hw, hw)
    if mode == "fwd":
        return no_grad(conv, x)
    return forward_backward(conv, x, gy, input_grad=(mode == "fwd+bwd"))


def convs_case(mode, n, cin, cout, hw, kernel, stride):
    conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2)
    out = (hw + 2 * (kernel // 2) - kernel) // stride + 1
    x, gy = torch.randn(n, cin, hw, hw), torch.randn(n, cout, out, out)
    if mode == "fwd":
        return no_grad(conv, x)
    return forward_backward(conv, x, gy, input_grad=True)


def gn_case(mode, n, c, h, w):
    gn = nn.GroupNorm(32, c)
    x, gy = torch.randn(n, c, h, w), torch.randn(n, c, h, w)
    return no_grad(gn, x) if mode == "fwd" else forward_backward(gn, x, gy, True)


def attn_case(mode, b, c, h, w):
    block = AttnBlock(c)
    x, gy = torch.randn(b, c, h, w), torch.randn(b, c, h, w)
    return no_grad(block, x) if mode == "fwd" else forward_backward(block, x, gy, True)


def no_grad(module, *inputs):
    def call():
        with torch.no_grad():
            module(*inputs)
    return call


def forward_backward(module, x, gy, input_grad):
    x.requires_grad_(input_grad)
    params = list(module.parameters())

    def call():
        for p in params:
            p.grad = None
        x.grad = None
        module(x).backward(gy)
    return call


def unet_case(mode, channels, batch, image_channels=1, *mult):
    torch.manual_seed(0)
    model = UNet(in_ch=image_channels, ch=channels, mult=mult or (1, 2, 2))
    shape = (batch, image_channels, 32, 32)
    abar = torch.cumprod(1.0 - torch.linspace(1e-4, 0.02, T_STEPS, dtype=torch.float64), 0).float()
    if mode == "fwd(no_grad)":
        model.eval()
        xt, t = torch.randn(shape), torch.full((batch,), 500, dtype=torch.long)
        return no_grad(model, xt, t)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    x0 = torch.randn(shape)  # stands in for the images, as on the Java side

    def step():  # DDPM Algorithm 1: x_t = sqrt(abar) x0 + sqrt(1 - abar) eps, MSE to eps, Adam
        t = torch.randint(0, T_STEPS, (batch,))
        noise = torch.randn_like(x0)
        a = abar[t].view(batch, 1, 1, 1)
        loss = F.mse_loss(model(a.sqrt() * x0 + (1 - a).sqrt() * noise, t), noise)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def sample_case(mode, channels, batch, steps):
    """DDPM Algorithm 2 with x0-hat clipped to [-1, 1] and sigma_t^2 = beta_t, as ddpm4j's Sampler by default; the
    schedule is DDPM's linear one stretched to `steps` (beta from 1e-4 to 0.02 at T = 1000, times 1000/T)."""
    torch.manual_seed(0)
    model = UNet(ch=channels).eval()
    scale = 1000.0 / steps
    betas = torch.linspace(1e-4 * scale, min(0.02 * scale, 0.999), steps, dtype=torch.float64)
    abar = torch.cumprod(1 - betas, 0)
    abar_prev = torch.cat([torch.ones(1, dtype=torch.float64), abar[:-1]])
    coef_x0 = (betas * abar_prev.sqrt() / (1 - abar)).tolist()
    coef_xt = ((1 - abar_prev) * (1 - betas).sqrt() / (1 - abar)).tolist()
    posterior_var = betas * (1 - abar_prev) / (1 - abar)
    sigma = [math.sqrt(posterior_var[1].item())] + betas[1:].sqrt().tolist()  # beta-tilde_1 at t = 0, as DDPM
    recip, recip_m1 = (1 / abar).sqrt().tolist(), (1 / abar - 1).sqrt().tolist()

    def call():
        with torch.no_grad():
            x = torch.randn(batch, 1, 32, 32)
            for t in reversed(range(steps)):
                eps = model(x, torch.full((batch,), t, dtype=torch.long))
                x0 = (recip[t] * x - recip_m1[t] * eps).clamp(-1, 1)
                x = coef_x0[t] * x0 + coef_xt[t] * x
                if t > 0:
                    x = x + sigma[t] * torch.randn_like(x)
    return call


CASES = {"conv": conv_case, "convs": convs_case, "gn": gn_case, "attn": attn_case, "unet": unet_case, "sample": sample_case}


def timed(call, calls):
    gc.collect()
    gc.disable()
    try:
        out = []
        for _ in range(calls):
            t0 = time.perf_counter()
            call()
            out.append((time.perf_counter() - t0) * 1e3)
        return out
    finally:
        gc.enable()


def status_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no %s in /proc/self/status" % field)


def peak_rss_growth(section, mode, dims, calls):
    """Peak RSS while the case is built and run `calls` times, over the RSS before (writing 5 to clear_refs resets
    the kernel's peak, VmHWM, to the current RSS)."""
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    baseline = status_mb("VmRSS")
    call = CASES[section](mode, *dims)
    for _ in range(calls):
        call()
    peak = status_mb("VmHWM")
    del call
    gc.collect()
    return {"baseline_mb": baseline, "peak_mb": peak, "growth_mb": peak - baseline}


def serve(threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    print(json.dumps(describe(threads)), flush=True)
    call = None
    for line in sys.stdin:
        request = json.loads(line)
        op = request.get("op")
        try:
            if op == "setup":
                call = None
                gc.collect()
                call = CASES[request["section"]](request["mode"], *request["dims"])
                reply = {"ok": True}
            elif op == "time":
                reply = {"ms": timed(call, int(request["calls"]))}
            elif op == "memory":
                call = None
                reply = peak_rss_growth(request["section"], request["mode"], request["dims"], int(request["calls"]))
            elif op == "quit":
                return
            else:
                reply = {"error": "unknown op %r" % op}
        except Exception as e:  # the caller shows the peer's error and stops
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(reply), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, required=True, help="intra-op threads (set OMP_NUM_THREADS alike)")
    ap.add_argument("--describe", action="store_true", help="print the self-description and exit")
    args = ap.parse_args()
    if args.describe:
        torch.set_num_threads(args.threads)
        print(json.dumps(describe(args.threads), indent=1))
        return
    serve(args.threads)


if __name__ == "__main__":
    main()
