#!/usr/bin/python3
"""Every citation of the model document ("docs/MODEL.md section(s) N", "MODEL.md §N") in the
sources, tests, tools, docs and README names a section that docs/MODEL.md has, and no file
cites a MODEL.md outside docs/ (issue 13).

Usage: test_docs.py SOURCE_DIR"""
import os
import re
import sys

import uphill_testlib as T


def main():
    src = sys.argv[1]
    model = open(os.path.join(src, "docs", "MODEL.md"), encoding="utf-8").read()
    sections = set(re.findall(r"^## (\d+)\. ", model, re.M))
    T.check({"1", "2", "3", "4"} <= sections, "docs/MODEL.md has sections 1-4 (has %s)" % sorted(sections))
    cite = re.compile(r"((?:docs/)?MODEL\.md\]?(?:\([^)]*\))?)\s+(?:sections?\s+|§)([\d, and]+)")
    count = 0
    for top in ("src", "include", "tests", "tools", "docs", "benchmarks", "README.md"):
        path = os.path.join(src, top)
        files = [path] if os.path.isfile(path) else [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs]
        for f in files:
            if f.endswith(("MODEL.md", ".png", ".h5", ".csv", ".pyc")) or f.endswith("test_docs.py"):
                continue
            text = open(f, encoding="utf-8", errors="replace").read()
            rel = os.path.relpath(f, src)
            for m in cite.finditer(text):
                count += 1
                ref = m.group(1)
                T.check(ref.startswith("docs/") or rel.startswith("docs/"), "%s cites %s, not docs/MODEL.md" % (rel, ref))
                for n in re.findall(r"\d+", m.group(2)):
                    T.check(n in sections, "%s cites section %s of docs/MODEL.md, which exists" % (rel, n))
    T.check(count >= 20, "found the citations (%d)" % count)
    T.finish()


if __name__ == "__main__":
    main()
