#!/usr/bin/python3
"""An independent float64 NumPy reference for the files in workloads/trained/: reads a .nir with
h5py (not the training code), simulates it with the conventions the files were trained under and
compares its per-sample predictions with the torch ones stored in the JSON beside the model.

    v <- (1 - dt/tau) v + (dt r/tau) (I + ...) + (dt/tau) v_leak   (forward Euler)
    spike when v >= v_threshold (--gt: v > v_threshold); v <- v_reset after a spike
    edges pass values in the same step, except a cycle's back edge: the previous step's value
    readout: argmax of the Output's input summed over steps, ties to the lowest index
--sparse adds spikechip's sparse-conv site rules (layer_sequential): sticky input occupancy,
stride-1 conv keeps its input's set, a strided conv takes the window rule; conv outputs outside
the set are zero and those neurons stay at 0.

Usage: /usr/bin/python3 tools/train/nir_ref.py workloads/trained/NAME.nir [--sparse] [--gt]
       [--dt 1e-4] [--limit N]
"""

import argparse
import json
import os

import h5py
import numpy as np


def read_graph(g):
    nodes = {}
    for name, grp in g["nodes"].items():
        t = grp["type"][()].decode()
        if t == "NIRGraph":
            nodes[name] = {"type": t, "graph": read_graph(grp)}
        else:
            nodes[name] = {k: (grp[k][()].decode() if grp[k].dtype.kind == "O" else
                               np.array(grp[k][()])) for k in grp}
            nodes[name]["type"] = t
    edges = [(a.decode(), b.decode()) for a, b in g["edges"][()]]
    return {"nodes": nodes, "edges": edges}


def flatten(g, prefix=""):
    """Inline nested NIRGraphs: inner x of s becomes s.x; edges to s go to s.input, from s
    come from s.output (the subgraph's ports vanish, as spikechip's nir::flatten does)."""
    nodes, edges, ports = {}, [], {}
    for name, n in g["nodes"].items():
        if n["type"] == "NIRGraph":
            sub_nodes, sub_edges = flatten(n["graph"], prefix + name + ".")
            nodes.update(sub_nodes)
            edges += sub_edges
            ports[name] = prefix + name
        else:
            nodes[prefix + name] = n
    for a, b in g["edges"]:
        a = ports[a] + ".output" if a in ports else prefix + a
        b = ports[b] + ".input" if b in ports else prefix + b
        edges.append((a, b))
    # remove inner Input/Output ports of subgraphs by bypassing them
    for name in list(nodes):
        if prefix == "" and "." in name and nodes[name]["type"] in ("Input", "Output"):
            ins = [a for a, b in edges if b == name]
            outs = [b for a, b in edges if a == name]
            edges = [e for e in edges if name not in e] + [(a, b) for a in ins for b in outs]
            del nodes[name]
    return nodes, edges


def conv2d(x, n):
    """x [B, C, H, W] (float64), NIR Conv2d (PyTorch semantics, groups = 1)."""
    w, b = n["weight"].astype(np.float64), n["bias"].astype(np.float64)
    s, p = n["stride"], n["padding"]
    assert int(n["groups"]) == 1 and tuple(n["dilation"]) == (1, 1)
    B, Ci, H, W = x.shape
    Co, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    Ho, Wo = (H + 2 * p[0] - kh) // s[0] + 1, (W + 2 * p[1] - kw) // s[1] + 1
    out = np.zeros((B, Co, Ho, Wo))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + s[0] * Ho:s[0], j:j + s[1] * Wo:s[1]]
            out += np.einsum("bchw,oc->bohw", patch, w[:, :, i, j])
    return out + b[None, :, None, None]


def window_mask(m, n):
    """Strided sparse conv's window rule on a site mask m [B, 1, H, W]."""
    s, p = n["stride"], n["padding"]
    kh, kw = n["weight"].shape[2:]
    B, _, H, W = m.shape
    mp = np.pad(m, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    Ho, Wo = (H + 2 * p[0] - kh) // s[0] + 1, (W + 2 * p[1] - kw) // s[1] + 1
    out = np.zeros((B, 1, Ho, Wo))
    for i in range(kh):
        for j in range(kw):
            out = np.maximum(out, mp[:, :, i:i + s[0] * Ho:s[0], j:j + s[1] * Wo:s[1]])
    return out


def simulate(nodes, edges, x, dt, ge=True, sparse=False, spikes=None):
    """x [B, T, *input_shape] -> Output's summed input [B, n_out]; spikes (a dict) collects
    each LIF node's spike total."""
    inp = [k for k, n in nodes.items() if n["type"] == "Input"][0]
    outp = [k for k, n in nodes.items() if n["type"] == "Output"][0]
    preds = {k: [a for a, b in edges if b == k] for k in nodes}
    # DFS order from the input; edges into a node on the stack are back edges
    order, state, back = [], {}, set()

    def dfs(k):
        state[k] = 1
        for a, b in sorted(e for e in edges if e[0] == k):
            if state.get(b) == 1:
                back.add((a, b))
            elif b not in state:
                dfs(b)
        state[k] = 2
        order.append(k)

    dfs(inp)
    order.reverse()
    B, T = x.shape[:2]
    val, prev, v, mask = {}, {}, {}, {}
    total = 0
    occ = None
    for t in range(T):
        xt = x[:, t].astype(np.float64)
        if sparse:
            o = (xt.reshape(B, xt.shape[1], *xt.shape[2:]) != 0).any(1, keepdims=True)
            occ = o.astype(float) if occ is None else np.maximum(occ, o)
        for k in order:
            n = nodes[k]
            ins = [(prev[a] if (a, k) in back else val[a]) for a in preds[k]
                   if (a, k) not in back or a in prev]
            typ = n["type"]
            if typ == "Input":
                val[k] = xt.reshape(B, *n["shape"])
                mask[k] = occ
                continue
            u = sum(ins)
            src_mask = [mask.get(a) for a in preds[k] if (a, k) not in back]
            m_in = src_mask[0] if src_mask else None
            if typ == "Affine":
                val[k] = u.reshape(B, -1) @ n["weight"].astype(np.float64).T + n["bias"]
            elif typ == "Linear":
                val[k] = u.reshape(B, -1) @ n["weight"].astype(np.float64).T
            elif typ == "Flatten":
                val[k] = u.reshape(B, -1)
            elif typ == "Conv2d":
                y = conv2d(u, n)
                if sparse:
                    mk = m_in if tuple(n["stride"]) == (1, 1) else window_mask(m_in, n)
                    mask[k] = mk
                    y = y * mk
                val[k] = y
            elif typ == "LIF":
                if sparse and m_in is not None and u.ndim == 4:
                    mask[k] = m_in
                a = dt / n["tau"]
                vk = v.get(k, np.zeros_like(u))
                vk = (1 - a) * vk + a * n["r"] * u + a * n["v_leak"]
                s = (vk >= n["v_threshold"]) if ge else (vk > n["v_threshold"])
                vk = np.where(s, n["v_reset"], vk)
                v[k] = vk
                val[k] = s.astype(np.float64)
                if spikes is not None:
                    spikes[k] = spikes.get(k, 0) + int(s.sum())
            elif typ == "Output":
                val[k] = u
                total = total + u
            else:
                raise SystemExit(f"{k}: type {typ} not handled by this reference")
        prev = dict(val)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sparse", action="store_true")
    ap.add_argument("--gt", action="store_true")
    ap.add_argument("--dt", type=float, default=1e-4)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--report", help="a spikechip golden --compare-float report.json: compare "
                    "each layer's spike total with the float executor's")
    a = ap.parse_args()
    base = a.model[:-4]
    with h5py.File(a.model, "r") as f:
        g = read_graph(f["node"])
    nodes, edges = flatten(g)
    x = np.load(base + "_input.npy").astype(np.float64)
    y = np.load(base + "_labels.npy")
    if a.limit:
        x, y = x[:a.limit], y[:a.limit]
    spikes = {}
    counts = np.concatenate([simulate(nodes, edges, x[i:i + 100], a.dt, not a.gt, a.sparse,
                                      spikes) for i in range(0, len(x), 100)])
    pred = np.argmax(counts, 1)
    acc = float((pred == y).mean())
    line = f"{os.path.basename(a.model)}: reference accuracy {acc:.4f} ({len(y)} samples)"
    meta = base + ".json"
    if os.path.exists(meta):
        j = json.load(open(meta))
        if "predictions_torch" in j:
            pt = np.array(j["predictions_torch"])[:len(y)]
            line += (f"; torch {j['accuracy_torch']:.4f}; predictions equal to torch's: "
                     f"{int((pt == pred).sum())}/{len(y)}")
    print(line)
    if a.report:
        fc = json.load(open(a.report))["float_compare"]["layers"]
        for l in fc:
            print(f"  {l['layer']:10s} spikes: reference {spikes.get(l['layer'])}, "
                  f"float executor {l['spikes_float']}, golden {l['spikes_quantised']}")


if __name__ == "__main__":
    main()
