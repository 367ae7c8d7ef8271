#!/usr/bin/python3
"""recurrent: a recurrent SNN on digits read row by row (step t gets row t: 8 graded currents
pixel/16), T = 8.

  Affine(8,64) -> RLeaky(64, all-to-all recurrent Linear(64,64)) -> Affine(64,10) -> LIF(10)

The recurrent layer is written as snnTorch writes RLeaky: a nested NIRGraph node `rlif` with
nodes {input, lif, w_rec, output} and edges input->lif, lif->w_rec, w_rec->lif, lif->output.
The recurrent input of step t is the layer's spikes of step t-1 (NIRTorch's and spikechip's
one-step delay on a cycle edge): v_t = beta v_{t-1} + W_in x_t + b + W_rec s_{t-1}.

Writes workloads/trained/recurrent.nir, recurrent_input.npy [N, T, 8] float16,
recurrent_labels.npy, recurrent.json.
Rerun: /usr/bin/python3 tools/train/recurrent.py   (about a minute on 2 cores)
"""

import os

import numpy as np
import torch

import snn_common as C

T = 8
HIDDEN = 64


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_in = torch.nn.Linear(8, HIDDEN)
        self.w_rec = torch.nn.Linear(HIDDEN, HIDDEN, bias=False)
        self.lif1 = C.LIF((HIDDEN,))
        self.fc_out = torch.nn.Linear(HIDDEN, 10)
        self.lif2 = C.LIF((10,))
        with torch.no_grad():
            self.w_rec.weight.mul_(0.5)


def run(m, x):
    """x [B, T, 8] -> spike counts [B, 10]."""
    b = x.shape[0]
    v1, s1 = torch.zeros(b, HIDDEN), torch.zeros(b, HIDDEN)
    v2 = torch.zeros(b, 10)
    counts = 0
    for t in range(x.shape[1]):
        s1, v1 = m.lif1(m.fc_in(x[:, t]) + m.w_rec(s1), v1)  # s1 on the right: step t-1
        s2, v2 = m.lif2(m.fc_out(s1), v2)
        counts = counts + s2
    return counts


def main():
    C.setup(0)
    xtr, xte, ytr, yte = C.digits_split()
    Xtr, Xte = torch.from_numpy(xtr), torch.from_numpy(xte)  # [N, 8 rows = T, 8]
    Ytr, Yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    m = Net()
    C.train_loop(m, run, Xtr, Ytr, epochs=80, lr=3e-3)
    acc, counts = C.evaluate(m, run, Xte, Yte)
    print(f"torch float test accuracy {acc:.4f} ({len(yte)} samples)")

    rlif = C.graph({
        "input": C.io("Input", [HIDDEN]),
        "lif": C.lif_params(m.lif1.beta().detach().numpy(), (HIDDEN,)),
        "w_rec": C.linear(m.w_rec.weight.detach()),
        "output": C.io("Output", [HIDDEN]),
    }, [("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")])
    nodes = {
        "input": C.io("Input", [8]),
        "fc_in": C.affine(m.fc_in.weight.detach(), m.fc_in.bias.detach()),
        "rlif": rlif,
        "fc_out": C.affine(m.fc_out.weight.detach(), m.fc_out.bias.detach()),
        "lif_out": C.lif_params(m.lif2.beta().detach().numpy(), (10,)),
        "output": C.io("Output", [10]),
    }
    edges = [("input", "fc_in"), ("fc_in", "rlif"), ("rlif", "fc_out"), ("fc_out", "lif_out"),
             ("lif_out", "output")]
    d = C.out_dir()
    C.write_nir(os.path.join(d, "recurrent.nir"), C.graph(nodes, edges))
    C.write_npy(os.path.join(d, "recurrent_input.npy"), xte.astype(np.float16))
    C.write_npy(os.path.join(d, "recurrent_labels.npy"), yte.astype(np.int64))
    C.write_json(os.path.join(d, "recurrent.json"), {
        "network": "Affine(8,64) -> RLeaky(64) [nested NIRGraph input/lif/w_rec/output] -> "
                   "Affine(64,10) -> LIF",
        "data": "sklearn load_digits rows as a sequence, stratified 70/30 split (random_state 0)",
        "input": "step t = row t of the image, pixel/16: [N, T=8, 8] float16 (exact)",
        "timesteps": T,
        "samples": int(len(yte)),
        "conventions": C.conventions(input_frac_bits=4,
                                     recurrence="w_rec reads the previous step's spikes"),
        "accuracy_torch": acc,
        "predictions_torch": C.argmax_lowest(counts).tolist(),
    })


if __name__ == "__main__":
    main()
