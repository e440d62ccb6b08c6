"""PyTorch's side of bench/lenet.ts: the same LeNet-like CNN in float64 on one thread.

Reads one JSON object on stdin: "x" [N,1,28,28], "y" [N,10] one-hot, the params "W1" [6,1,5,5],
"b1", "W2" [16,6,5,5], "b2", "W3" [120,256], "b3", "W4" [84,120], "b4", "W5" [10,84], "b5"
(nested lists, the numbers bench/lenet.ts gives the engine), "warmup" and "reps". Times, as
bench/lenet.ts times its variants (untimed warm-up runs, then rounds alternating the variants, a
full GC before each timed run, bench/torch_timing.py):
- "torch": forward + backward on tensors built beforehand (the engine's counterpart);
- "torch whole call": torch.tensor(list) of every input, forward + backward, then .tolist() of
  every param's gradient and the loss (the library call with include's counterpart).
Writes one JSON object on stdout: the milliseconds of each timed run by variant, the torch
version and thread count, the loss and dL/db5 (for bench/lenet.ts to check against the engine's).
"""

import json
import sys

import torch
from torch_timing import time_variants

torch.set_num_threads(1)
F = torch.nn.functional
PARAMS = ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4", "W5", "b5"]


def loss_of(x, y, W1, b1, W2, b2, W3, b3, W4, b4, W5, b5):
    """conv 1->6 5x5, relu, max pool 2; conv 6->16 5x5, relu, max pool 2; flatten; dense 256-120-84-10; softmax cross-entropy."""
    h = F.max_pool2d(F.relu(F.conv2d(x, W1, b1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, W2, b2)), 2)
    h = torch.flatten(h, 1)
    h = F.relu(F.linear(h, W3, b3))
    h = F.relu(F.linear(h, W4, b4))
    return -(y * F.log_softmax(F.linear(h, W5, b5), dim=1)).sum(dim=1).mean()


def main():
    spec = json.load(sys.stdin)

    def leaves():
        return [torch.tensor(spec[n], dtype=torch.float64, requires_grad=True) for n in PARAMS]

    x_built = torch.tensor(spec["x"], dtype=torch.float64)
    y_built = torch.tensor(spec["y"], dtype=torch.float64)
    built = leaves()

    def prebuilt():
        for t in built:
            t.grad = None
        loss = loss_of(x_built, y_built, *built)
        loss.backward()
        return loss

    def whole_call():
        ps = leaves()
        x = torch.tensor(spec["x"], dtype=torch.float64)
        y = torch.tensor(spec["y"], dtype=torch.float64)
        loss = loss_of(x, y, *ps)
        loss.backward()
        return loss.item(), [t.grad.tolist() for t in ps]

    variants = {"torch": prebuilt, "torch whole call": whole_call}
    ms = time_variants(variants, spec["warmup"], spec["reps"])

    loss, grads = whole_call()
    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "ms": ms, "loss": loss, "db5": grads[9]}
    json.dump(out, sys.stdout)


main()
