#!/usr/bin/env python3
"""Fails when two modules of a crate import each other, directly or around a circle.

Reads every library crate of the workspace (`<crate>/src/**.rs`), turns each file into
its module path, and draws an edge from a module to every other module whose items it
names (`use crate::..`, `crate::..::`, `super::..`), following the crate root's
re-exports to the module that defines an item. The crate root itself only declares and
re-exports, so it is not a node. Prints each cycle found and exits 1; prints one line per
crate and exits 0 when every crate's modules form layers.

Usage: python3 .ci/module-cycles.py [crate-dir ...]   (default: every workspace member with src/lib.rs)
"""
import os
import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        # Drop // comments that are not inside a string (good enough for `use` lines).
        if "//" in line and '"' not in line.split("//", 1)[0]:
            line = line.split("//", 1)[0]
        lines.append(line)
    return "\n".join(lines)


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel in (["lib"], ["main"]):
        return ()
    if rel[-1] == "mod":
        rel = rel[:-1]
    return tuple(rel)


def expand_use_tree(tree):
    """`a::{b, c::d}` -> [['a','b'], ['a','c','d']] (renames and globs reduced to paths)."""
    tree = tree.strip()
    depth = 0
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                prefix = [p for p in tree[:i].split("::") if p.strip()]
                inner = tree[i + 1 : tree.rindex("}")]
                parts, start, d = [], 0, 0
                for j, c in enumerate(inner):
                    if c == "{":
                        d += 1
                    elif c == "}":
                        d -= 1
                    elif c == "," and d == 0:
                        parts.append(inner[start:j])
                        start = j + 1
                parts.append(inner[start:])
                out = []
                for part in parts:
                    if part.strip():
                        for sub in expand_use_tree(part):
                            out.append([p.strip() for p in prefix] + sub)
                return out
            depth += 1
    path = tree.split(" as ")[0].strip()
    return [[p.strip() for p in path.split("::") if p.strip() and p.strip() != "*"]]


def references(text, module):
    """Absolute paths (lists of segments) that a file names inside its crate."""
    refs = []
    for m in re.finditer(r"\buse\s+((?:crate|super|self)\s*::[^;]*);", text, flags=re.S):
        for path in expand_use_tree(m.group(1)):
            refs.append(path)
    for m in re.finditer(r"\b((?:crate|super)(?:\s*::\s*%s)+)" % IDENT, text):
        refs.append([p.strip() for p in m.group(1).split("::")])
    out = []
    for path in refs:
        base = list(module)
        if path[0] == "crate":
            base, path = [], path[1:]
        while path and path[0] in ("super", "self"):
            if path[0] == "super":
                base = base[:-1]
            path = path[1:]
        if path and path[0] != "self":
            out.append(base + [p for p in path if p != "self"])
    return out


def root_reexports(text):
    """Names the crate root re-exports: name -> path of the module it comes from."""
    names = {}
    for m in re.finditer(r"\bpub\s+use\s+([^;]*);", text, flags=re.S):
        tree = m.group(1).strip()
        if tree.startswith("::") or tree.split("::")[0] in ("std", "core", "alloc"):
            continue
        for path in expand_use_tree(tree.removeprefix("crate::").removeprefix("self::")):
            if len(path) >= 2:
                names[path[-1]] = tuple(path[:-1])
    return names


def crate_graph(crate_dir):
    src = os.path.join(crate_dir, "src")
    files = {}
    for folder, _, names in os.walk(src):
        if os.path.relpath(folder, src).split(os.sep)[0] == "bin":
            continue
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    files[module_of(src, path)] = strip_comments(f.read())
    modules = set(files)
    exports = root_reexports(files.get((), ""))
    edges = {m: set() for m in modules if m}
    for module, text in files.items():
        if not module:
            continue
        for path in references(text, module):
            target = None
            for n in range(len(path), 0, -1):
                if tuple(path[:n]) in modules:
                    target = tuple(path[:n])
                    break
            if target is None and len(path) == 1 and path[0] in exports:
                target = exports[path[0]]
                while target and target not in modules:
                    target = target[:-1]
            if target and target != module:
                edges[module].add(target)
    return edges


def cycles(edges):
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def workspace_crates(root):
    with open(os.path.join(root, "Cargo.toml"), encoding="utf-8") as f:
        members = re.search(r"members\s*=\s*\[(.*?)\]", f.read(), flags=re.S).group(1)
    for member in re.findall(r'"([^"]+)"', members):
        if os.path.exists(os.path.join(root, member, "src", "lib.rs")):
            yield os.path.join(root, member)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    crates = sys.argv[1:] or list(workspace_crates(root))
    failed = False
    for crate in crates:
        edges = crate_graph(crate)
        found = cycles(edges)
        name = os.path.relpath(crate, root)
        if found:
            failed = True
            for cycle in found:
                print(f"{name}: cycle: " + " -> ".join("::".join(m) for m in cycle))
        else:
            count = sum(len(v) for v in edges.values())
            print(f"{name}: {len(edges)} modules, {count} imports, no cycle")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
