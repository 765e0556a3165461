#!/usr/bin/python3
"""Shows that Python reads ddpm4j checkpoints with nothing but struct, json and numpy (safetensors layout).

    /usr/bin/python3 read_checkpoint.py CHECKPOINT.safetensors [--torch]

Prints the metadata and every tensor's name, shape and first values; with --torch, also loads the model weights
(names without the ema./adam. prefixes) into a dict of torch tensors, ready for model.load_state_dict().
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
    return meta, tensors


def main():
    meta, tensors = read_safetensors(sys.argv[1])
    print("metadata:", json.dumps(meta, indent=1))
    for name, t in tensors.items():
        print("%-40s %-18s %s" % (name, list(t.shape), np.array2string(t.reshape(-1)[:3], precision=4)))
    if "--torch" in sys.argv:
        import torch
        state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()
                 if not k.startswith(("ema.", "adam."))}
        print("torch state dict with", len(state), "tensors,", sum(v.numel() for v in state.values()), "values")


if __name__ == "__main__":
    main()
