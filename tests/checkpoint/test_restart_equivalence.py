#!/usr/bin/python3
"""Restart equivalence: N steps straight (checkpointing every H steps) against the same run
cut at the checkpoints and continued with -restart latest.

Every checkpoint restarts the integrator's history (TSRestartStep) in both runs, so on the
same rank count the continued run must be bitwise identical: stats.csv byte for byte, final.h5,
the last checkpoint's state, and (case np1) every field file of an -output_interval series and
fields.xdmf, and the in-situ analysis: analysis.csv (but its two wall-clock columns) and every
S(k) in structure_factor.h5.  Case np2 also uses -stats_interval 5 with checkpoints between rows, which
exercises the iteration counts carried across the restart.  On a different rank count only
round-off differs: the same steps, and time, free energy, mass and the final field agree to
1e-9 (relative; measured ~1e-13), as in test_rank_independence.

Case np1 then continues once more from the final checkpoint: no step, nothing changes.
Case walltime_np1 (BDF2, whose steps take long enough for wall-clock checkpoints between
them): -checkpoint_walltime writes checkpoints at wall-clock moments (so not
bitwise reproducible: each restarts the integrator history); a run stopped half-way continues
from the newest one to the end, within the time-stepping error of an uninterrupted run (the
spinodal instability amplifies differences: 1.5e-2 in c at t = 20 with a checkpoint after
every step, 8e-4 with one every 50 steps; 7.5e-3 .. 8.2e-3 with bdf's std-relative error test
and checkpoints every 0.005 s, 8-12 of them in the first 60 steps).

Cases bdf_*: the same with the BDF2 + Newton-multigrid integrator.

Cases measured_np1, measured_np2, measured_np3 (-fft_planning measure, 3D periodic and the
quasi-2D no-flux problem, 1, 2 and 3 ranks -- 3: slabs of unequal size): FFTW's measured plans are chosen by timing, so two runs may differ in the
last bits, and so may two ranks' plans for the same local problem; the run plans once more from
rank 0's wisdom, shared by all ranks, the checkpoint stores that wisdom (attribute fftw_wisdom) and
a restart imports it before planning, so a run continued from a checkpoint of run A repeats A bit
for bit.  (Before the sharing, FFTW-MPI's plans were not always repeated on 2 ranks -- c differed
by 5e-14..2e-13 after 12 steps in 4 of 6 tries; with it, 23 of 23 tries were bitwise.)

Usage: test_restart_equivalence.py np1|np2|np4_to_np2|np2_to_np1|walltime_np1|bdf_np1|bdf_np2_to_np1|measured_np1|measured_np2|measured_np3"""
import os
import sys

import numpy as np

import uphill_testlib as T
import ckpt_testlib as C

CASES = {  # ranks of the straight run and of the continued segments, segments, extra options
    "np1": dict(np_a=1, np_b=1, n=24, cuts=(8, 16), extra=["-output_interval", "0.01", "-analysis_interval", "0.008"]),
    "np2": dict(np_a=2, np_b=2, n=24, cuts=(12,), extra=["-stats_interval", "5"]),
    "np4_to_np2": dict(np_a=4, np_b=2, n=24, cuts=(12,), extra=[]),
    "np2_to_np1": dict(np_a=2, np_b=1, n=24, cuts=(12,), extra=[]),
    "bdf_np1": dict(np_a=1, np_b=1, n=24, cuts=(8, 16), extra=C.BDF + ["-output_interval", "0.002", "-analysis_interval", "0.0015"]),
    "bdf_np2_to_np1": dict(np_a=2, np_b=1, n=24, cuts=(12,), extra=C.BDF),
    "walltime_np1": None,
    "measured_np1": None,
    "measured_np2": None,
    "measured_np3": None,
}
TOL = 1e-9


def measured(np_):
    """Run A with measured plans, checkpoints at steps 12 and 24; run B continues from A's
    checkpoint of step 12 in a directory of its own: B's step 24 must be A's, bit for bit."""
    import h5py
    import shutil
    problems = {"3d_periodic": T.DIMLESS + ["-c0", "0.45", "-ic", "noise", "-ic_amplitude", "0.02", "-ic_seed", "5",
                                            "-da_grid_x", "20", "-da_grid_y", "18", "-da_grid_z", "16", "-Lx", "10", "-Ly", "9",
                                            "-Lz", "8", "-bc", "periodic", "-ts_max_time", "1e4", "-progress_interval", "1000"],
                "2d_noflux": C.BASE}
    for name, base in problems.items():
        opts = ["-fft_planning", "measure", "-ts_max_steps", "24", "-checkpoint_steps", "12", "-checkpoint_keep", "5"]
        a, b = T.fresh_dir("measured_" + name), T.fresh_dir("measured_%s_continued" % name)
        T.run(base + ["-output_dir", a] + opts, np_)
        ckpt = os.path.join(a, "checkpoints", "ckpt_00000012.h5")
        with h5py.File(ckpt, "r") as f:
            w = f.attrs.get("fftw_wisdom", b"")
        w = w.decode() if isinstance(w, bytes) else str(w)
        T.check(w.startswith("(fftw-3") and "fftw_" in w[20:], "%s: the checkpoint stores FFTW's wisdom (%d characters)" % (name, len(w)))
        os.makedirs(os.path.join(b, "checkpoints"))
        shutil.copy(ckpt, os.path.join(b, "checkpoints"))
        p = T.run(base + ["-output_dir", b, "-restart", "latest"] + opts, np_)
        T.check("does not accept the wisdom" not in p.stderr, "%s: FFTW accepts the stored wisdom" % name)
        T.check(int(T.read_stats(b)["step"][-1]) == 24, "%s: the continued run ends at step 24" % name)
        C.same_fields(os.path.join(a, "final.h5"), os.path.join(b, "final.h5"), "%s: final.h5 of the run continued from A's checkpoint and A's own" % name)
    T.finish()


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        T.die("usage: test_restart_equivalence.py " + "|".join(CASES))
    case = CASES[sys.argv[1]]
    if sys.argv[1].startswith("measured"):
        return measured(int(sys.argv[1][-1]))
    if case is None:
        return walltime()
    n, cuts, H = case["n"], case["cuts"], case["cuts"][0]
    bitwise = case["np_a"] == case["np_b"]
    a = T.fresh_dir("straight")
    b = T.fresh_dir("continued")
    T.run(C.args(a, "-ts_max_steps", n, "-checkpoint_steps", H, *case["extra"]), case["np_a"])
    # the first segment on np_a ranks, the following ones on np_b
    T.run(C.args(b, "-ts_max_steps", cuts[0], "-checkpoint_steps", H, *case["extra"]), case["np_a"])
    T.check(int(T.read_stats(b)["step"][-1]) == cuts[0], "first segment stops at step %d" % cuts[0])
    for k, end in enumerate(list(cuts[1:]) + [n]):
        p = T.run(C.args(b, "-ts_max_steps", end, "-checkpoint_steps", H, "-restart", "latest", *case["extra"]), case["np_b"])
        T.check("restart: continuing from %s/checkpoints/ckpt_%08d.h5 at step %d" % (b, cuts[k], cuts[k]) in p.stdout,
                "segment %d continues from the checkpoint of step %d" % (k + 2, cuts[k]))
    sa, sb = T.read_stats(a), T.read_stats(b)
    T.check(np.array_equal(sa["step"], sb["step"]), "the same rows (%d straight, %d continued)" % (len(sa["step"]), len(sb["step"])))
    T.check(int(sb["step"][-1]) == n, "continued run ends at step %d" % n)
    last = "ckpt_%08d.h5" % n
    T.check(C.checkpoints(a) == C.checkpoints(b) and last in C.checkpoints(b),
            "the same checkpoints kept (-checkpoint_keep 2): %s" % C.checkpoints(b))
    if bitwise:
        T.check(C.file_bytes(os.path.join(a, "stats.csv")) == C.file_bytes(os.path.join(b, "stats.csv")),
                "stats.csv byte-identical (%d rows)" % len(sa["step"]))
        C.same_fields(os.path.join(a, "final.h5"), os.path.join(b, "final.h5"), "final.h5")
        ka, _ = C.read_fields(os.path.join(a, "checkpoints", last))
        kb, _ = C.read_fields(os.path.join(b, "checkpoints", last))
        T.check(np.array_equal(ka["state"], kb["state"]), "the state of %s bitwise equal" % last)
        if "-output_interval" in case["extra"]:
            fa = sorted(f for f in os.listdir(a) if f.startswith("fields_"))
            fb = sorted(f for f in os.listdir(b) if f.startswith("fields_"))
            if T.check(fa == fb and len(fa) > 3, "the same field files (%d)" % len(fa)):
                for f in fa:
                    C.same_fields(os.path.join(a, f), os.path.join(b, f), f)
            T.check(C.file_bytes(os.path.join(a, "fields.xdmf")) == C.file_bytes(os.path.join(b, "fields.xdmf")),
                    "fields.xdmf byte-identical")
        if "-analysis_interval" in case["extra"]:
            same_analysis(a, b)
        # a chained job after the end: continues from the final checkpoint, takes no step
        before = C.snapshot(b)
        p = T.run(C.args(b, "-ts_max_steps", n, "-checkpoint_steps", H, "-restart", "latest", *case["extra"]), case["np_b"])
        T.check("after %d steps" % n in p.stdout and ": 0 steps, 0 rejected" in p.stdout, "a restart after the end takes no step")
        after = C.snapshot(b)
        T.check(all(after[f][0] == before[f][0] for f in ("stats.csv", os.path.join("checkpoints", last))),
                "... and leaves stats.csv and the last checkpoint as they were")
        C.same_fields(os.path.join(a, "final.h5"), os.path.join(b, "final.h5"), "... and final.h5")
    else:
        T.check(np.array_equal(sa["rejected"], sb["rejected"]), "the same rejected steps")
        for col in ("time", "free_energy", "mass", "c_std"):
            d = np.max(np.abs(sa[col] - sb[col]) / np.maximum(np.abs(sa[col]), 1e-300))
            T.check(d <= TOL, "%-11s max relative difference %.3e (<= %.0e)" % (col, d, TOL))
        ca = T.read_final(a, "c")
        cb = T.read_final(b, "c")
        d = float(np.max(np.abs(ca - cb)))
        T.check(d <= TOL, "final c max difference %.3e (<= %.0e)" % (d, TOL))
    T.finish()


def same_analysis(a, b):
    """analysis.csv row for row (all but the wall-clock columns) and S(k) bitwise."""
    import h5py
    def rows(d):
        with open(os.path.join(d, "analysis.csv")) as fp:
            lines = fp.read().splitlines()
        head = lines[0].split(",")
        keep = [i for i, h in enumerate(head) if not h.endswith("_seconds")]
        return [[l.split(",")[i] for i in keep] for l in lines]
    ra, rb = rows(a), rows(b)
    T.check(ra == rb and len(ra) > 5, "analysis.csv: the same %d rows (but wall-clock columns)" % (len(ra) - 1))
    with h5py.File(os.path.join(a, "structure_factor.h5"), "r") as fa, h5py.File(os.path.join(b, "structure_factor.h5"), "r") as fb:
        ga, gb = sorted(fa), sorted(fb)
        same = ga == gb and all(np.array_equal(fa[g][...], fb[g][...]) if g == "k" else
                                all(np.array_equal(fa[g][d][...], fb[g][d][...]) for d in ("S", "count")) for g in ga)
        T.check(same, "structure_factor.h5: the same %d spectra, bitwise" % (len(ga) - 1))


def walltime():
    half = 60  # steps of ~1 ms here since issue 11's solvers: room for several wall-clock checkpoints
    end = ["-ts_max_time", "20", "-ts_max_steps", "100000"]  # replaces BASE's -ts_max_time: the last one counts
    wt = ["-checkpoint_walltime", "0.005", "-checkpoint_keep", "3"]
    ref = T.fresh_dir("uninterrupted")
    T.run(C.args(ref, *C.BDF, *end))
    b = T.fresh_dir("walltime")
    p = T.run(C.args(b, *C.BDF, *end, "-ts_max_steps", half, *wt))
    written = [l for l in p.stdout.splitlines() if l.startswith("checkpoint: wrote")]
    T.check(len(written) >= 2, "-checkpoint_walltime 0.005: %d checkpoints in the first %d steps (the last at its end)" % (len(written), half))
    T.check(len([f for f in C.checkpoints(b) if f.endswith(".h5")]) == min(3, len(written)), "-checkpoint_keep 3 keeps %s" % C.checkpoints(b))
    p = T.run(C.args(b, *C.BDF, *end, "-restart", "latest", *wt))
    T.check("continuing from %s/checkpoints/ckpt_%08d.h5" % (b, half) in p.stdout, "continues from the newest checkpoint (step %d)" % half)
    sa, sb = T.read_stats(ref), T.read_stats(b)
    nb = int(sb["step"][-1])
    T.check(np.array_equal(sb["step"], np.arange(nb + 1)), "stats.csv: every step once, 0..%d" % nb)
    T.check(sa["time"][-1] == 20 and sb["time"][-1] == 20, "both end at t = 20 (%d and %d steps)" % (int(sa["step"][-1]), nb))
    d = float(np.max(np.abs(T.read_final(ref, "c") - T.read_final(b, "c"))))
    # measured: 1.5e-2 with a checkpoint after every step, 8e-4 with one every 50 steps
    T.check(d <= 3e-2, "final c within the time-stepping error of the uninterrupted run (max difference %.2e <= 3e-2)" % d)
    T.finish()


if __name__ == "__main__":
    main()
