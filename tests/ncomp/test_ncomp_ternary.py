#!/usr/bin/python3
"""Issue 5, test 4: a ternary spinodal run (regular solution, Omega_ij = 4 RT for every pair:
both Hessian eigenvalues at c0 = (1/3, 1/3) negative), 2D, through the nonlinear stage, with a
concentration-dependent (lattice-fixed) Onsager matrix and a coupled gradient-energy matrix.

  conservation_<bc>: the mass of every component conserved to 1e-12 relative on every row
      (round-off: ~1e-16 per step and cell); the free energy never rises by more than
      1e-12 |F| over a step (round-off only, as the binary energy test); it falls overall.
  ranks: the same run on 1, 2 and 4 ranks agrees to 1e-9 relative on every stats.csv row
      and in the final fields: with the defaults (the etd integrator, transforms on slabs) and
      on the bdf path (tight Newton/Krylov tolerances, as tests/test_rank_independence.py).
  restart: a run restarted from a checkpoint in its middle (N = 3: the checkpoint holds c_1, c_2,
      mu_1, mu_2) writes the same stats.csv and the same final fields, bitwise, as the run
      that went on; tools/uphill3d-files validates the N = 3 files; -ic file reads c_1, c_2."""
import filecmp
import os
import shutil
import sys

import numpy as np

import ncomp_testlib as N

W = 4.0
MODEL = N.DIMLESS + ["-components", 3, "-omega_matrix", N.mat([[0, W, W], [W, 0, W], [W, W, 0]]),
                     "-atomic_mobilities", "1,0.7,0.5", "-kappa_matrix", "1,0.2,0.2,0.8",
                     "-c0", "0.3333,0.3333", "-ic", "noise", "-ic_amplitude", 0.05,
                     "-da_grid_x", 24, "-da_grid_y", 24, "-da_grid_z", 1, "-Lx", 24, "-Ly", 24,
                     "-ts_max_time", 60, "-progress_interval", 1e9]
TIGHT = ["-snes_rtol", "1e-12", "-snes_atol", "1e-13", "-ksp_rtol", "1e-12"]
mode = sys.argv[1]


def run(extra, out, np_=1):
    N.T.run(MODEL + extra + ["-output_dir", out], np_=np_)
    return N.read_stats(out)


if mode.startswith("conservation_"):
    bc = mode.split("_")[1]
    s = run(["-bc", bc], N.T.fresh_dir("out"))
    ms = N.masses(s)
    N.check(len(ms) == 2, "stats.csv has mass_1 and mass_2")
    for i, m in enumerate(ms):
        drift = np.abs(m - m[0]) / abs(m[0])
        N.check(drift.max() <= 1e-12, "mass_%d conserved to 1e-12 relative over %d rows (max drift %.3e)" % (i + 1, len(m), drift.max()))
    F = s["free_energy"]
    rel = (F[1:] - F[:-1]) / np.abs(F[:-1])
    N.check(rel.max() <= 1e-12, "F never rose by more than 1e-12 |F| over a step (max relative change %.3e)" % rel.max())
    N.check(F[-1] < F[0], "F fell overall (%.6g -> %.6g)" % (F[0], F[-1]))
    N.check(s["c_std"][-1] > 5 * s["c_std"][0], "the ternary spinodal decomposition happened (c_1 std %.3g -> %.3g)" % (s["c_std"][0], s["c_std"][-1]))
elif mode == "ranks":
    for label, solver in (("defaults (etd)", []), ("bdf", ["-integrator", "bdf"] + TIGHT)):
        ref, cref = None, None
        for np_ in (1, 2, 4):
            out = N.T.fresh_dir("out_np%d" % np_)
            s = run(["-bc", "noflux", "-ts_max_time", 20] + solver, out, np_)
            c = N.read_fields(out + "/final.h5", 2)
            if ref is None:
                ref, cref = s, c
                N.check(len(s["step"]) > 10, "%s: the run took %d steps" % (label, len(s["step"])))
                continue
            if not N.check(np.array_equal(s["step"], ref["step"]), "%s, %d ranks: the same steps as on 1 rank" % (label, np_)):
                continue
            for col in ("time", "free_energy", "mass_1", "mass_2", "c_min", "c_max", "c_std"):
                d = np.max(np.abs(s[col] - ref[col]) / np.maximum(np.abs(ref[col]), 1e-300))
                N.check(d <= 1e-9, "%s, %d ranks vs 1: %-11s max relative difference %.3e (<= 1e-9)" % (label, np_, col, d))
            d = np.abs(c - cref).max()
            N.check(d <= 1e-9, "%s, %d ranks vs 1: final c_1, c_2 agree to %.3e (<= 1e-9)" % (label, np_, d))
elif mode == "restart":
    full = N.T.fresh_dir("full")
    s = run(["-bc", "periodic", "-ts_max_time", 30, "-checkpoint_steps", 10, "-checkpoint_keep", 100], full)
    steps = int(s["step"][-1])
    N.check(steps > 25, "the run took %d steps" % steps)
    import h5py
    ck = os.path.join(full, "checkpoints", "ckpt_%08d.h5" % 20)
    with h5py.File(ck, "r") as f:
        N.check(f["state"].shape[-1] == 4, "the N = 3 checkpoint holds 4 values per point (c_1, c_2, mu_1, mu_2): shape %s" % (f["state"].shape,))
    cont = N.T.fresh_dir("cont")
    shutil.copytree(full, cont)
    os.remove(os.path.join(cont, "final.h5"))
    run(["-bc", "periodic", "-ts_max_time", 30, "-checkpoint_steps", 10, "-checkpoint_keep", 100, "-restart", ck], cont)
    N.check(filecmp.cmp(os.path.join(full, "stats.csv"), os.path.join(cont, "stats.csv"), shallow=False),
            "the restarted run's stats.csv is identical to the uninterrupted run's")
    a, b = N.read_fields(full + "/final.h5", 2), N.read_fields(cont + "/final.h5", 2)
    ma, mb = N.read_fields(full + "/final.h5", 2, "mu"), N.read_fields(cont + "/final.h5", 2, "mu")
    N.check(np.array_equal(a, b) and np.array_equal(ma, mb), "final c_1, c_2, mu_1, mu_2 bitwise identical (max diff %.3e)" % np.abs(a - b).max())
    import subprocess
    tool = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools", "uphill3d-files")
    p = subprocess.run([sys.executable, tool, "check", ck, os.path.join(cont, "final.h5")], stdout=subprocess.PIPE, text=True)
    print(p.stdout)
    N.check(p.returncode == 0, "tools/uphill3d-files validates the N = 3 checkpoint and field file (checksums of c_i, mu_i)")
    # -ic file reads every component of a field file
    s2 = run(["-bc", "periodic", "-ic", "file", "-ic_file", os.path.join(full, "final.h5"), "-ts_max_steps", 1], N.T.fresh_dir("fromfile"))
    N.check(all(abs(s2["mass_%d" % i][0] - s["mass_%d" % i][-1]) <= 1e-13 * abs(s["mass_%d" % i][-1]) for i in (1, 2)) and s2["c_std"][0] == s["c_std"][-1],
            "-ic file starts from the file's c_1 and c_2 (masses and c_1 spread of the final row)")
    # a checkpoint of this model refuses a run with another model
    other = ["-bc", "periodic", "-ts_max_time", 30, "-atomic_mobilities", "1,0.7,0.6", "-restart", ck]
    p = N.T.run(MODEL + other + ["-output_dir", cont], check=False)
    N.check(p.returncode != 0 and "atomic_mobilities 1,0.69999999999999996,0.5 in checkpoint vs 1,0.69999999999999996,0.59999999999999998 in options" in p.stderr
            and "-restart_allow_change mobility" in p.stderr, "a restart with other atomic mobilities is refused, naming them and -restart_allow_change mobility")
    p = N.T.run(MODEL + other + ["-kappa_matrix", "1,0.2,0.2,0.9", "-output_dir", cont], check=False)
    N.check(p.returncode != 0 and "kappa_matrix" in p.stderr and "-restart_allow_change kappa" in p.stderr, "... and one with another kappa matrix names kappa_matrix and -restart_allow_change kappa")
    i = MODEL.index("-atomic_mobilities")
    p = N.T.run(MODEL[:i] + MODEL[i + 2:] + other[:4] + ["-mobility_matrix", "1,0,0,1", "-restart", ck, "-output_dir", cont], check=False)
    N.check(p.returncode != 0 and "mobility_model" in p.stderr, "... and one that switches L(c) for a constant L names -restart_allow_change mobility_model")
    cont2 = N.T.fresh_dir("cont2")
    shutil.copytree(full, cont2)
    p = N.T.run(MODEL + other + ["-restart_allow_change", "mobility", "-output_dir", cont2])
    N.check("atomic_mobilities changes from" in p.stdout, "with -restart_allow_change mobility the run continues with the new atomic mobilities")
else:
    N.die("unknown mode " + mode)
N.finish()
