#!/usr/bin/python3
"""SANA-FE's Loihi accounting, re-implemented in NumPy, for networks SANA-FE has not been run on.

What SANA-FE (SLAM-Lab/SANA-FE, commit 8951ab0, arch/loihi.yaml, `-t simple`) would report for a
feed-forward NIR network of IF neurons (Conv2d / Linear / Flatten) on its own input: spikes,
synaptic events, messages, energy by synapse / soma / network and simulated time. Its rules, from
its source and ../shared/REFERENCES.md (b):

- mapping: the input layer then each layer in order, 1,024 neurons per core, each layer from a
  fresh core, 4 cores per tile, tiles on its 8 x 4 mesh (tile t at x = t // 4, y = t % 4);
- pipelined timesteps: layer L at step t integrates layer L-1's spikes of step t-1;
- soma (loihi_lif): 51.2 pJ / 6.0 ns per mapped neuron per step; +21.6 pJ / 3.7 ns when updated
  (input received or potential non-zero); +69.3 pJ / 30.0 ns when it fires. Input neurons
  (loihi_inputs) cost nothing;
- a spike sends one message per destination core (111.0 pJ, 5.1 ns out; 16.0 ns in), each hop
  between tiles 3.0 pJ east-west, 4.2 pJ north-south (x first, then y);
- each synapse of a received message: 35.5 pJ / 3.8 ns (the dense synapse unit);
- simple timing: a step takes max over cores of the sending side (soma + message out) or the
  receiving side (message in + synapses), whichever is larger, plus the sync table's delay for
  the number of tiles mapped ({1: 0.6, 2: 1.0, 4: 1.4, 29: 1.8} us; linear in between, assumed).

Validated against SANA-FE's own summary of conv_s1 (../shared/data/sanafe/
conv_s1_sanafe_loihi.json): `--check` compares and exits 1 on any difference beyond 1e-6.

Usage: sanafe_model.py MODEL.nir INPUT.npy [--check SUMMARY.json] [--json OUT]
"""
import argparse
import json
import sys

import h5py
import numpy as np

NEURONS_PER_CORE = 1024
CORES_PER_TILE = 4
TILES_Y = 4
E_ACCESS, E_UPDATE, E_SPIKE = 51.2e-12, 21.6e-12, 69.3e-12
T_ACCESS, T_UPDATE, T_SPIKE = 6.0e-9, 3.7e-9, 30.0e-9
E_MSG, T_MSG_OUT, T_MSG_IN = 111.0e-12, 5.1e-9, 16.0e-9
E_EW, E_NS = 3.0e-12, 4.2e-12
E_SYN, T_SYN = 35.5e-12, 3.8e-9
SYNC = [(1, 0.6e-6), (2, 1.0e-6), (4, 1.4e-6), (29, 1.8e-6)]


def sync_delay(tiles):
    xs, ys = zip(*SYNC)
    return float(np.interp(tiles, xs, ys))


def conv_matrix(w, in_shape, stride, padding):
    """Dense (post x pre) matrix of a Conv2d without bias, NCHW, row-major flattening."""
    co, ci, kh, kw = w.shape
    _, h, wd = in_shape
    oh = (h + 2 * padding[0] - kh) // stride[0] + 1
    ow = (wd + 2 * padding[1] - kw) // stride[1] + 1
    m = np.zeros((co * oh * ow, ci * h * wd), dtype=np.float32)
    for o in range(co):
        for y in range(oh):
            for x in range(ow):
                row = (o * oh + y) * ow + x
                for c in range(ci):
                    for dy in range(kh):
                        iy = y * stride[0] + dy - padding[0]
                        if not 0 <= iy < h:
                            continue
                        for dx in range(kw):
                            ix = x * stride[1] + dx - padding[1]
                            if 0 <= ix < wd:
                                m[row, (c * h + iy) * wd + ix] = w[o, c, dy, dx]
    return m, (co, oh, ow)


def load_chain(path):
    """The network as a list of (matrix, threshold, reset) from input to output."""
    f = h5py.File(path, "r")
    nodes = f["node/nodes"]
    edges = {}
    for a, b in f["node/edges"][()]:
        edges.setdefault(a.decode(), []).append(b.decode())
    kind = {k: nodes[k]["type"][()].decode() for k in nodes}
    start = next(k for k in nodes if kind[k] == "Input")
    shape = tuple(int(s) for s in nodes[start]["shape"][()])
    layers, node = [], start
    while True:
        nxt = edges.get(node, [])
        if len(nxt) != 1:
            sys.exit(f"{path}: node '{node}' has {len(nxt)} successors; expected a chain")
        node = nxt[0]
        t, n = kind[node], nodes[node]
        if t == "Output":
            break
        if t == "Flatten":
            shape = (int(np.prod(shape)),)
        elif t == "Conv2d":
            if int(n["groups"][()]) != 1 or np.any(n["dilation"][()] != 1):
                sys.exit(f"{path}: '{node}': only groups 1, dilation 1")
            if np.any(n["bias"][()] != 0):
                sys.exit(f"{path}: '{node}': bias is not modelled")
            m, shape = conv_matrix(n["weight"][()], shape, n["stride"][()], n["padding"][()])
            layers.append([m])
        elif t == "Linear":
            if "bias" in n and np.any(n["bias"][()] != 0):
                sys.exit(f"{path}: '{node}': bias is not modelled")
            w = n["weight"][()].astype(np.float32)
            layers.append([w])
            shape = (w.shape[0],)
        elif t == "IF":
            if np.any(n["r"][()] != 1):
                sys.exit(f"{path}: '{node}': r must be 1 (--dt 1)")
            layers[-1] += [n["v_threshold"][()].reshape(-1), n["v_reset"][()].reshape(-1)]
        else:
            sys.exit(f"{path}: '{node}': node type {t} is not modelled")
    return layers


def simulate(layers, spikes_in):
    """Pipelined IF run with SANA-FE's counts and its energy and simple-timing accounting."""
    steps = spikes_in.shape[0]
    sizes = [spikes_in[0].size] + [m.shape[0] for m, _, _ in layers]
    # Mapping: core index per neuron of each group, layers from fresh cores.
    core_of, first = [], 0
    for n in sizes:
        core_of.append(first + np.arange(n) // NEURONS_PER_CORE)
        first += -(-n // NEURONS_PER_CORE)
    cores = first
    tiles = -(-cores // CORES_PER_TILE)
    tile_xy = lambda c: divmod(c // CORES_PER_TILE, TILES_Y)
    # Per layer: for each source neuron, its destination cores (connections per core).
    fan = []  # fan[l][i] = array over destination cores of connection counts
    for l, (m, _, _) in enumerate(layers):
        nz = (m != 0).astype(np.int64)  # post x pre
        dest = core_of[l + 1]
        per_core = np.zeros((cores, m.shape[1]), dtype=np.int64)
        for c in np.unique(dest):
            per_core[c] = nz[dest == c].sum(axis=0)
        fan.append(per_core)
    # Hop energy per (source core, destination core).
    hop_e = np.zeros((cores, cores))
    for a in range(cores):
        for b in range(cores):
            (ax, ay), (bx, by) = tile_xy(a), tile_xy(b)
            hop_e[a, b] = abs(ax - bx) * E_EW + abs(ay - by) * E_NS
    v = [np.zeros(m.shape[0], dtype=np.float64) for m, _, _ in layers]
    prev = [np.zeros(n, dtype=bool) for n in sizes]  # spikes of step t-1 per group
    out = dict(spikes=[0] * len(sizes), synaptic_events=0, messages=0, updated=0,
               synapse_J=0.0, soma_J=0.0, network_J=0.0, sim_time_s=0.0)
    for t in range(steps):
        cur = [spikes_in[t].reshape(-1).astype(bool)]
        send = np.zeros(cores)
        recv = np.zeros(cores)
        for l, (m, th, reset) in enumerate(layers):
            src = prev[l]
            current = m[:, src].sum(axis=1, dtype=np.float64)
            got_input = (m[:, src] != 0).any(axis=1)
            updated = got_input | (np.abs(v[l]) > 0)
            v[l] += current
            fired = v[l] > th
            v[l][fired] = reset[fired]
            cur.append(fired)
            n = m.shape[0]
            out["updated"] += int(updated.sum())
            out["soma_J"] += n * E_ACCESS + updated.sum() * E_UPDATE + fired.sum() * E_SPIKE
            np.add.at(send, core_of[l + 1],
                      T_ACCESS + updated * T_UPDATE + fired * T_SPIKE)
        # Messages of this step's spikes (received next step; the count is the same).
        for l in range(len(layers)):
            fired = np.flatnonzero(cur[l])
            if fired.size == 0:
                continue
            conn = fan[l][:, fired]  # cores x fired
            msg = conn > 0
            n_msg = int(msg.sum())
            out["messages"] += n_msg
            out["synaptic_events"] += int(conn.sum())
            out["synapse_J"] += conn.sum() * E_SYN
            src_core = core_of[l][fired]
            out["network_J"] += n_msg * E_MSG + (msg * hop_e[src_core].T).sum()
            np.add.at(send, src_core, msg.sum(axis=0) * T_MSG_OUT)
            recv += msg.sum(axis=1) * T_MSG_IN + conn.sum(axis=1) * T_SYN
        for g, s in enumerate(cur):
            out["spikes"][g] += int(s.sum())
        out["sim_time_s"] += max(send.max(), recv.max()) + sync_delay(tiles)
        prev = cur
    out["neurons_updated"] = out["updated"]
    out["cores"], out["tiles"] = cores, tiles
    out["total_J"] = out["synapse_J"] + out["soma_J"] + out["network_J"]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("--check", help="SANA-FE run summary (JSON) to compare with")
    ap.add_argument("--json", help="write the figures here")
    a = ap.parse_args()
    spikes_in = np.load(a.input)
    r = simulate(load_chain(a.model), spikes_in.reshape(spikes_in.shape[0], -1))
    r = {k: (float(v) if isinstance(v, np.floating) else v) for k, v in r.items()}
    text = json.dumps(r, indent=1)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    if a.check:
        s = json.load(open(a.check))
        pairs = [("synaptic_events", r["synaptic_events"], s["total_spikes_synaptic_events"]),
                 ("messages", r["messages"], s["total_messages_sent"]),
                 ("spikes", sum(r["spikes"]), s["total_neurons_fired"]),
                 ("synapse_J", r["synapse_J"], s["energy_J"]["synapse"]),
                 ("soma_J", r["soma_J"], s["energy_J"]["soma"]),
                 ("network_J", r["network_J"], s["energy_J"]["network"]),
                 ("sim_time_s", r["sim_time_s"], s["sim_time_s"])]
        bad = 0
        for name, ours, theirs in pairs:
            rel = abs(ours - theirs) / abs(theirs)
            print(f"{name:16s} model {ours:.7g}  SANA-FE {theirs:.7g}  rel {rel:.2e}",
                  file=sys.stderr)
            bad += rel > 1e-6
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
