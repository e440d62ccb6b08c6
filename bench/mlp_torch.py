"""PyTorch's side of bench/mlp.ts: the same 784-128-10 MLP in float64 on one thread.

Reads one JSON object on stdin: {"x", "y", "W1", "b1", "W2", "b2"} (nested lists, the numbers
bench/mlp.ts gives the engine), "warmup" and "reps". Times, as bench/mlp.ts times its variants
(untimed warm-up runs, then rounds alternating the variants, a full GC before each timed run:
bench/torch_timing.py):
- "torch": forward + backward on tensors built beforehand (the engine's counterpart);
- "torch whole call": torch.tensor(list) of every input, forward + backward, then .tolist() of
  every gradient (the library call's counterpart: nested lists in, nested lists out).
Writes one JSON object on stdout: the milliseconds of each timed run by variant, the torch
version, the loss and dL/db2 (for bench/mlp.ts to check against the engine's).
"""

import json
import sys

import torch
from torch_timing import time_variants

torch.set_num_threads(1)
F = torch.nn.functional


def loss_of(x, y, w1, c1, w2, c2):
    """mean over the batch of -sum(y * log_softmax(logits)), the engine's softmax_cross_entropy."""
    h = F.relu(F.linear(x, w1, c1))
    return -(y * F.log_softmax(F.linear(h, w2, c2), dim=1)).sum(dim=1).mean()


def main():
    spec = json.load(sys.stdin)
    names = ["x", "W1", "b1", "W2", "b2"]

    def leaves():
        return [torch.tensor(spec[n], dtype=torch.float64, requires_grad=True) for n in names]

    y_built = torch.tensor(spec["y"], dtype=torch.float64)
    built = leaves()

    def prebuilt():
        for t in built:
            t.grad = None
        loss = loss_of(built[0], y_built, *built[1:])
        loss.backward()
        return loss

    def whole_call():
        ts = leaves()
        y = torch.tensor(spec["y"], dtype=torch.float64)
        loss = loss_of(ts[0], y, *ts[1:])
        loss.backward()
        return loss.item(), [t.grad.tolist() for t in ts]

    variants = {"torch": prebuilt, "torch whole call": whole_call}
    ms = time_variants(variants, spec["warmup"], spec["reps"])

    loss, grads = whole_call()
    json.dump({"version": torch.__version__, "threads": torch.get_num_threads(), "ms": ms, "loss": loss, "db2": grads[4]}, sys.stdout)


main()
