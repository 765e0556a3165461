#!/usr/bin/python3
"""Writes the model that pytorch_train.py trained as a ddpm4j checkpoint, so that the Java evaluator (`ddpm eval`,
`ddpm sample`, `ddpm quality`) measures PyTorch's weights exactly as it measures ddpm4j's:

    /usr/bin/python3 pytorch_export.py RUN_DIR/state.pt OUT.safetensors

The file holds the trained weights under the U-Net's parameter names (ddpm_unet.py uses ddpm4j's), the EMA weights
under `ema.`, and the metadata ddpm4j's loader reads: the format, the step, the EMA's update count, the model config
and the diffusion (DDPM's linear schedule, T = 1000, epsilon-prediction, fixed large variance, L_simple), the
configuration pytorch_train.py trains.
"""
import json
import struct
import sys

import torch

T_STEPS = 1000


def diffusion_metadata():
    """The diffusion entry as ddpm4j writes it (DiffusionMetadata.describe) for DDPM's linear schedule."""
    betas = [1e-4 + (0.02 - 1e-4) * t / (T_STEPS - 1) for t in range(T_STEPS)]
    return json.dumps({"kind": "gaussian", "schedule": {"name": "linear", "betas": betas}, "mean": "EPSILON",
                       "variance": "FIXED_LARGE", "variance_interpolation": 0.3, "loss": "SIMPLE",
                       "data": "IMAGES_8BIT"}, separators=(",", ":"))


def write_safetensors(path, tensors, metadata, half=False):
    """The safetensors format by hand (a JSON header, then raw little-endian data): float32, or float16 if half."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        data = (t.half() if half else t.float()).numpy().tobytes()
        header[name] = {"dtype": "F16" if half else "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for b in blobs:
            f.write(b)


def main():
    state_path, out = sys.argv[1], sys.argv[2]
    s = torch.load(state_path)
    model = s["model"]
    names = list(model.keys())
    tensors = dict(model)
    for name, e in zip(names, s["ema"]):
        tensors["ema." + name] = e
    config = {"imageChannels": 1, "channels": s["channels"], "channelMult": [1, 2, 2], "resBlocks": 2,
              "attentionResolutions": [16], "dropout": 0.1, "imageSize": 32, "numClasses": 0,
              "learnedVariance": False}
    meta = {"format": "ddpm4j-checkpoint-1", "step": str(s["step"]), "ema_decay": "0.9999",
            "ema_updates": str(s["step"]), "model_config": json.dumps(config, separators=(",", ":")),
            "diffusion": diffusion_metadata(), "trained_by": "pytorch_train.py (PyTorch " + torch.__version__ + ")"}
    write_safetensors(out, tensors, meta)
    print(f"wrote {out}: step {s['step']}, {len(names)} tensors and their EMA")


if __name__ == "__main__":
    main()
