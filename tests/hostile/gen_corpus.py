#!/usr/bin/python3
"""Writes the hostile-input corpus (issue 24): small malformed files in corpus/ and cases.txt,
one case a line, which tests/hostile/hostile_runner runs against the real `spikechip` binary.

    /usr/bin/python3 tests/hostile/gen_corpus.py     # rewrites corpus/ and cases.txt

The files are committed, so CTest needs no Python. A case line is

    CLASS | NAME | EXPECT[;EXPECT...] | SETUP | ARGS

CLASS is the issue's class (crash, hang, unvalidated, memory, exit, leftover); every case makes
the same promise (tests/hostile/README.md): exit 2, stderr naming each EXPECT (the file and the
place in it), no new file in the case's folder, no signal, bounded wall time and peak memory.
In ARGS, {C} is the corpus folder, {E} workloads/examples, {T} the case's own empty folder
(the working directory). SETUP: '-' or comma-separated fifo:NAME, copy:FILE (from {C} into
{T}), mkdir:PATH and mkfile:PATH (in {T}), nir:chain:N or nir:wide:N ({T}/chain.nir, a chain
of N Scale nodes; {T}/wide.nir, N parallel ones: too large to commit, written by the runner).
"""
import os
import struct
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
cases = []


def case(cls, name, expect, args, setup="-"):
    assert "|" not in args and "|" not in expect
    cases.append(f"{cls} | {name} | {expect} | {setup} | {args}")


# ---- NIR graphs --------------------------------------------------------------------------------

def write_nir(name, nodes, edges, libver=None, extra=None, packed_edges=False):
    """nodes: {name: {field: value}}, value a str (type), np.ndarray, int or float."""
    path = os.path.join(CORPUS, name)
    kw = {"libver": libver} if libver else {}
    with h5py.File(path, "w", **kw) as f:
        f["version"] = "1.0.7"
        g = f.create_group("node")
        g["type"] = "NIRGraph"
        ng = g.create_group("nodes")
        for n, fields in nodes.items():
            h = ng.create_group(n)
            for k, v in fields.items():
                if isinstance(v, str):
                    h[k] = v
                else:
                    h[k] = np.asarray(v)
        if packed_edges:  # fixed-length, gzip: millions of edges in kilobytes
            g.create_dataset("edges", data=np.array(edges, dtype="S8").reshape(-1, 2),
                             compression="gzip", chunks=(min(65536, len(edges)), 2))
        else:
            g.create_dataset("edges", data=np.array(edges, dtype=object).reshape(-1, 2),
                             dtype=h5py.string_dtype())
        if extra:
            extra(f)
    return name


def lif(n, **over):
    d = {"type": "LIF", "tau": np.full(n, 0.004), "r": np.ones(n), "v_leak": np.zeros(n),
         "v_threshold": np.ones(n), "v_reset": np.zeros(n)}
    d.update(over)
    return d


def mini(**over):
    """Input [4] -> Affine -> LIF -> Output [2]."""
    nodes = {
        "input": {"type": "Input", "shape": np.array([4])},
        "fc": {"type": "Affine", "weight": np.full((2, 4), 0.5), "bias": np.zeros(2)},
        "lif": lif(2),
        "output": {"type": "Output", "shape": np.array([2])},
    }
    for k, v in over.items():
        node, field = k.split("__")
        if v is None:
            del nodes[node][field]
        else:
            nodes[node][field] = v
    return nodes


MINI_EDGES = [("input", "fc"), ("fc", "lif"), ("lif", "output")]


def conv2d(**over):
    """Input [1,4,4] -> Conv2d -> LIF -> Flatten -> Linear -> LIF -> Output [2]."""
    nodes = {
        "input": {"type": "Input", "shape": np.array([1, 4, 4])},
        "conv": {"type": "Conv2d", "weight": np.full((2, 1, 3, 3), 0.25), "bias": np.zeros(2),
                 "stride": np.array([1, 1]), "padding": np.array([1, 1]),
                 "dilation": np.array([1, 1]), "groups": np.int64(1),
                 "input_shape": np.array([4, 4])},
        "clif": lif(0, tau=np.full((2, 4, 4), 0.004), r=np.ones((2, 4, 4)),
                    v_leak=np.zeros((2, 4, 4)), v_threshold=np.ones((2, 4, 4)),
                    v_reset=np.zeros((2, 4, 4))),
        "flat": {"type": "Flatten", "start_dim": np.int64(0), "end_dim": np.int64(-1),
                 "input_type": np.array([2, 4, 4])},
        "fc": {"type": "Linear", "weight": np.full((2, 32), 0.1)},
        "lif": lif(2),
        "output": {"type": "Output", "shape": np.array([2])},
    }
    for k, v in over.items():
        node, field = k.split("__")
        nodes[node][field] = v
    return nodes


CONV_EDGES = [("input", "conv"), ("conv", "clif"), ("clif", "flat"), ("flat", "fc"),
              ("fc", "lif"), ("lif", "output")]


def conv1d(**over):
    nodes = {
        "input": {"type": "Input", "shape": np.array([1, 8])},
        "conv": {"type": "Conv1d", "weight": np.full((2, 1, 3), 0.25), "bias": np.zeros(2),
                 "stride": np.array([1]), "padding": np.array([1]), "dilation": np.array([1]),
                 "groups": np.int64(1), "input_shape": np.array([8])},
        "clif": lif(0, tau=np.full((2, 8), 0.004), r=np.ones((2, 8)), v_leak=np.zeros((2, 8)),
                    v_threshold=np.ones((2, 8)), v_reset=np.zeros((2, 8))),
        "flat": {"type": "Flatten", "start_dim": np.int64(0), "end_dim": np.int64(-1),
                 "input_type": np.array([2, 8])},
        "fc": {"type": "Linear", "weight": np.full((2, 16), 0.1)},
        "lif": lif(2),
        "output": {"type": "Output", "shape": np.array([2])},
    }
    for k, v in over.items():
        node, field = k.split("__")
        nodes[node][field] = v
    return nodes


def pool(**over):
    nodes = {
        "input": {"type": "Input", "shape": np.array([2, 4, 4])},
        "pool": {"type": "SumPool2d", "kernel_size": np.array([2, 2]),
                 "stride": np.array([2, 2]), "padding": np.array([0, 0])},
        "flat": {"type": "Flatten", "start_dim": np.int64(0), "end_dim": np.int64(-1),
                 "input_type": np.array([2, 2, 2])},
        "fc": {"type": "Linear", "weight": np.full((2, 8), 0.1)},
        "lif": lif(2),
        "output": {"type": "Output", "shape": np.array([2])},
    }
    for k, v in over.items():
        node, field = k.split("__")
        nodes[node][field] = v
    return nodes


POOL_EDGES = [("input", "pool"), ("pool", "flat"), ("flat", "fc"), ("fc", "lif"),
              ("lif", "output")]


def compile_case(cls, name, expect, nir):
    case(cls, name, f"{nir};{expect}" if expect else nir,
         f"compile {{C}}/{nir} --dt 1e-3 -o {{T}}/m.scb")


def npy_bytes(descr, shape, body=b"", header=None):
    if header is None:
        header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * (pad % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body


def npy_v2(header, body=b""):
    header = header + "\n"
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", len(header)) + header.encode() + body


def put(name, data):
    with open(os.path.join(CORPUS, name), "wb") as f:
        f.write(data)
    return name


def main():
    os.makedirs(CORPUS, exist_ok=True)
    for f in os.listdir(CORPUS):
        os.remove(os.path.join(CORPUS, f))
    rng = np.random.default_rng(24)
    np.save(os.path.join(CORPUS, "mini_input.npy"), (rng.random((3, 4)) > 0.5).astype(np.float32))
    MINI_IN = "--input {C}/mini_input.npy"
    write_nir("mini.nir", mini(), MINI_EDGES)

    # ---- crashes -------------------------------------------------------------------------------
    compile_case("crash", "conv2d_stride0", "stride",
                 write_nir("conv2d_stride0.nir", conv2d(conv__stride=np.array([0, 1])), CONV_EDGES))
    compile_case("crash", "conv1d_stride0", "stride",
                 write_nir("conv1d_stride0.nir", conv1d(conv__stride=np.array([0])), CONV_EDGES))
    compile_case("crash", "pool_stride0", "stride",
                 write_nir("pool_stride0.nir", pool(pool__stride=np.array([0, 2])), POOL_EDGES))
    compile_case("crash", "conv_oc0", "conv",
                 write_nir("conv_oc0.nir", conv2d(conv__weight=np.zeros((0, 1, 3, 3)),
                                                  conv__bias=np.zeros(0)), CONV_EDGES))
    compile_case("crash", "self_loop_static", "fc",
                 write_nir("self_loop.nir", mini(), MINI_EDGES + [("fc", "fc")]))
    compile_case("crash", "static_cycle", "",
                 write_nir("static_cycle.nir",
                           dict(mini(), fc2={"type": "Linear", "weight": np.eye(2)},
                                fc3={"type": "Linear", "weight": np.eye(2)}),
                           MINI_EDGES + [("fc", "fc2"), ("fc2", "fc3"), ("fc3", "fc2")]))
    # Graphs too large to commit are written by the runner (setup nir:KIND:N, C++ writer).
    for n in (9000,):
        case("crash", f"chain_{n}", "chain.nir", "compile {T}/chain.nir --dt 1e-3 -o {T}/m.scb",
             setup=f"nir:chain:{n}")
    deep = "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(" * 50000 + ")" * 50000 + "}"
    put("nested_header.npy", npy_v2(deep))
    case("crash", "npy_nested_input", "nested_header.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/nested_header.npy --out {T}/o")
    case("crash", "npy_nested_labels", "nested_header.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy "
         "--labels {C}/nested_header.npy --out {T}/o")
    case("crash", "npy_nested_inspect", "nested_header.npy", "inspect {C}/nested_header.npy")
    deep_rec = "{'descr': " + "[" * 50000 + "]" * 50000 + ", 'fortran_order': False, 'shape': (3,)}"
    put("nested_records.npy", npy_v2(deep_rec))
    case("crash", "npy_nested_records", "nested_records.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/nested_records.npy --out {T}/o")
    put("nested_dict.npy", npy_v2("{" * 60000 + "}" * 60000))
    case("crash", "npy_nested_dict", "nested_dict.npy", "inspect {C}/nested_dict.npy")

    # Corrupt HDF5: the variable-length string heap (libhdf5 1.10's own crashes live there)
    # and the object headers. Read in a child process first, so never a signal.
    mini_bytes = bytearray(open(os.path.join(CORPUS, "mini.nir"), "rb").read())
    g = mini_bytes.find(b"GCOL")
    for name, patch in [("heap_object_size", lambda b: struct.pack_into("<Q", b, g + 24, 2**62)),
                        ("heap_size", lambda b: struct.pack_into("<Q", b, g + 8, 16)),
                        ("heap_signature", lambda b: b.__setitem__(slice(g, g + 4), b"XXXX"))]:
        b = bytearray(mini_bytes)
        patch(b)
        put(f"corrupt_{name}.nir", bytes(b))
        compile_case("crash", f"hdf5_corrupt_{name}", "", f"corrupt_{name}.nir")
    b = bytearray(mini_bytes)
    for off in range(800, 2000, 7):
        b[off] ^= 0x5A
    put("corrupt_headers.nir", bytes(b))
    compile_case("crash", "hdf5_corrupt_headers", "", "corrupt_headers.nir")

    # ---- hangs ---------------------------------------------------------------------------------
    for verb, args in [
        ("golden_input", "golden --model {E}/bars.nir --dt 1e-3 --input {T}/fifo --out {T}/o"),
        ("run_input", "run --model {E}/bars.nir --dt 1e-3 --input {T}/fifo --out {T}/o"),
        ("run_model", "run --model {T}/fifo --dt 1e-3 --input {E}/bars_events.npy --out {T}/o"),
        ("golden_labels", "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy "
                          "--labels {T}/fifo --out {T}/o"),
        ("inspect", "inspect {T}/fifo"),
        ("asm", "asm {T}/fifo -o {T}/x.scb"),
        ("disasm", "disasm {T}/fifo"),
        ("compile", "compile {T}/fifo --dt 1e-3 -o {T}/m.scb"),
        ("compile_input", "compile {E}/bars.nir --dt 1e-3 --input {T}/fifo -o {T}/m.scb"),
        ("arch", "arch {T}/fifo"),
    ]:
        case("hang", f"fifo_{verb}", "fifo", args, setup="fifo:fifo")
    case("hang", "dev_zero_input", "/dev/zero",
         "golden --model {E}/bars.nir --dt 1e-3 --input /dev/zero --out {T}/o")
    case("hang", "wide_14000", "wide.nir", "compile {T}/wide.nir --dt 1e-3 -o {T}/m.scb",
         setup="nir:wide:14000")

    # ---- never validated ------------------------------------------------------------------------
    bad_values = {"nan": np.nan, "inf": np.inf, "neginf": -np.inf}
    for field in ("tau", "r", "v_leak", "v_threshold", "v_reset"):
        for vname, v in bad_values.items():
            arr = np.array([0.004, v]) if field == "tau" else np.array([1.0, v])
            nir = write_nir(f"lif_{field}_{vname}.nir", mini(**{f"lif__{field}": arr}), MINI_EDGES)
            case("unvalidated", f"lif_{field}_{vname}", f"{nir};lif;{field}",
                 f"golden --model {{C}}/{nir} --dt 1e-3 {MINI_IN} --out {{T}}/o")
    for field in ("weight", "bias"):
        nir = write_nir(f"affine_{field}_nan.nir",
                        mini(**{f"fc__{field}": np.full((2, 4) if field == "weight" else 2,
                                                        np.nan)}), MINI_EDGES)
        compile_case("unvalidated", f"affine_{field}_nan", f"fc;{field}", nir)
    nir = write_nir("conv_weight_inf.nir",
                    conv2d(conv__weight=np.full((2, 1, 3, 3), np.inf)), CONV_EDGES)
    compile_case("unvalidated", "conv_weight_inf", "conv;weight", nir)
    nir = write_nir("conv_bias_nan.nir", conv2d(conv__bias=np.array([np.nan, 0])), CONV_EDGES)
    compile_case("unvalidated", "conv_bias_nan", "conv;bias", nir)
    nir = write_nir("scale_nan.nir", dict(mini(), sc={"type": "Scale", "scale": np.array([1, np.nan])}),
                    [("input", "fc"), ("fc", "sc"), ("sc", "lif"), ("lif", "output")])
    compile_case("unvalidated", "scale_nan", "sc;scale", nir)
    cuba = {"type": "CubaLIF", "tau_syn": np.full(2, 0.005), "tau_mem": np.full(2, 0.01),
            "r": np.ones(2), "v_leak": np.zeros(2), "v_threshold": np.ones(2),
            "v_reset": np.zeros(2), "w_in": np.ones(2)}
    for field in ("tau_syn", "tau_mem", "w_in", "v_threshold"):
        c = dict(cuba)
        c[field] = np.array([c[field][0], np.nan])
        nodes = mini()
        nodes["lif"] = c
        nir = write_nir(f"cubalif_{field}_nan.nir", nodes, MINI_EDGES)
        compile_case("unvalidated", f"cubalif_{field}_nan", f"lif;{field}", nir)
    nir = write_nir("lif_tau_negative.nir", mini(lif__tau=np.array([-0.004, -0.004])), MINI_EDGES)
    compile_case("unvalidated", "lif_tau_negative", "lif;tau", nir)
    nir = write_nir("lif_tau_zero.nir", mini(lif__tau=np.array([0.0, 0.004])), MINI_EDGES)
    compile_case("unvalidated", "lif_tau_zero", "lif;tau", nir)
    nir = write_nir("lif_r_negative.nir", mini(lif__r=np.array([-1.0, 1.0])), MINI_EDGES)
    compile_case("unvalidated", "lif_r_negative", "lif;r", nir)
    big = np.int64(2**32 + 1)
    for field, val in [("stride", np.array([big, 1])), ("padding", np.array([big, 1])),
                       ("dilation", np.array([big, 1])), ("groups", big),
                       ("groups", np.float64(1.5)), ("dilation", np.array([0, 1])),
                       ("stride", np.array([-1, 1])), ("padding", np.array([-2, 0])),
                       ("groups", np.int64(0)), ("input_shape", np.array([4, big]))]:
        tag = f"{field}_{str(val).replace(' ', '_').replace('[', '').replace(']', '')}"
        tag = tag.replace(".", "p").replace("-", "m")
        nir = write_nir(f"conv_{tag}.nir", conv2d(**{f"conv__{field}": val}), CONV_EDGES)
        compile_case("unvalidated", f"conv_{tag}", f"conv;{field}", nir)
    nir = write_nir("conv_k0.nir", conv2d(conv__weight=np.zeros((2, 1, 0, 0))), CONV_EDGES)
    compile_case("unvalidated", "conv_kernel_0x0", "conv", nir)
    nir = write_nir("pool_kernel_wrap.nir", pool(pool__kernel_size=np.array([big, 2])), POOL_EDGES)
    compile_case("unvalidated", "pool_kernel_wrap", "pool;kernel_size", nir)
    for field, val in [("start_dim", np.int64(7)), ("end_dim", np.int64(-9)),
                       ("input_type", np.array([2, 4, 5])), ("start_dim", np.int64(2**40))]:
        nir = write_nir(f"flatten_{field}_{int(np.asarray(val).ravel()[-1])}.nir",
                        conv2d(**{f"flat__{field}": val}), CONV_EDGES)
        compile_case("unvalidated", f"flatten_{field}", f"flat;{field}", nir)
    nir = write_nir("edge_from_output.nir", dict(mini(), fc2={"type": "Linear", "weight": np.eye(2)}),
                    MINI_EDGES + [("output", "fc2")])
    compile_case("unvalidated", "edge_from_output", "output", nir)
    nir = write_nir("edge_unknown_node.nir", mini(), MINI_EDGES + [("lif", "ghost")])
    compile_case("unvalidated", "edge_unknown_node", "ghost", nir)
    nir = write_nir("shape_negative.nir", mini(input__shape=np.array([-4])), MINI_EDGES)
    compile_case("unvalidated", "input_shape_negative", "input;shape", nir)
    nir = write_nir("shape_fractional.nir", mini(input__shape=np.array([4.5])), MINI_EDGES)
    compile_case("unvalidated", "input_shape_fractional", "input;shape", nir)
    nir = write_nir("node_name_latin1.nir",
                    {(b"l\xe9f" if k == "lif" else k): v for k, v in mini().items()},
                    [(b"input", b"fc"), (b"fc", b"l\xe9f"), (b"l\xe9f", b"output")],
                    packed_edges=True)
    case("exit", "node_name_not_utf8", f"{nir};not valid UTF-8",
         f"golden --model {{C}}/{nir} --dt 1e-3 {MINI_IN} --out {{T}}/o")
    # Labels: more classes than the output has, negative, fractional, wrong count.
    for name, labels in [("labels_class_9", np.array([9], dtype=np.int64)),
                         ("labels_negative", np.array([-1], dtype=np.int64)),
                         ("labels_float", np.array([0.5], dtype=np.float32)),
                         ("labels_count", np.array([0, 1, 0], dtype=np.int64))]:
        np.save(os.path.join(CORPUS, name + ".npy"), labels)
        case("unvalidated", name, name + ".npy",
             f"golden --model {{E}}/bars.nir --dt 1e-3 --input {{E}}/bars_events.npy "
             f"--labels {{C}}/{name}.npy --out {{T}}/o")
    # NPY tensors that lie.
    put("shape_overflow.npy", npy_bytes("<f4", "(4294967296, 4294967296, 4294967296, 2)"))
    case("unvalidated", "npy_shape_overflow", "shape_overflow.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/shape_overflow.npy --out {T}/o")
    put("shape_huge_short.npy", npy_bytes("<f4", "(100000, 100000, 2, 16, 16)", b"\0" * 64))
    case("memory", "npy_shape_huge_short", "shape_huge_short.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/shape_huge_short.npy --out {T}/o")
    put("shape_negative.npy", npy_bytes("<f4", "(-3, 2, 16, 16)"))
    case("unvalidated", "npy_shape_negative", "shape_negative.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/shape_negative.npy --out {T}/o")
    put("dtype_object.npy", npy_bytes("|O", "(3, 2, 16, 16)", b"\0" * 64))
    case("unvalidated", "npy_dtype_object", "dtype_object.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/dtype_object.npy --out {T}/o")
    x = np.zeros((3, 2, 16, 16), dtype=np.float32)
    x[1, 0, 3, 3] = np.nan
    np.save(os.path.join(CORPUS, "input_nan.npy"), x)
    case("unvalidated", "npy_input_nan", "input_nan.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/input_nan.npy --out {T}/o")
    x[1, 0, 3, 3] = np.inf
    np.save(os.path.join(CORPUS, "input_inf.npy"), x)
    case("unvalidated", "npy_input_inf", "input_inf.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/input_inf.npy --out {T}/o")
    np.save(os.path.join(CORPUS, "input_zero_steps.npy"), np.zeros((0, 2, 16, 16), np.float32))
    case("exit", "npy_input_zero_steps", "input_zero_steps.npy",
         "run --model {E}/bars.nir --dt 1e-3 --input {C}/input_zero_steps.npy --out {T}/o")
    np.save(os.path.join(CORPUS, "input_zero_samples.npy"),
            np.zeros((0, 3, 2, 16, 16), np.float32))
    case("exit", "npy_input_zero_samples", "input_zero_samples.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/input_zero_samples.npy --out {T}/o")
    np.save(os.path.join(CORPUS, "input_wrong_shape.npy"), np.zeros((3, 2, 15, 16), np.float32))
    case("exit", "npy_input_wrong_shape", "input_wrong_shape.npy",
         "run --model {E}/bars.nir --dt 1e-3 --input {C}/input_wrong_shape.npy --out {T}/o")
    # Event timestamps.
    for name, text in [("t_negative", "0,1,1,1\n-5,2,2,0\n"),
                       ("t_nan", "0,1,1,1\nnan,2,2,0\n"),
                       ("t_inf", "0,1,1,1\ninf,2,2,0\n"),
                       ("t_huge", "0,1,1,1\n1e30,2,2,0\n"),
                       ("t_int_overflow", "0,1,1,1\n99999999999999999999,2,2,0\n"),
                       ("xy_outside", "0,1,1,1\n5,70000,2,0\n")]:
        put(name + ".csv", text.encode())
        case("unvalidated", f"csv_{name}", f"{name}.csv:2:",
             f"golden --model {{E}}/bars.nir --dt 1e-3 --input {{C}}/{name}.csv --out {{T}}/o")
    rec = np.zeros(3, dtype=[("t", "<i8"), ("x", "<u2"), ("y", "<u2"), ("p", "u1")])
    rec["t"] = [0, -7, 10]
    np.save(os.path.join(CORPUS, "events_t_negative.npy"), rec)
    case("unvalidated", "npy_events_t_negative", "events_t_negative.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/events_t_negative.npy --out {T}/o")
    recf = np.zeros(3, dtype=[("t", "<f8"), ("x", "<u2"), ("y", "<u2"), ("p", "u1")])
    recf["t"] = [0, np.nan, 10]
    np.save(os.path.join(CORPUS, "events_t_nan.npy"), recf)
    case("unvalidated", "npy_events_t_nan", "events_t_nan.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/events_t_nan.npy --out {T}/o")
    recf["t"] = [0, 1e300, 10]
    np.save(os.path.join(CORPUS, "events_t_huge.npy"), recf)
    case("unvalidated", "npy_events_t_huge", "events_t_huge.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/events_t_huge.npy --out {T}/o")
    # Arch YAML with a second document; options out of range.
    put("two_docs.yaml", b"name: a\nmesh:\n  x: 2\n  y: 2\n---\nname: b\n")
    case("unvalidated", "arch_second_document", "two_docs.yaml;second YAML document",
         "arch {C}/two_docs.yaml")
    # Stray text: yaml-cpp 0.7's LoadAll yields empty documents forever on it (fuzz_arch).
    put("stray_comma.yaml", b"\n\n,")
    case("hang", "arch_stray_comma", "stray_comma.yaml:3:1", "arch {C}/stray_comma.yaml")
    put("nested.yaml", b"mesh: " + b"[" * 100000 + b"\n")
    case("crash", "arch_yaml_nested", "nested.yaml", "arch {C}/nested.yaml")
    put("nested_sweep.yaml", b"axes: " + b"{a: " * 50000 + b"\n")
    case("crash", "sweep_yaml_nested", "nested_sweep.yaml",
         "sweep {C}/nested_sweep.yaml --out {T}/sw")
    case("unvalidated", "timesteps_negative", "--timesteps",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy --timesteps -1 "
         "--out {T}/o")
    case("unvalidated", "reset_zero", "--reset",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy --reset zero "
         "--out {T}/o")
    case("unvalidated", "input_frac_bits_huge", "--input-frac-bits",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy "
         "--input-frac-bits 4294967297 --out {T}/o")
    case("unvalidated", "downsample_0", "--downsample",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/t_backwards.csv --downsample 0 "
         "--out {T}/o")
    case("unvalidated", "dt_nan", "--dt",
         "golden --model {E}/bars.nir --dt nan --input {E}/bars_events.npy --out {T}/o")
    case("unvalidated", "memory_budget_junk", "--memory-budget",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy "
         "--memory-budget 12parsecs --out {T}/o")

    def external(f):
        f["node/nodes/fc"].create_dataset("bias2", shape=(2,), dtype="f8",
                                          external=[("/dev/urandom", 0, 16)])
        del f["node/nodes/fc/bias"]
        f["node/nodes/fc/bias"] = f["node/nodes/fc/bias2"]
        del f["node/nodes/fc/bias2"]

    nir = write_nir("external_storage.nir", mini(), MINI_EDGES, extra=external)
    compile_case("unvalidated", "hdf5_external_storage", "external", nir)

    # ---- memory bombs --------------------------------------------------------------------------
    def hardlinked(f):
        fc = f["node/nodes/fc"]
        del fc["weight"]
        fc.create_dataset("weight", shape=(2, 2**27), dtype="f8")  # never written
        f["node/nodes/fc2_weight_alias"] = fc["weight"]
        nodes = f["node/nodes"]
        for i in range(3):
            g = nodes.create_group(f"big{i}")
            g["type"] = "Linear"
            g["weight"] = fc["weight"]  # a hard link: no bytes in the file

    nir = write_nir("hardlinked_unwritten.nir", mini(input__shape=np.array([2**27])),
                    MINI_EDGES, extra=hardlinked)
    compile_case("memory", "nir_hardlinked_unwritten", "weight", nir)
    def hardlinked_written(f):  # each dataset under the element limit, together over budget
        fc = f["node/nodes/fc"]
        del fc["bias"]
        b = fc.create_dataset("bias", shape=(2**25,), dtype="f8", chunks=(2**20,),
                              compression="gzip", compression_opts=9)
        b[:] = np.zeros(2**25)
        nodes = f["node/nodes"]
        for i in range(8):
            g = nodes.create_group(f"big{i}")
            g["type"] = "Affine"
            g["bias"] = b
            g["weight"] = np.zeros((1, 1))

    nir = write_nir("hardlinked_written.nir", mini(), MINI_EDGES, extra=hardlinked_written)
    case("memory", "nir_hardlinked_over_budget", f"{nir};memory budget;bias",
         f"compile {{C}}/{nir} --dt 1e-3 -o {{T}}/m.scb --memory-budget 512MiB")
    nir = write_nir("dup_edges_3m.nir", mini(), MINI_EDGES * 1_000_000, packed_edges=True)
    compile_case("memory", "nir_dup_edges_3m", "edges", nir)
    put("t_backwards.csv", b"0,1,1,1\n500,2,2,0\n100,2,2,0\n")  # valid: for option cases
    put("csv_span_1e9.csv", b"0,1,1,1\n1000000000,2,2,0\n")
    case("memory", "csv_span_1e9us", "csv_span_1e9.csv;memory budget",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/csv_span_1e9.csv --out {T}/o")
    case("memory", "csv_span_1e9us_run", "csv_span_1e9.csv;memory budget",
         "run --model {E}/bars.nir --dt 1e-3 --input {C}/csv_span_1e9.csv --out {T}/o")
    # N-MNIST .bin (40-bit records: x, y, p|t[22:16], t[15:8], t[7:0]), 34x34, 300 ms.
    ev = bytearray()
    for i in range(4400):
        t = i * 68
        x, y, p = (i * 7) % 34, (i * 13) % 34, i & 1
        ev += bytes([x, y, (p << 7) | ((t >> 16) & 0x7F), (t >> 8) & 0xFF, t & 0xFF])
    put("nmnist_like.bin", bytes(ev))
    nmnist = {
        "input": {"type": "Input", "shape": np.array([2, 34, 34])},
        "pool": {"type": "SumPool2d", "kernel_size": np.array([17, 17]),
                 "stride": np.array([17, 17]), "padding": np.array([0, 0])},
        "flat": {"type": "Flatten", "start_dim": np.int64(0), "end_dim": np.int64(-1),
                 "input_type": np.array([2, 2, 2])},
        "fc": {"type": "Linear", "weight": np.full((2, 8), 0.1)},
        "lif": lif(2),
        "output": {"type": "Output", "shape": np.array([2])},
    }
    write_nir("nmnist_pool.nir", nmnist, POOL_EDGES)
    case("memory", "nmnist_bin_us_1", "nmnist_like.bin;memory budget",
         "golden --model {C}/nmnist_pool.nir --dt 1e-3 --input {C}/nmnist_like.bin --bin-us 1 "
         "--out {T}/o")
    case("memory", "probe_all_uint32", "--probe",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy "
         "--probe lines.lif:0-4294967295 --out {T}/o")
    case("memory", "probe_many_ranges", "--probe",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy "
         "--probe lines.lif:0-400000000,0-400000000,0-400000000 --out {T}/o")
    case("memory", "flit_mesh_1024", "memory budget",
         "run --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy --set noc.fidelity=flit "
         "--set mesh.x=1024 --set mesh.y=1024 --out {T}/o")
    case("memory", "timesteps_max_on_big_frames", "memory budget",
         "golden --model {C}/nmnist_pool.nir --dt 1e-3 --input {C}/nmnist_like.bin "
         "--timesteps 1048576 --out {T}/o")
    case("memory", "budget_small_refuses", "memory budget",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy --memory-budget 1KiB "
         "--out {T}/o")
    # AEDAT4: one Zstd packet of RLE blocks inflating to 4 GiB from ~130 KB.
    xml = ('<dv version="2.0"><node name="outInfo" path="/outInfo/"><node name="0" '
           'path="/outInfo/0/"><attr key="compression" type="string">ZSTD</attr><attr '
           'key="typeIdentifier" type="string">EVTS</attr><node name="info" '
           'path="/outInfo/0/info/"><attr key="sizeX" type="int">16</attr><attr key="sizeY" '
           'type="int">16</attr></node></node></node></dv>\n').encode()
    hdr = struct.pack("<I", 20) + b"IOHE" + struct.pack("<6H", 10, 20, 4, 8, 16, 0)
    hdr += struct.pack("<iiqI", 12, 3, -1, 4) + struct.pack("<I", len(xml)) + xml + b"\0"
    # A packet that announces (size prefix) 28 bytes of one event vector of 0x01 bytes...
    head = struct.pack("<I", 0x0101_0101)  # size prefix: 16 MB
    frame = b"\x28\xb5\x2f\xfd" + bytes([0x00, 0x38])  # no content size, window 128 KiB
    blocks = 4 << 13  # 32768 RLE blocks of 128 KiB = 4 GiB
    for i in range(blocks):
        last = 1 if i == blocks - 1 else 0
        bh = last | (1 << 1) | ((128 * 1024) << 3)
        frame += struct.pack("<I", bh)[:3] + b"\x01"
    del head
    body = b"#!AER-DAT4.0\r\n" + struct.pack("<I", len(hdr)) + hdr
    body += struct.pack("<iI", 0, len(frame)) + frame
    put("zstd_bomb.aedat4", body)
    case("memory", "aedat4_zstd_bomb", "zstd_bomb.aedat4;packet 0",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/zstd_bomb.aedat4 --out {T}/o")

    # ---- wrong exit codes, unlocated messages --------------------------------------------------
    case("exit", "labels_missing", "none.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy "
         "--labels {T}/none.npy --out {T}/o")
    case("exit", "report_json_is_folder", "report.json",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy --out {T}/o",
         setup="mkdir:o/report.json")
    case("exit", "layer_does_not_fit", "bars.nir;does not fit",
         "compile {E}/bars.nir --dt 1e-3 --set core.neurons=16 -o {T}/m.scb")
    put("garbage.scb", b"SCB\0" + bytes(range(256)) * 4)
    case("exit", "scb_garbage_run", "garbage.scb",
         "run --model {C}/garbage.scb --input {E}/bars_events.npy --out {T}/o")
    case("exit", "scb_garbage_disasm", "garbage.scb", "disasm {C}/garbage.scb")
    put("truncated.nir", open(os.path.join(CORPUS, "conv_oc0.nir"), "rb").read()[:3000])
    compile_case("exit", "nir_truncated", "", "truncated.nir")
    put("not_hdf5.nir", b"this is not a model\n" * 10)
    compile_case("exit", "nir_not_hdf5", "", "not_hdf5.nir")
    put("empty.npy", b"")
    case("exit", "npy_empty", "empty.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/empty.npy --out {T}/o")
    put("truncated_data.npy", npy_bytes("<f4", "(3, 2, 16, 16)", b"\0" * 100))
    case("exit", "npy_truncated_data", "truncated_data.npy",
         "golden --model {E}/bars.nir --dt 1e-3 --input {C}/truncated_data.npy --out {T}/o")
    put("garbage.sasm", b"\xff\xfe this is not assembly {{{{\n" * 3)
    case("exit", "asm_garbage", "garbage.sasm:1:", "asm {C}/garbage.sasm -o {T}/x.scb")
    nir = write_nir("no_output.nir", {k: v for k, v in mini().items() if k != "output"},
                    MINI_EDGES[:2])
    compile_case("exit", "nir_no_output", "output", nir)

    # ---- output left behind --------------------------------------------------------------------
    case("leftover", "probe_out_report_json", "--probe-out",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy --probe lines.lif:0 "
         "--probe-out report.json --out {T}/o")
    case("leftover", "listing_missing_folder", "nodir",
         "compile {E}/bars.nir --dt 1e-3 -o {T}/m.scb --listing {T}/nodir/m.sasm")
    case("leftover", "compile_onto_model", "model",
         "compile {T}/mini.nir --dt 1e-3 -o {T}/mini.nir", setup="copy:mini.nir")
    case("leftover", "compile_onto_input", "mini_input.npy",
         "compile {E}/bars.nir --dt 1e-3 --input {T}/mini_input.npy -o {T}/mini_input.npy",
         setup="copy:mini_input.npy")
    case("leftover", "out_is_a_file", "o",
         "golden --model {E}/bars.nir --dt 1e-3 --input {E}/bars_events.npy --out {T}/o",
         setup="mkfile:o")

    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("# Generated by gen_corpus.py: CLASS | NAME | EXPECT | SETUP | ARGS\n")
        f.write("\n".join(cases) + "\n")
    total = sum(os.path.getsize(os.path.join(CORPUS, n)) for n in os.listdir(CORPUS))
    print(f"{len(cases)} cases, {len(os.listdir(CORPUS))} files, {total / 1024:.0f} KiB")


if __name__ == "__main__":
    sys.exit(main())
