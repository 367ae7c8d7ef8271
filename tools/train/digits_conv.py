#!/usr/bin/python3
"""digits_conv: sklearn digits as 1x8x8 images (pixel/16 at every step, T = 8),
Conv2d(1,8,3,p1) -> LIF -> Conv2d(8,16,3,s2,p1) -> LIF -> Flatten -> Affine(256,10) -> LIF.

Writes workloads/trained/digits_conv.nir, digits_conv_input.npy [N, T, 1, 8, 8] float16,
digits_conv_labels.npy [N] int64, digits_conv.json.
Rerun: /usr/bin/python3 tools/train/digits_conv.py   (about a minute on 2 cores)
"""

import os

import numpy as np
import torch

import snn_common as C

T = 8


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.lif1 = C.LIF((8, 1, 1))  # one beta per channel
        self.conv2 = torch.nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.lif2 = C.LIF((16, 1, 1))
        self.fc = torch.nn.Linear(16 * 4 * 4, 10)
        self.lif3 = C.LIF((10,))


def run(m, x):
    """x [B, T, 1, 8, 8] -> spike counts [B, 10]."""
    b = x.shape[0]
    v1 = torch.zeros(b, 8, 8, 8)
    v2 = torch.zeros(b, 16, 4, 4)
    v3 = torch.zeros(b, 10)
    counts = 0
    for t in range(x.shape[1]):
        s1, v1 = m.lif1(m.conv1(x[:, t]), v1)
        s2, v2 = m.lif2(m.conv2(s1), v2)
        s3, v3 = m.lif3(m.fc(s2.flatten(1)), v3)
        counts = counts + s3
    return counts


def main():
    C.setup(0)
    xtr, xte, ytr, yte = C.digits_split()
    seq = lambda x: torch.from_numpy(np.repeat(x.reshape(len(x), 1, 1, 8, 8), T, axis=1))
    Xtr, Xte = seq(xtr), seq(xte)
    Ytr, Yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    m = Net()
    C.train_loop(m, run, Xtr, Ytr, epochs=15, lr=5e-3)
    acc, counts = C.evaluate(m, run, Xte, Yte)
    print(f"torch float test accuracy {acc:.4f} ({len(yte)} samples)")

    beta = lambda lif: lif.beta().detach().numpy()
    nodes = {
        "input": C.io("Input", [1, 8, 8]),
        "conv1": C.conv2d(m.conv1, (8, 8)),
        "lif1": C.lif_params(beta(m.lif1), (8, 8, 8)),
        "conv2": C.conv2d(m.conv2, (8, 8)),
        "lif2": C.lif_params(beta(m.lif2), (16, 4, 4)),
        "flatten": C.flatten([16, 4, 4]),
        "fc": C.affine(m.fc.weight.detach(), m.fc.bias.detach()),
        "lif3": C.lif_params(beta(m.lif3), (10,)),
        "output": C.io("Output", [10]),
    }
    edges = [("input", "conv1"), ("conv1", "lif1"), ("lif1", "conv2"), ("conv2", "lif2"),
             ("lif2", "flatten"), ("flatten", "fc"), ("fc", "lif3"), ("lif3", "output")]
    d = C.out_dir()
    C.write_nir(os.path.join(d, "digits_conv.nir"), C.graph(nodes, edges))
    C.write_npy(os.path.join(d, "digits_conv_input.npy"), Xte.numpy().astype(np.float16))
    C.write_npy(os.path.join(d, "digits_conv_labels.npy"), yte.astype(np.int64))
    C.write_json(os.path.join(d, "digits_conv.json"), {
        "network": "Conv2d(1,8,3,p1) -> LIF -> Conv2d(8,16,3,s2,p1) -> LIF -> Flatten -> "
                   "Affine(256,10) -> LIF",
        "data": "sklearn load_digits, stratified 70/30 split (random_state 0), test set",
        "input": "pixel/16 presented at every step, [N, T, 1, 8, 8] float16 (exact)",
        "timesteps": T,
        "samples": int(len(yte)),
        "conventions": C.conventions(input_frac_bits=4),
        "accuracy_torch": acc,
        "predictions_torch": C.argmax_lowest(counts).tolist(),
    })


if __name__ == "__main__":
    main()
