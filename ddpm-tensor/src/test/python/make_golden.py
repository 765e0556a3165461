#!/usr/bin/python3
"""Writes the PyTorch golden files the engine's tests compare against (ddpm-tensor/src/test/resources/golden).

Run with Debian's PyTorch (apt-get install python3-torch):  /usr/bin/python3 make_golden.py
Each file is JSON: {"meta": {...}, "tensors": {name: {"shape": [...], "data": [...]}}}; every tensor is float32
(values written exactly, as the shortest decimal of the float32 value). Inputs are stored too, so the Java tests
never need PyTorch. Shapes are small on purpose: the files are committed.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")


def t2j(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def write(name, meta, tensors):
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump({"meta": meta, "tensors": {k: t2j(v) for k, v in tensors.items()}}, f, separators=(",", ":"))
    print("wrote", os.path.relpath(path), os.path.getsize(path), "bytes")


def conv_case(name, n, cin, cout, hw, k, stride, pad):
    x = torch.randn(n, cin, hw, hw, requires_grad=True)
    w = (torch.randn(cout, cin, k, k) * 0.5).requires_grad_()
    b = torch.randn(cout, requires_grad=True)
    y = F.conv2d(x, w, b, stride=stride, padding=pad)
    dy = torch.randn_like(y)
    y.backward(dy)
    write(name, {"kernel": k, "stride": stride, "padding": pad},
          {"x": x, "w": w, "b": b, "y": y, "dy": dy, "dx": x.grad, "dw": w.grad, "db": b.grad})


def group_norm_case():
    x = (torch.randn(2, 8, 5, 5) * 2 + 1).requires_grad_()
    gamma = torch.randn(8, requires_grad=True)
    beta = torch.randn(8, requires_grad=True)
    y = F.group_norm(x, 4, gamma, beta, eps=1e-5)
    dy = torch.randn_like(y)
    y.backward(dy)
    write("group_norm", {"groups": 4, "eps": 1e-5},
          {"x": x, "gamma": gamma, "beta": beta, "y": y, "dy": dy, "dx": x.grad, "dgamma": gamma.grad,
           "dbeta": beta.grad})


def attention_case():
    # The DDPM attention core as in ddpm4j's PyTorch U-Net (ddpm-bench/src/main/python/ddpm_unet.py):
    # q, k, v = the three channel blocks of qkv; w = softmax(qᵀk·C^-1/2); h = v·wᵀ.
    b, c, t = 2, 8, 12
    qkv = torch.randn(b, 3 * c, t, requires_grad=True)
    q, k, v = qkv[:, :c], qkv[:, c:2 * c], qkv[:, 2 * c:]
    w = F.softmax(torch.bmm(q.transpose(1, 2), k) * (c ** -0.5), dim=-1)
    h = torch.bmm(v, w.transpose(1, 2))
    dh = torch.randn_like(h)
    h.backward(dh)
    write("attention", {}, {"qkv": qkv, "probs": w, "out": h, "dout": dh, "dqkv": qkv.grad})


def small_ops_case():
    x = torch.randn(3, 5, 4, 6, requires_grad=True)
    y = F.silu(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    up_x = torch.randn(2, 3, 4, 5, requires_grad=True)
    up = F.interpolate(up_x, scale_factor=2, mode="nearest")
    dup = torch.randn_like(up)
    up.backward(dup)
    lx = torch.randn(4, 7, requires_grad=True)
    lw = torch.randn(5, 7, requires_grad=True)
    lb = torch.randn(5, requires_grad=True)
    ly = F.linear(lx, lw, lb)
    dly = torch.randn_like(ly)
    ly.backward(dly)
    write("small_ops", {}, {
        "silu_x": x, "silu_y": y, "silu_dy": dy, "silu_dx": x.grad,
        "up_x": up_x, "up_y": up, "up_dy": dup, "up_dx": up_x.grad,
        "lin_x": lx, "lin_w": lw, "lin_b": lb, "lin_y": ly, "lin_dy": dly, "lin_dx": lx.grad, "lin_dw": lw.grad,
        "lin_db": lb.grad})


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(1234)
    conv_case("conv_k3_s1", 2, 3, 4, 6, 3, 1, 1)
    conv_case("conv_k3_s2", 2, 3, 4, 7, 3, 2, 1)
    conv_case("conv_k1_s1", 2, 5, 3, 5, 1, 1, 0)
    group_norm_case()
    attention_case()
    small_ops_case()


if __name__ == "__main__":
    main()
