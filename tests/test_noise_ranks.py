#!/usr/bin/env python3
"""Thermal noise (issue 15; docs/MODEL.md section 6): mass to round-off, the same trajectory on
1 and 2 ranks, and a restart that continues the same noise stream bitwise.

Spinodal alloy (c0 = 1/2, Omega/RT = 3), T_n = 1e-3, fixed Crank-Nicolson step 0.1, from the
uniform state: the noise alone drives the decomposition.
- mass: every stats.csv row's mass equals the first to 1e-14 relative;
- ranks: the noise field is a pure function of (seed, step, face), so it is bitwise the same on
  any rank count; the Newton-Krylov solves differ in reduction order, so the 1- and 2-rank
  fields agree to round-off amplified by the solver tolerance (checked < 1e-9 relative to the
  fluctuation), against an O(1) difference for another seed;
- restart: the stream position is the step number, which the checkpoint stores: a run restarted
  from its step-30 checkpoint ends bitwise equal to the run that went on to step 60.

Usage: test_noise_ranks.py 2|3"""
import os
import shutil
import sys

import numpy as np

import uphill_testlib as T

CASES = {"2": (["-da_grid_x", 32, "-da_grid_y", 32, "-da_grid_z", 1], 60),
         "3": (["-da_grid_x", 12, "-da_grid_y", 12, "-da_grid_z", 12], 30)}


def main():
    grid, steps = CASES[sys.argv[1]]
    base = grid + T.DIMLESS + ["-c0", 0.5, "-ic_amplitude", 0, "-noise_temperature", 1e-3, "-noise_dt", 0.1,
                               "-ts_max_steps", steps, "-ts_max_time", 1e9, "-progress_interval", 1000]
    ref = T.fresh_dir("np1")
    T.run(base + ["-output_dir", ref, "-checkpoint_steps", steps // 2, "-checkpoint_keep", 4])
    c1 = T.read_final(ref)
    s = T.read_stats(ref)
    drift = np.abs(s["mass"] - s["mass"][0]).max() / abs(s["mass"][0])
    T.check(drift < 1e-14, "mass constant to round-off with noise over %d steps: max relative drift %.2e" % (steps, drift))
    T.check(c1.std() > 10 * 1e-3 ** 0.5 / 32, "the noise drives the state away from uniform: std(c) = %.3g" % c1.std())

    other = T.fresh_dir("seed2")
    T.run(base + ["-output_dir", other, "-noise_seed", 2])
    d_seed = np.abs(T.read_final(other) - c1).max()

    two = T.fresh_dir("np2")
    T.run(base + ["-output_dir", two], np_=2)
    d_rank = np.abs(T.read_final(two) - c1).max()
    print("max |c(np 2) - c(np 1)| = %.3e, max |c(seed 2) - c(seed 1)| = %.3e, std(c) = %.3e" % (d_rank, d_seed, c1.std()))
    T.check(d_seed > 0.1 * c1.std(), "another seed gives another trajectory (difference %.3g)" % d_seed)
    T.check(d_rank < 1e-9 * c1.std(), "1 and 2 ranks give the same trajectory to round-off (%.2e, %s)" % (d_rank, "bitwise" if d_rank == 0 else "not bitwise"))

    rst = T.fresh_dir("restart")
    shutil.copytree(ref, rst)
    os.remove(os.path.join(rst, "final.h5"))
    ck = os.path.join(rst, "checkpoints", "ckpt_%08d.h5" % (steps // 2))
    p = T.run(base + ["-output_dir", rst, "-restart", ck])
    T.check("restart: continuing" in p.stdout, "the run restarted from %s" % os.path.basename(ck))
    d_rst = np.abs(T.read_final(rst) - c1).max()
    T.check(d_rst == 0, "the restarted run continues the same noise stream: final field bitwise equal (max difference %.1e)" % d_rst)
    # rosw has no noise: asking for it is one clear error line
    p = T.run(base + ["-integrator", "rosw", "-output_dir", T.fresh_dir("rosw")], check=False)
    lines = [l for l in (p.stdout + p.stderr).splitlines() if l.strip()]
    T.check(p.returncode != 0 and len(lines) == 1 and lines[0].startswith("uphill3d: error: option -integrator"), "-integrator rosw with noise: one error line (%r)" % lines[:2])
    T.finish()


if __name__ == "__main__":
    main()
