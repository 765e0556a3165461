"""Compares the loss curves of `./ddpm train --loss-log` runs made with Winograd and with direct 3x3 convolutions.

Run from this folder: python3 compare.py. For each seed it prints how far the Winograd run's per-step loss is from
the direct run's (same seed: same batches, timesteps and noise), beside how far two seeds of the same algorithm are
apart (run-to-run noise).
"""
import statistics


def load(name):
    with open(name) as f:
        return [float(line.split(",")[1]) for line in f]


runs = {(algo, seed): load(f"loss-{algo}-seed{seed}.csv") for algo in ("winograd", "direct") for seed in (0, 1)}
for (algo, seed), losses in sorted(runs.items()):
    print(f"{algo:8s} seed {seed}: {len(losses)} steps, mean loss of steps 101-200 {statistics.mean(losses[100:]):.6f}")
for seed in (0, 1):
    diffs = [abs(a - b) for a, b in zip(runs["winograd", seed], runs["direct", seed])]
    print(f"seed {seed}, Winograd vs direct: largest |loss difference| {max(diffs):.2e}, mean {statistics.mean(diffs):.2e}")
for algo in ("winograd", "direct"):
    diffs = [abs(a - b) for a, b in zip(runs[algo, 0], runs[algo, 1])]
    print(f"{algo}, seed 0 vs seed 1 (run-to-run noise): largest {max(diffs):.2e}, mean {statistics.mean(diffs):.2e}")
