#!/usr/bin/env python3
"""Import circles among airace's top-level modules (src/<module>/ or
src/<module>.rs), from every `crate::<module>` path in the code, comments
and `#[cfg(test)]` modules left out (a test may reach anywhere). Prints
each edge that lies on a circle; exits 1 if any."""
import re, pathlib, sys, itertools
root = pathlib.Path(__file__).resolve().parent.parent / "src"
mods = {p.stem for p in root.glob("*.rs") if p.stem not in ("lib", "main")} | {
    p.name for p in root.iterdir() if p.is_dir()}
edges = {m: set() for m in mods}
for f in root.rglob("*.rs"):
    rel = f.relative_to(root).parts
    src = rel[0][:-3] if len(rel) == 1 else rel[0]
    if src not in mods:
        continue
    text = re.split(r"#\[cfg\(test\)\]\s*(?:pub(?:\(crate\))? )?mod ", f.read_text())[0]
    text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
    for m in re.findall(r"crate::([a-z_]+)", text):
        if m in mods and m != src:
            edges[src].add(m)
    for group in re.findall(r"use crate::\{([^;]*)\}", text):
        for m in re.findall(r"(?:^|[,{\s])([a-z_]+)::", group):
            if m in mods and m != src:
                edges[src].add(m)
# strongly connected components (Tarjan)
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], itertools.count()
def visit(v):
    index[v] = low[v] = next(counter); stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
sys.setrecursionlimit(10000)
for v in sorted(mods):
    if v not in index:
        visit(v)
circles = [c for c in sccs if len(c) > 1]
for c in circles:
    print("circle:", " ".join(sorted(c)))
    for a in sorted(c):
        for b in sorted(edges[a] & set(c)):
            print(f"  {a} -> {b}")
if not circles:
    print("no import circle among", len(mods), "modules")
sys.exit(1 if circles else 0)
