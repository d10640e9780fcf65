#!/usr/bin/python3
"""Refusals: restarts and outputs that must not go ahead fail at once with one clear
'uphill3d: error:' line (no PETSc traceback), a non-zero exit, and leave every file of the
run directory as it was (contents and modification times).

A run directory with two good checkpoints (steps 6 and 12) is made once; each case copies it.
Cases: a grid, free energy or kappa that differ from the checkpoint's (kappa is accepted with
-restart_allow_change kappa); a truncated, bit-flipped, incomplete (no 'complete' marker) or
missing checkpoint, a field file given as a checkpoint; -restart latest with no checkpoint or
with only bad ones; a new run into a directory that holds checkpoints; an OUTPUT_DIR under a
regular file; an unknown name in -restart_allow_change.  And uphill3d-files check tells the
good files from the bad ones.

Usage: test_refusals.py"""
import os
import shutil

import h5py

import uphill_testlib as T
import ckpt_testlib as C


def damage_flip(path):
    """Flips one bit of a value of the state, found by its bytes in the file."""
    with h5py.File(path, "r") as f:
        v = f["state"][0, 5, 7, 0]
    data = C.file_bytes(path)
    pos = data.find(v.tobytes())
    assert pos > 0 and data.count(v.tobytes()) == 1
    with open(path, "r+b") as fp:
        fp.seek(pos)
        fp.write(bytes([data[pos] ^ 0x01]))


def damage_truncate(path):
    with open(path, "r+b") as fp:
        fp.truncate(os.path.getsize(path) * 2 // 3)


def damage_incomplete(path):
    with h5py.File(path, "r+") as f:
        del f.attrs["complete"]


def refused(name, argv, expect, base, np_=1, prepare=None):
    """Runs argv in a copy of base (or a fresh directory): it must fail with the expected
    message and change nothing."""
    out = T.fresh_dir("case_" + name)
    if base:
        shutil.copytree(base, out)
    if prepare:
        prepare(out)
    before = C.snapshot(out) if os.path.isdir(out) else {}
    p = T.run([a.replace("OUT", out) for a in argv], np_, check=False)
    err = p.stderr.strip().splitlines()
    lines = [l for l in err if l.startswith("uphill3d: error:")]
    print("  -> %d: %s" % (p.returncode, " | ".join(err[-3:])))
    T.check(p.returncode != 0, "%s: non-zero exit (%d)" % (name, p.returncode))
    T.check(len(lines) == 1 and all(e in lines[0] for e in expect), "%s: one error line naming %s" % (name, expect))
    T.check("PETSC ERROR" not in p.stderr + p.stdout, "%s: no PETSc traceback" % name)
    after = C.snapshot(out) if os.path.isdir(out) else {}
    for snap in (before, after):  # the lock file is no data: the refused run held the directory while it checked it
        snap.pop("uphill3d.lock", None)
    T.check(before == after, "%s: the run directory is unchanged (%d files)" % (name, len(before)))
    return out


def main():
    base = T.fresh_dir("base")
    T.run(C.args(base, "-ts_max_steps", 12, "-checkpoint_steps", 6))
    ck6, ck12 = ("checkpoints/ckpt_%08d.h5" % s for s in (6, 12))
    T.check(C.checkpoints(base) == [os.path.basename(ck6), os.path.basename(ck12)], "base run has checkpoints 6 and 12")
    argv = C.args("OUT", "-ts_max_steps", 20)
    latest = argv + ["-restart", "latest"]
    opt = lambda a, k, v: [v if i > 0 and a[i - 1] == k else x for i, x in enumerate(a)]

    refused("grid", opt(latest, "-da_grid_x", "32"), ["grid 16x12x1 in checkpoint vs 32x12x1 in options"], base)
    refused("grid_np2", opt(latest, "-da_grid_y", "6"), ["grid 16x12x1 in checkpoint vs 16x6x1 in options"], base, np_=2)
    refused("free_energy", latest + ["-free_energy", "double_well"], ["free_energy regular_solution in checkpoint vs double_well in options"], base)
    refused("kappa", opt(latest, "-kappa", "2"), ["kappa 1 in checkpoint vs 2 in options", "-restart_allow_change kappa"], base)
    refused("truncated", argv + ["-restart", "OUT/" + ck12], ["ckpt_00000012.h5", "not a readable HDF5 file"], base,
            prepare=lambda o: damage_truncate(os.path.join(o, ck12)))
    refused("bit_flip", argv + ["-restart", "OUT/" + ck12], ["ckpt_00000012.h5", "does not match its checksum"], base,
            prepare=lambda o: damage_flip(os.path.join(o, ck12)))
    refused("incomplete", argv + ["-restart", "OUT/" + ck12], ["ckpt_00000012.h5", "incomplete"], base,
            prepare=lambda o: damage_incomplete(os.path.join(o, ck12)))
    refused("missing_file", argv + ["-restart", "OUT/checkpoints/ckpt_00000099.h5"], ["ckpt_00000099.h5", "No such file"], base)
    refused("field_file", argv + ["-restart", "OUT/final.h5"], ["final.h5", "not an uphill3d checkpoint"], base)
    refused("latest_none", latest, ["no valid checkpoint", "never starts a new run from t = 0"], None)
    refused("latest_all_bad", latest, ["no valid checkpoint", "(2 found)"], base,
            prepare=lambda o: (damage_truncate(os.path.join(o, ck12)), damage_flip(os.path.join(o, ck6))))
    refused("new_run_over_checkpoints", argv, ["holds checkpoints of an earlier run", "-restart latest"], base)
    blocker = os.path.abspath("a_regular_file")
    with open(blocker, "w") as fp:
        fp.write("not a directory\n")
    refused("output_dir_under_file", C.args(blocker + "/run", "-ts_max_steps", 5), ["cannot create directory", "Not a directory"], None)
    refused("allow_change_grid", latest + ["-restart_allow_change", "grid"], ["-restart_allow_change", "'grid' cannot change"], base)

    # an allowed change goes ahead and says so
    out = T.fresh_dir("kappa_allowed")
    shutil.copytree(base, out)
    p = T.run(opt(C.args(out, "-ts_max_steps", 14, "-restart", "latest", "-restart_allow_change", "kappa"), "-kappa", "1.5"))
    T.check("kappa changes from 1 (checkpoint) to 1.5 (options)" in p.stdout, "-restart_allow_change kappa: the change is reported")
    T.check(int(T.read_stats(out)["step"][-1]) == 14, "-restart_allow_change kappa: the run continues to step 14")

    # the file checker
    good = [os.path.join(base, f) for f in (ck6, ck12, "final.h5")]
    T.check(C.tool("check", *good).returncode == 0, "uphill3d-files check: the good files pass")
    bad = T.fresh_dir("bad_files")
    os.makedirs(bad)
    for kind, damage in (("truncated", damage_truncate), ("flipped", damage_flip), ("incomplete", damage_incomplete)):
        path = os.path.join(bad, kind + ".h5")
        shutil.copy(os.path.join(base, ck12), path)
        damage(path)
        p = C.tool("check", path)
        T.check(p.returncode != 0 and "BAD" in p.stdout, "uphill3d-files check: a %s checkpoint is BAD" % kind)
    p = C.tool("list", base)
    T.check(p.returncode == 0 and p.stdout.count("complete") == 3, "uphill3d-files list: 3 complete files in the run directory")
    T.finish()


if __name__ == "__main__":
    main()
