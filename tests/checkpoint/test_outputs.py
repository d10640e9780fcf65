#!/usr/bin/python3
"""Field output: fields_NNNNNN.h5 (-output_interval T, -output_steps M) and fields.xdmf.

Checks, read back with h5py and xml.etree:
  - the files' times: 0, every multiple of T up to the end, and the states of every M-th step;
  - the file at the end time equals final.h5 bitwise, and the file of step n equals the
    final.h5 of a run stopped at step n;
  - a file due between two steps is the integrator's dense output there: for BDF2 (case
    quasi2d_np2) the quadratic through the states of the last three steps (saved with
    -output_steps 1), to 1e-12; for the Rosenbrock-W method (case 3d_np2, the default) its own
    third-order interpolant, which differs from that quadratic by O(dt^3): within 5% of the
    state's change over the step (a stale or mistimed state is off by O(100%));
  - writing fields changes nothing of the run: stats.csv byte-identical without them;
  - each file's attributes (time, step, grid, lengths, bc, model parameters, complete) and
    dataset shapes [Nz][Ny][Nx]; uphill3d-files check passes them all;
  - fields.xdmf parses; a temporal collection with one grid per file, in time order, whose
    times, node dimensions, spacing, attribute dimensions and HDF5 paths match the files;
  - -ic file reads a field file back (c bitwise), also an older [Ny][Nx] file, and refuses
    one of another grid.

Usage: test_outputs.py quasi2d_np2|3d_np2"""
import math
import os
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np

import uphill_testlib as T
import ckpt_testlib as C

CASES = {"quasi2d_np2": dict(grid=(16, 12, 1), L=(8.0, 6.0, 1.0), np_=2, integrator=C.BDF),
         "3d_np2": dict(grid=(10, 8, 6), L=(5.0, 4.0, 3.0), np_=2, integrator=[])}
T_OUT, T_END, M = 0.5, 3.0, 7


def case_args(case, out, *extra):
    g, L = case["grid"], case["L"]
    a = C.args(out, *case["integrator"], *extra)
    for k, v in (("-da_grid_x", g[0]), ("-da_grid_y", g[1]), ("-da_grid_z", g[2]), ("-Lx", L[0]), ("-Ly", L[1])):
        a[a.index(k) + 1] = str(v)
    return a + ["-Lz", str(L[2])]


def field_files(out):
    return sorted(f for f in os.listdir(out) if f.startswith("fields_") and f.endswith(".h5"))


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        T.die("usage: test_outputs.py " + "|".join(CASES))
    case = CASES[sys.argv[1]]
    np_, (nx, ny, nz), (lx, ly, lz) = case["np_"], case["grid"], case["L"]
    end = ["-ts_max_time", T_END, "-ts_max_steps", 100000]

    a = T.fresh_dir("with_output")
    T.run(case_args(case, a, *end, "-output_interval", T_OUT, "-output_steps", M), np_)
    plain = T.fresh_dir("without_output")
    T.run(case_args(case, plain, *end), np_)
    T.check(C.file_bytes(os.path.join(a, "stats.csv")) == C.file_bytes(os.path.join(plain, "stats.csv")),
            "stats.csv byte-identical with and without field output")
    s = T.read_stats(a)
    nsteps = int(s["step"][-1])

    files = field_files(a)
    meta = []
    for f in files:
        with h5py.File(os.path.join(a, f), "r") as h:
            meta.append((f, float(h.attrs["time"]), int(h.attrs["step"])))
    times = [t for _, t, _ in meta]
    want_interval = [k * T_OUT for k in range(0, int(round(T_END / T_OUT)) + 1)]
    T.check(all(t in times for t in want_interval), "a file at every multiple of %g up to %g" % (T_OUT, T_END))
    step_files = [m for m in meta if m[2] % M == 0 and m[1] == s["time"][list(s["step"]).index(m[2])]]
    T.check(sorted(m[2] for m in step_files) == list(range(0, nsteps + 1, M)), "a file at every %d-th step (%s)" % (M, [m[2] for m in step_files]))
    T.check(times == sorted(times) and len(set(times)) == len(times), "%d files, in time order, no time twice" % len(files))
    C.same_fields(os.path.join(a, files[-1]), os.path.join(a, "final.h5"), "the file at t = %g vs final.h5" % T_END)

    # the file of step n against a run stopped at step n
    n = max(m[2] for m in step_files if m[2] < nsteps)
    stop = T.fresh_dir("stopped_at_%d" % n)
    T.run(case_args(case, stop, "-ts_max_time", T_END, "-ts_max_steps", n), np_)
    fn = [m[0] for m in step_files if m[2] == n][0]
    C.same_fields(os.path.join(a, fn), os.path.join(stop, "final.h5"), "%s (step %d) vs final.h5 of a run stopped there" % (fn, n))

    # dense output: the quadratic through the last three steps' states
    d = T.fresh_dir("every_step")
    T.run(case_args(case, d, *end, "-output_interval", T_OUT, "-output_steps", 1), np_)
    dm = []
    for f in field_files(d):
        fl, at = C.read_fields(os.path.join(d, f))
        dm.append((float(at["time"]), int(at["step"]), fl))
    by_step = {st: (t, fl) for t, st, fl in dm if t == float(s["time"][list(s["step"]).index(st)])}
    checked = 0
    for t, st, fl in dm:
        if st in by_step and by_step[st][0] == t or st < 2:
            continue  # a step's own state, or inside the first (restart) step
        (t0, f0), (t1, f1), (t2, f2) = by_step[st], by_step[st - 1], by_step[st - 2]
        w0 = (t - t1) * (t - t2) / ((t0 - t1) * (t0 - t2))
        w1 = (t - t0) * (t - t2) / ((t1 - t0) * (t1 - t2))
        w2 = (t - t0) * (t - t1) / ((t2 - t0) * (t2 - t1))
        for k in ("c", "mu"):
            q = w0 * f0[k] + w1 * f1[k] + w2 * f2[k]
            if case["integrator"]:  # BDF2's own interpolant
                err = float(np.max(np.abs(q - fl[k]))) / float(np.max(np.abs(fl[k])))
                T.check(err <= 1e-12, "t = %g (in step %d, (%.6g, %.6g]): %s = quadratic through steps %d..%d, relative difference %.2e"
                        % (t, st, t1, t0, k, st - 2, st, err))
            else:
                err = float(np.max(np.abs(q - fl[k]))) / float(np.max(np.abs(f0[k] - f1[k])))
                T.check(err <= 0.05, "t = %g (in step %d, (%.6g, %.6g]): %s within %.2e of the step's change from the quadratic through steps %d..%d"
                        % (t, st, t1, t0, k, err, st - 2, st))
        checked += 1
    T.check(checked >= 3, "%d interpolated files checked" % checked)

    # attributes and shapes; the checker
    with h5py.File(os.path.join(a, files[1]), "r") as h:
        at = {k: h.attrs[k] for k in h.attrs}
        T.check((int(at["grid_x"]), int(at["grid_y"]), int(at["grid_z"])) == (nx, ny, nz), "grid attributes %dx%dx%d" % (nx, ny, nz))
        T.check((float(at["Lx"]), float(at["Ly"]), float(at["Lz"])) == (lx, ly, lz), "length attributes")
        T.check(at["bc"] == b"noflux" and at["free_energy"] == b"regular_solution" and float(at["kappa"]) == 1 and float(at["omega"]) == 3
                and float(at["temperature"]) == 1 and float(at["mobility"]) == 1 and int(at["complete"]) == 1, "model attributes and the complete marker")
        T.check(h["c"].shape == (nz, ny, nx) and h["mu"].shape == (nz, ny, nx), "datasets c and mu of shape [Nz][Ny][Nx] = %s" % (h["c"].shape,))
    T.check(C.tool("check", *[os.path.join(a, f) for f in files + ["final.h5"]]).returncode == 0, "uphill3d-files check passes every field file")

    # the XDMF index
    root = ET.parse(os.path.join(a, "fields.xdmf")).getroot()
    coll = root.find("Domain/Grid")
    grids = coll.findall("Grid")
    T.check(root.tag == "Xdmf" and coll.get("GridType") == "Collection" and coll.get("CollectionType") == "Temporal",
            "fields.xdmf: a temporal collection")
    T.check(len(grids) == len(files), "fields.xdmf: %d grids for %d files" % (len(grids), len(files)))
    bad = []
    for g, (f, t, _) in zip(grids, meta):
        topo, geo = g.find("Topology"), g.find("Geometry")
        items = geo.findall("DataItem")
        spacing = [float(x) for x in items[1].text.split()]
        if float(g.find("Time").get("Value")) != t:
            bad.append("%s: time" % f)
        if topo.get("TopologyType") != "3DCoRectMesh" or topo.get("Dimensions") != "%d %d %d" % (nz + 1, ny + 1, nx + 1):
            bad.append("%s: topology %s" % (f, topo.attrib))
        if geo.get("GeometryType") != "ORIGIN_DXDYDZ" or [float(x) for x in items[0].text.split()] != [0, 0, 0] or \
           not all(math.isclose(u, v, rel_tol=1e-15) for u, v in zip(spacing, (lz / nz, ly / ny, lx / nx))):
            bad.append("%s: geometry" % f)
        names = []
        for att in g.findall("Attribute"):
            di = att.find("DataItem")
            path, dset = di.text.strip().split(":")
            names.append(att.get("Name"))
            with h5py.File(os.path.join(a, path), "r") as h:
                if path != f or dset != "/" + att.get("Name") or att.get("Center") != "Cell" or \
                   di.get("Dimensions") != " ".join(str(x) for x in h[dset].shape) or di.get("Format") != "HDF" or di.get("Precision") != "8":
                    bad.append("%s: attribute %s" % (f, att.attrib))
        if names != ["c", "mu"]:
            bad.append("%s: attributes %s" % (f, names))
    T.check(not bad, "fields.xdmf: times, dimensions, spacing and paths match the files %s" % bad[:3])

    # -ic file with these files
    src = os.path.join(a, files[2])
    ic = T.fresh_dir("ic_file")
    T.run(case_args(case, ic, "-ic", "file", "-ic_file", src, "-ts_max_steps", 0), np_)
    T.check(np.array_equal(C.read_fields(src)[0]["c"], T.read_final(ic, "c")), "-ic file: c read back bitwise from %s" % files[2])
    legacy = os.path.abspath("legacy.h5")
    with h5py.File(legacy, "w") as h:
        h["c"] = C.read_fields(src)[0]["c"].reshape([x for x in (nz, ny, nx) if x > 1])  # before: [Ny][Nx] for a 2D grid
    if nz == 1:
        ic2 = T.fresh_dir("ic_legacy")
        T.run(case_args(case, ic2, "-ic", "file", "-ic_file", legacy, "-ts_max_steps", 0), np_)
        T.check(np.array_equal(C.read_fields(src)[0]["c"], T.read_final(ic2, "c")), "-ic file: an older [Ny][Nx] file still reads")
    wrong = case_args(case, T.fresh_dir("ic_wrong"), "-ic", "file", "-ic_file", src, "-ts_max_steps", 0)
    wrong[wrong.index("-da_grid_x") + 1] = str(2 * nx)
    p = T.run(wrong, np_, check=False)
    T.check(p.returncode != 0 and "grid %dx%dx%d in the file vs %dx%dx%d in the options" % (nx, ny, nz, 2 * nx, ny, nz) in p.stderr,
            "-ic file refuses a file of another grid: %s" % [l for l in p.stderr.splitlines() if "error" in l][:1])
    T.finish()


if __name__ == "__main__":
    main()
