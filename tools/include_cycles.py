#!/usr/bin/env python3
"""Dependency cycles between the source files (issue 10).

Two graphs over src/*.c, src/*.h and include/uphill/*.h:
  include graph: file -> the project headers it #includes;
  call graph:    file.c -> every other .c defining a non-static function whose name file.c
                 uses (any use: a call, or a function pointer put in a table).  Rough and
                 grep-based: comments and strings are stripped, names are matched as words.
Prints each graph's cycles (one cycle per strongly connected component) and exits 1 when
there is any, 0 when there are none.

    tools/include_cycles.py [REPO_ROOT]
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](?:uphill/)?([\w.]+)[>"]', re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", re.S)
# a function definition at file scope: "TYPE Name(args)" at column 0, then "{" (same or next line)
DEFINITION = re.compile(r"^(?!static\b)(?:[A-Za-z_][\w\s\*]*?[\s\*])(\w+)\s*\([^;{]*\)\s*\{", re.M)
WORD = re.compile(r"\b[A-Za-z_]\w*\b")


def sources():
    files = {}
    for folder in ("src", os.path.join("include", "uphill")):
        path = os.path.join(ROOT, folder)
        for name in sorted(os.listdir(path)):
            if name.endswith((".c", ".h")):
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    files[os.path.join(folder, name)] = f.read()
    return files


def include_graph(files):
    by_name = {}
    for path in files:
        by_name.setdefault(os.path.basename(path), []).append(path)
    graph = {path: set() for path in files}
    for path, text in files.items():
        for name in INCLUDE.findall(text):
            for target in by_name.get(name, []):
                if target != path:
                    graph[path].add(target)
    return graph


def call_graph(files):
    code = {p: COMMENT.sub(" ", t) for p, t in files.items() if p.endswith(".c")}
    defined = {}
    for path, text in code.items():
        for name in DEFINITION.findall(text):
            if name not in ("main", "if", "for", "while", "switch", "return"):
                defined.setdefault(name, set()).add(path)
    graph = {path: set() for path in code}
    for path, text in code.items():
        for word in set(WORD.findall(text)):
            for target in defined.get(word, ()):
                if target != path:
                    graph[path].add(target)
    return graph


def cycles(graph):
    """One cycle through each strongly connected component of more than one file (Tarjan)."""
    index, low, stack, on, comps = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    found = []
    for comp in comps:  # a shortest path back to the component's first file
        members, start = set(comp), comp[0]
        prev, frontier = {start: None}, [start]
        while frontier and start not in [w for v in frontier for w in graph[v]]:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v] & members):
                    if w not in prev:
                        prev[w] = v
                        nxt.append(w)
            frontier = nxt
        last = next(v for v in frontier if start in graph[v])
        path = [start]
        while last is not None and last != start:
            path.insert(1, last)
            last = prev[last]
        found.append(path + [start])
    return found


def main():
    files = sources()
    status = 0
    for title, graph in (("include", include_graph(files)), ("call", call_graph(files))):
        found = cycles(graph)
        edges = sum(len(t) for t in graph.values())
        print(f"{title} graph: {len(graph)} files, {edges} edges, {len(found) or 'no'} cycle{'' if len(found) == 1 else 's'}")
        for path in found:
            print("  " + " -> ".join(path))
        status |= bool(found)
    return status


if __name__ == "__main__":
    sys.exit(main())
