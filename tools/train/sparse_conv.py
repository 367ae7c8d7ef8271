#!/usr/bin/python3
"""sparse_conv: a submanifold-style sparse conv SNN on generated outline spikes.

Data: SIZE x SIZE binary frames (default 16x16; --size 32 for a bigger, uncommitted variant) of
one randomly placed, scaled and rotated shape -- circle, square, triangle, cross (the class) --
of which only the outline pixels are set. Each of the T = 8 steps jitters the whole outline by
-1..1 pixel in x and y, drops each outline pixel with probability 0.25 and adds a noise pixel
with probability 0.5: spike frames [N, T, 1, SIZE, SIZE].

Network (spikes in, spikes between layers):
  Conv2d(1,8,3,p1) -> LIF -> Conv2d(8,16,3,p1) -> LIF -> Conv2d(16,32,3,s2,p1) -> LIF
  -> Conv2d(32,32,3,p1) -> LIF -> Flatten -> Affine(32*(SIZE/2)^2, 4) -> LIF.
Trained with dense convs, but every conv output (bias included) is multiplied by the active-site
mask that spikechip's sparse convolution keeps (docs/execution-model.md, "Sparse convolution"):
the input's active set is the sticky occupancy (a site is active from the first step any channel
is non-zero); a stride-1 (submanifold) conv keeps its input's set; the strided conv marks an
output site active when any site of its 3x3 window is (a 3x3/2 max-pool of the set, padding not
counted). Neurons at inactive sites then get no input and no bias and stay at v = 0, as the
chip's gated layers do. The plain NIR Conv2d nodes run as sparse conv with --conv-mode sparse.

Writes workloads/trained/sparse_conv.nir, sparse_conv_input.npy [N, T, 1, S, S] uint8,
sparse_conv_labels.npy, sparse_conv.json.
Rerun: /usr/bin/python3 tools/train/sparse_conv.py [--size 32 --out DIR]
"""

import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F

import snn_common as C

T = 8
CLASSES = ["circle", "square", "triangle", "cross"]


def outline(kind, cx, cy, r, rot, size):
    """Pixels (y, x) of a shape outline, unique, clipped to the frame."""
    pts = []

    def seg(a, b):
        n = int(np.ceil(np.hypot(b[0] - a[0], b[1] - a[1]) * 3)) + 1
        for u in np.linspace(0, 1, n):
            pts.append((a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1])))

    def poly(k):
        ang = rot + np.arange(k) * 2 * np.pi / k
        vs = [(cx + r * np.cos(a), cy + r * np.sin(a)) for a in ang]
        for i in range(k):
            seg(vs[i], vs[(i + 1) % k])

    if kind == 0:  # circle
        for a in np.linspace(0, 2 * np.pi, int(2 * np.pi * r * 3) + 8, endpoint=False):
            pts.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    elif kind == 1:  # square
        poly(4)
    elif kind == 2:  # triangle
        poly(3)
    else:  # cross: two strokes through the centre
        for a in (rot, rot + np.pi / 2):
            d = (r * np.cos(a), r * np.sin(a))
            seg((cx - d[0], cy - d[1]), (cx + d[0], cy + d[1]))
    p = np.rint(np.array(pts)).astype(int)
    ok = (p[:, 0] >= 0) & (p[:, 0] < size) & (p[:, 1] >= 0) & (p[:, 1] < size)
    p = np.unique(p[ok], axis=0)
    return p[:, 1], p[:, 0]  # y, x


def make_data(n, size, seed):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, T, 1, size, size), np.uint8)
    y = np.arange(n) % len(CLASSES)
    rng.shuffle(y)
    s = size / 16.0
    for i in range(n):
        r = rng.uniform(3.0, 6.0) * s
        cx, cy = rng.uniform(r + 1, size - 2 - r, 2)
        rot = rng.uniform(0, 2 * np.pi)
        py, px = outline(int(y[i]), cx, cy, r, rot, size)
        for t in range(T):
            dy, dx = rng.integers(-1, 2, 2)
            keep = rng.random(len(py)) >= 0.25
            yy = np.clip(py[keep] + dy, 0, size - 1)
            xx = np.clip(px[keep] + dx, 0, size - 1)
            x[i, t, 0, yy, xx] = 1
            if rng.random() < 0.5:
                x[i, t, 0, rng.integers(size), rng.integers(size)] = 1
    return x, y.astype(np.int64)


class Net(torch.nn.Module):
    def __init__(self, size):
        super().__init__()
        self.size = size
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.conv3 = torch.nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.conv4 = torch.nn.Conv2d(32, 32, 3, padding=1)
        self.lif1 = C.LIF((8, 1, 1))
        self.lif2 = C.LIF((16, 1, 1))
        self.lif3 = C.LIF((32, 1, 1))
        self.lif4 = C.LIF((32, 1, 1))
        h = size // 2
        self.fc = torch.nn.Linear(32 * h * h, len(CLASSES))
        self.lif5 = C.LIF((len(CLASSES),))


def run(m, x, stats=None):
    """x [B, T, 1, S, S] spikes -> spike counts [B, classes]."""
    b, S, h = x.shape[0], m.size, m.size // 2
    v1, v2 = torch.zeros(b, 8, S, S), torch.zeros(b, 16, S, S)
    v3, v4 = torch.zeros(b, 32, h, h), torch.zeros(b, 32, h, h)
    v5 = torch.zeros(b, len(CLASSES))
    occ = torch.zeros(b, 1, S, S)
    counts = 0
    for t in range(x.shape[1]):
        xt = x[:, t]
        occ = torch.maximum(occ, (xt.sum(1, keepdim=True) > 0).to(xt.dtype))  # sticky
        m_half = F.max_pool2d(occ, 3, stride=2, padding=1)  # strided conv's window rule
        s1, v1 = m.lif1(m.conv1(xt) * occ, v1)  # submanifold: the input's set
        s2, v2 = m.lif2(m.conv2(s1) * occ, v2)
        s3, v3 = m.lif3(m.conv3(s2) * m_half, v3)  # strided
        s4, v4 = m.lif4(m.conv4(s3) * m_half, v4)  # submanifold on the strided set
        s5, v5 = m.lif5(m.fc(s4.flatten(1)), v5)
        counts = counts + s5
        if stats is not None:
            for k, s in enumerate((xt, s1, s2, s3, s4, s5)):
                stats[k] = stats.get(k, 0.0) + float(s.sum())
            stats["active_in"] = stats.get("active_in", 0.0) + float(occ.sum())
            stats["active_half"] = stats.get("active_half", 0.0) + float(m_half.sum())
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=16)
    ap.add_argument("--train", type=int, default=3000)
    ap.add_argument("--test", type=int, default=500)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--out", default=None, help="output folder (default workloads/trained)")
    a = ap.parse_args()
    C.setup(0)
    xtr, ytr = make_data(a.train, a.size, seed=1)
    xte, yte = make_data(a.test, a.size, seed=2)
    print(f"input density {xte.mean():.4f} (spikes per frame {xte.sum((2, 3, 4)).mean():.1f})")
    Xtr, Xte = torch.from_numpy(xtr).float(), torch.from_numpy(xte).float()
    Ytr, Yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    m = Net(a.size)
    C.train_loop(m, run, Xtr, Ytr, epochs=a.epochs, lr=3e-3)
    acc, counts = C.evaluate(m, run, Xte, Yte)
    stats = {}
    with torch.no_grad():
        run(m, Xte, stats)
    n = a.test * T
    rates = {name: round(stats[k] / n, 1) for k, name in
             enumerate(["input", "lif1", "lif2", "lif3", "lif4", "lif5"])}
    print(f"torch float test accuracy {acc:.4f} ({a.test} samples); spikes per step {rates}; "
          f"active sites per step: input {stats['active_in'] / n:.1f}, strided "
          f"{stats['active_half'] / n:.1f}")

    S, h = a.size, a.size // 2
    beta = lambda lif: lif.beta().detach().numpy()
    nodes = {
        "input": C.io("Input", [1, S, S]),
        "conv1": C.conv2d(m.conv1, (S, S)),
        "lif1": C.lif_params(beta(m.lif1), (8, S, S)),
        "conv2": C.conv2d(m.conv2, (S, S)),
        "lif2": C.lif_params(beta(m.lif2), (16, S, S)),
        "conv3": C.conv2d(m.conv3, (S, S)),
        "lif3": C.lif_params(beta(m.lif3), (32, h, h)),
        "conv4": C.conv2d(m.conv4, (h, h)),
        "lif4": C.lif_params(beta(m.lif4), (32, h, h)),
        "flatten": C.flatten([32, h, h]),
        "fc": C.affine(m.fc.weight.detach(), m.fc.bias.detach()),
        "lif5": C.lif_params(beta(m.lif5), (len(CLASSES),)),
        "output": C.io("Output", [len(CLASSES)]),
    }
    chain = ["input", "conv1", "lif1", "conv2", "lif2", "conv3", "lif3", "conv4", "lif4",
             "flatten", "fc", "lif5", "output"]
    edges = list(zip(chain[:-1], chain[1:]))
    d = a.out or C.out_dir()
    os.makedirs(d, exist_ok=True)
    C.write_nir(os.path.join(d, "sparse_conv.nir"), C.graph(nodes, edges))
    C.write_npy(os.path.join(d, "sparse_conv_input.npy"), xte)
    C.write_npy(os.path.join(d, "sparse_conv_labels.npy"), yte)
    C.write_json(os.path.join(d, "sparse_conv.json"), {
        "network": "Conv2d(1,8,3,p1) -> LIF -> Conv2d(8,16,3,p1) -> LIF -> Conv2d(16,32,3,s2,p1)"
                   f" -> LIF -> Conv2d(32,32,3,p1) -> LIF -> Flatten -> Affine({32 * h * h},4)"
                   " -> LIF",
        "data": f"generated outlines {S}x{S} ({', '.join(CLASSES)}), jittered per step; "
                f"train {a.train} (seed 1), test {a.test} (seed 2)",
        "input": f"spike frames [N, T, 1, {S}, {S}] uint8",
        "timesteps": T,
        "samples": a.test,
        "spikes_per_step": rates,
        "conventions": C.conventions(
            input_frac_bits=0, conv_mode="sparse",
            masking="conv outputs x active-site mask (sticky input occupancy; strided conv: "
                    "3x3/2 window of it)"),
        "accuracy_torch": acc,
        "predictions_torch": C.argmax_lowest(counts).tolist(),
    })


if __name__ == "__main__":
    main()
