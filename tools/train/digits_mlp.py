#!/usr/bin/python3
"""digits_mlp: sklearn digits, graded currents pixel/16 at every step, T = 8,
Affine(64->128) -> LIF -> Affine(128->10) -> LIF, readout = spike counts.

Writes workloads/trained/digits_mlp.nir, digits_mlp_input.npy [N, T, 64] (float16: pixel/16 is
exact), digits_mlp_labels.npy [N] int64, digits_mlp.json (conventions, torch accuracy).
Rerun: /usr/bin/python3 tools/train/digits_mlp.py   (about 30 s on 2 cores)
"""

import os

import numpy as np
import torch

import snn_common as C

T = 8
HIDDEN = 128


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(64, HIDDEN)
        self.lif1 = C.LIF((HIDDEN,))
        self.fc2 = torch.nn.Linear(HIDDEN, 10)
        self.lif2 = C.LIF((10,))


def run(m, x):
    """x [B, T, 64] -> spike counts [B, 10]."""
    b = x.shape[0]
    v1 = torch.zeros(b, HIDDEN)
    v2 = torch.zeros(b, 10)
    counts = 0
    for t in range(x.shape[1]):
        s1, v1 = m.lif1(m.fc1(x[:, t]), v1)
        s2, v2 = m.lif2(m.fc2(s1), v2)
        counts = counts + s2
    return counts


def main():
    C.setup(0)
    xtr, xte, ytr, yte = C.digits_split()
    seq = lambda x: torch.from_numpy(np.repeat(x.reshape(len(x), 1, 64), T, axis=1))
    Xtr, Xte = seq(xtr), seq(xte)
    Ytr, Yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    m = Net()
    C.train_loop(m, run, Xtr, Ytr, epochs=40, lr=3e-3)
    acc, counts = C.evaluate(m, run, Xte, Yte)
    print(f"torch float test accuracy {acc:.4f} ({len(yte)} samples)")

    nodes = {
        "input": C.io("Input", [64]),
        "fc1": C.affine(m.fc1.weight.detach(), m.fc1.bias.detach()),
        "lif1": C.lif_params(m.lif1.beta().detach().numpy(), (HIDDEN,)),
        "fc2": C.affine(m.fc2.weight.detach(), m.fc2.bias.detach()),
        "lif2": C.lif_params(m.lif2.beta().detach().numpy(), (10,)),
        "output": C.io("Output", [10]),
    }
    edges = [("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "lif2"),
             ("lif2", "output")]
    d = C.out_dir()
    C.write_nir(os.path.join(d, "digits_mlp.nir"), C.graph(nodes, edges))
    C.write_npy(os.path.join(d, "digits_mlp_input.npy"), Xte.numpy().astype(np.float16))
    C.write_npy(os.path.join(d, "digits_mlp_labels.npy"), yte.astype(np.int64))
    C.write_json(os.path.join(d, "digits_mlp.json"), {
        "network": "Affine(64,128) -> LIF -> Affine(128,10) -> LIF",
        "data": "sklearn load_digits, stratified 70/30 split (random_state 0), test set",
        "input": "pixel/16 presented at every step, [N, T, 64] float16 (exact)",
        "timesteps": T,
        "samples": int(len(yte)),
        "conventions": C.conventions(input_frac_bits=4),
        "accuracy_torch": acc,
        "predictions_torch": C.argmax_lowest(counts).tolist(),
    })


if __name__ == "__main__":
    main()
