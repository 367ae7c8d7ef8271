#!/usr/bin/env python3
"""Heap at the peak of a massif profile, by the first of our functions on each allocation path.

    valgrind --tool=massif --massif-out-file=M.out build/spikechip run ...
    tools/massif_peak.py M.out [--snapshot N] [--list]

ms_print shows the allocator frames first (std::vector internals, 10 levels deep); this walks
the peak snapshot's tree and stops at the first frame in one of our namespaces (compiler::,
cli::, sim::, isa::, arch::, workloads::), so each line is "who asked for the bytes".
Allocations with none of our frames (SystemC's and the runtime's start-up) are one line.
"""
import argparse
import re
import sys

OURS = re.compile(r"\b(compiler|cli|sim|simsysc|isa|arch|workloads)::")
NODE = re.compile(r"^( *)n(\d+): (\d+) (.*)$")


def parse_snapshots(path):
    """Yields (index, heap_tree_lines, is_peak) for each detailed snapshot."""
    snap, lines, peak, in_tree = None, [], False, False
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("snapshot="):
                if snap is not None and lines:
                    yield snap, lines, peak
                snap, lines, peak, in_tree = int(line.split("=")[1]), [], False, False
            elif line == "heap_tree=peak":
                peak, in_tree = True, True
            elif line == "heap_tree=detailed":
                in_tree = True
            elif line.startswith("heap_tree="):
                in_tree = False
            elif in_tree and NODE.match(line):
                lines.append(line)
    if snap is not None and lines:
        yield snap, lines, peak


def attribute(lines):
    """Bytes per first-of-ours frame, from a massif heap tree (pre-order, indented)."""
    nodes = []  # (depth, bytes, desc)
    for line in lines:
        m = NODE.match(line)
        nodes.append((len(m.group(1)), int(m.group(3)), m.group(4)))
    totals = {}
    total = nodes[0][1]
    i = 1
    while i < len(nodes):
        depth, size, desc = nodes[i]
        if OURS.search(desc) or depth == 1 and "below massif's threshold" in desc:
            key = short(desc) if OURS.search(desc) else "(below threshold)"
            totals[key] = totals.get(key, 0) + size
            j = i + 1  # skip the subtree: its bytes are in this node's
            while j < len(nodes) and nodes[j][0] > depth:
                j += 1
            i = j
            continue
        has_children = i + 1 < len(nodes) and nodes[i + 1][0] > depth
        if not has_children:  # a path with none of our frames
            totals["(outside our code: SystemC, runtime)"] = (
                totals.get("(outside our code: SystemC, runtime)", 0) + size)
        i += 1
    return total, totals


def short(desc):
    desc = re.sub(r"^0x[0-9A-F]+: ", "", desc)
    desc = desc.replace("std::__cxx11::basic_string<char, std::char_traits<char>, "
                        "std::allocator<char> >", "string")
    desc = re.sub(r"\(anonymous namespace\)::", "", desc)
    m = re.match(r"(.*?)\((.*)\) \(([^()]*)\)$", desc)  # name(args) (file:line)
    return f"{m.group(1)} ({m.group(3)})" if m else desc


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("massif_out")
    ap.add_argument("--snapshot", type=int, help="a detailed snapshot instead of the peak")
    ap.add_argument("--list", action="store_true", help="list the detailed snapshots' heaps")
    a = ap.parse_args()
    if a.list:
        for snap, lines, peak in parse_snapshots(a.massif_out):
            total = int(NODE.match(lines[0]).group(3))
            print(f"snapshot {snap}: {total / 2**20:.1f} MiB{' (peak)' if peak else ''}")
        return
    chosen = None
    for snap, lines, peak in parse_snapshots(a.massif_out):
        if (a.snapshot is None and peak) or snap == a.snapshot:
            chosen = (snap, lines)
    if not chosen:
        sys.exit("no such snapshot (detailed snapshots only)")
    total, totals = attribute(chosen[1])
    print(f"snapshot {chosen[0]}: {total / 2**20:.1f} MiB heap")
    for key, size in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"{size / 2**20:9.1f} MiB  {key}")


if __name__ == "__main__":
    main()
