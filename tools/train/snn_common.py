"""Shared pieces of the training scripts in tools/train/: determinism, LIF dynamics with a
surrogate gradient, digits data, evaluation and a NIR writer (h5py) that lays files out as
NIR's Python writer does for snnTorch exports (../../../shared/NIR.md §1, §3).

Neuron model (one step, per neuron; what `spikechip --dt 1e-4 --spike-compare ge` computes for
a LIF node written with tau = dt/(1-beta), r = tau/dt, v_leak = 0, v_reset = 0):

    v <- beta * v + I          # I = W x + b of this step (same-step propagation)
    s  = (v >= threshold)      # SpikingJelly-style 'ge'
    v <- 0 where s             # reset to v_reset = 0

Forward Euler of tau dv/dt = (v_leak - v) + r I at dt gives v <- (1 - dt/tau) v + (dt r/tau) I,
i.e. exactly the update above with beta = 1 - dt/tau and r = tau/dt.
"""

import json
import os
import random

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch starts OpenMP

import h5py
import numpy as np
import torch

DT = 1e-4  # snnTorch's hard-coded export time step (NIR.md §3)
NIR_VERSION = "1.0.7"


# Threads: 1 by default (SNN_THREADS=2 for two). These tensors are tiny; on the shared 2-core
# machine under load a second OpenMP thread made conv training 7-40x slower. A fixed thread
# count keeps reruns bit-identical.
THREADS = int(os.environ.get("SNN_THREADS", "1"))


def setup(seed=0):
    """Fixed seeds, CPU only, THREADS threads."""
    torch.set_num_threads(THREADS)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    try:
        torch.use_deterministic_algorithms(True)
    except Exception:  # older torch
        pass


# ----------------------------------------------------------------------------- dynamics


class SpikeGE(torch.autograd.Function):
    """Heaviside(x >= 0) forward, arctan surrogate backward (snnTorch's ATan, alpha = 2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        alpha = 2.0
        return g * (alpha / 2) / (1 + (np.pi / 2 * alpha * x) ** 2)


spike_ge = SpikeGE.apply


class LIF(torch.nn.Module):
    """Leaky neurons, reset to zero, spike on v >= threshold. `beta` is learned through a
    logit, one value per entry of `param_shape` (broadcast over the layer's shape)."""

    def __init__(self, param_shape, beta=0.9, threshold=1.0, learn_beta=True):
        super().__init__()
        logit = float(np.log(beta / (1 - beta)))
        p = torch.full(param_shape, logit)
        self.beta_logit = torch.nn.Parameter(p, requires_grad=learn_beta)
        self.threshold = threshold

    def beta(self):
        return torch.sigmoid(self.beta_logit)

    def forward(self, current, v):
        v = self.beta() * v + current
        s = spike_ge(v - self.threshold)
        v = v * (1.0 - s.detach())  # reset to 0 (not differentiated, as snnTorch)
        return s, v


def argmax_lowest(counts):
    """Argmax with ties to the lowest index (what spikechip's host predicts)."""
    counts = np.asarray(counts)
    return np.argmax(counts, axis=1)  # numpy returns the first maximum


# ----------------------------------------------------------------------------- data


def digits_split(test_size=0.3, seed=0):
    """sklearn digits (8x8, 0..16) as pixel/16 (multiples of 1/16), stratified split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)  # [N, 8, 8]
    y = d.target.astype(np.int64)
    return train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)


def train_loop(model, run, xtr, ytr, epochs, lr, batch=64, seed=0, log=print, wd=0.0):
    """Adam on cross-entropy of the spike counts (the quantity spikechip's argmax reads)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    g = torch.Generator().manual_seed(seed)
    n = len(xtr)
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=g)
        tot, correct = 0.0, 0
        for i in range(0, n, batch):
            idx = perm[i : i + batch]
            xb, yb = xtr[idx], ytr[idx]
            counts = run(model, xb)
            loss = torch.nn.functional.cross_entropy(counts, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss) * len(idx)
            correct += int((counts.argmax(1) == yb).sum())
        sched.step()
        log(f"epoch {ep + 1:3d}  loss {tot / n:.4f}  train acc {correct / n:.4f}")


@torch.no_grad()
def evaluate(model, run, x, y, batch=256):
    model.eval()
    counts = torch.cat([run(model, x[i : i + batch]) for i in range(0, len(x), batch)])
    pred = argmax_lowest(counts.numpy())
    return float((pred == y.numpy()).mean()), counts.numpy()


# ----------------------------------------------------------------------------- NIR writer


def lif_params(beta, layer_shape, threshold=1.0, dt=DT):
    """LIF datasets as snnTorch's export writes them: tau = dt/(1-beta), r = tau/dt (float64,
    broadcast to the layer shape: one value per neuron, a conv layer's as (C, H, W)), and
    v_leak = 0, v_threshold, v_reset = 0 as rank-0 datasets (snnTorch's scalar threshold tensor;
    NIR.md §5.3: 0-d parameters are legal)."""
    b = np.broadcast_to(np.asarray(beta, dtype=np.float64), layer_shape).copy()
    tau = dt / (1.0 - b)
    return {
        "type": "LIF",
        "tau": tau,
        "r": tau / dt,
        "v_leak": np.float64(0.0),
        "v_threshold": np.float64(threshold),
        "v_reset": np.float64(0.0),
    }


def affine(weight, bias):
    return {"type": "Affine", "weight": np.asarray(weight, np.float32),
            "bias": np.asarray(bias, np.float32)}


def linear(weight):
    return {"type": "Linear", "weight": np.asarray(weight, np.float32)}


def conv2d(conv, input_hw):
    """A torch.nn.Conv2d as NIR Conv2d (int64 (2,) stride/padding/dilation, scalar groups)."""
    bias = conv.bias if conv.bias is not None else torch.zeros(conv.out_channels)
    return {
        "type": "Conv2d",
        "weight": conv.weight.detach().numpy().astype(np.float32),
        "bias": bias.detach().numpy().astype(np.float32),
        "stride": np.array(conv.stride, np.int64),
        "padding": np.array(conv.padding, np.int64),
        "dilation": np.array(conv.dilation, np.int64),
        "groups": np.int64(conv.groups),
        "input_shape": np.array(input_hw, np.int64),
    }


def flatten(input_type):
    return {"type": "Flatten", "start_dim": np.int64(0), "end_dim": np.int64(-1),
            "input_type": np.array(input_type, np.int64)}


def io(kind, shape):
    return {"type": kind, "shape": np.array(shape, np.int64)}


def graph(nodes, edges):
    return {"type": "NIRGraph", "nodes": nodes, "edges": edges}


_STR = h5py.string_dtype("utf-8")


def _write_graph(g, grp):
    grp.create_dataset("type", data="NIRGraph", dtype=_STR)
    nodes = grp.create_group("nodes")
    for name, node in g["nodes"].items():
        sub = nodes.create_group(name)
        if node["type"] == "NIRGraph":
            _write_graph(node, sub)
            continue
        for k, v in node.items():
            if isinstance(v, str):
                sub.create_dataset(k, data=v, dtype=_STR)
            else:
                v = np.asarray(v)
                sub.create_dataset(k, data=v, dtype=v.dtype)
    grp.create_dataset("edges", data=np.array(g["edges"], dtype=object), dtype=_STR)


def write_nir(path, g):
    """Write a graph dict (see graph()) as NIR's HDF5 layout, uncompressed, no attributes."""
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.create_dataset("version", data=NIR_VERSION, dtype=_STR)
        _write_graph(g, f.create_group("node"))
    os.replace(tmp, path)


def write_npy(path, arr):
    tmp = path + ".tmp.npy"
    np.save(tmp, arr)
    os.replace(tmp, path)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=False)
        f.write("\n")


def conventions(**extra):
    c = {
        "dt": DT,
        "discretisation": "euler",
        "lif_export": "tau = dt/(1-beta), r = tau/dt, v_leak = 0 (snnTorch)",
        "reset": "zero (v_reset = 0)",
        "spike_compare": "ge (v >= v_threshold)",
        "propagation": "same step (layer_sequential)",
        "readout": "argmax of output-layer spike counts over all steps, ties to the lowest index",
    }
    c.update(extra)
    return c


def out_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    d = os.path.normpath(os.path.join(here, "..", "..", "workloads", "trained"))
    os.makedirs(d, exist_ok=True)
    return d
