#!/usr/bin/python3
"""A full disk: every write is checked, a failed one stops the run with one 'uphill3d: error:'
line and exit 1, closes its HDF5 file (no crash in MPI_Finalize), leaves no partial file, and
never touches the last good checkpoint.

  stats_dev_full     stats.csv is a link to /dev/full: refused when its header is written
  stats_fills        (tmpfs) stats.csv fills the file system mid-run: the run stops, the file
                     ends with a whole row
  checkpoint_np2     (tmpfs) a restarted 2-rank run has no room for its next checkpoint: error,
                     the older checkpoint intact; with room again, -restart latest continues to
                     the uninterrupted run's final state, bitwise
  checkpoint_midway  (tmpfs) the same on 1 rank with the room check off (UPHILL_TEST_NO_ROOM_CHECK):
                     HDF5's writes fail half-way through the file
  final_h5           (tmpfs) no room for final.h5
Where mounting a tmpfs is not allowed, the tmpfs cases use a file-size limit instead
(RLIMIT_FSIZE set on the running rank, SIGXFSZ ignored), which the room check sees."""
import os
import resource
import shutil
import signal
import time

import faults_lib as F

T, C = F.T, F.C
BIG = ["-da_grid_x", "64", "-da_grid_y", "48"]  # a 57 kB checkpoint, stats.csv rows of 200 B
MNT = os.path.abspath("tmpfs")


def ignore_xfsz():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def run_limited(argv, np_, limit, env=None):
    """Runs uphill3d; with limit (bytes), a file-size limit set on its process(es) once they
    are up (MPI's start-up writes larger files of its own)."""
    if limit is None:
        return T.run(argv, np_, check=False)
    import subprocess
    cmd = T.command(argv, np_)
    e = dict(os.environ, **(env or {}))
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e, preexec_fn=ignore_xfsz)
    ranks = [p.pid] if np_ == 1 else []
    t0 = time.time()
    while np_ > 1 and len(ranks) < np_ and time.time() - t0 < 30:
        ranks = [q for q in C.descendants(p.pid) if os.path.basename(os.readlink("/proc/%d/exe" % q)) == "uphill3d"] if p.poll() is None else ranks
        time.sleep(0.01)
    while p.poll() is None and not all(F.caught_mask(q) & (1 << (signal.SIGUSR1 - 1)) for q in ranks):
        time.sleep(0.001)  # handlers installed: main() runs, MPI's start-up is under way
    for q in ranks:
        try:
            resource.prlimit(q, resource.RLIMIT_FSIZE, (limit, limit))
        except (ProcessLookupError, PermissionError):
            pass
    so, se = p.communicate()
    p.stdout, p.stderr = so, se
    print(so[-1500:], se[-1500:])
    return p


def main():
    tmpfs = F.try_mount_tmpfs(MNT, 100 * 1024)
    print("full disk by: %s" % ("a 100 kB tmpfs" if tmpfs else "a file-size limit (no tmpfs: mounting is not allowed here)"))
    try:
        cases(tmpfs)
    finally:
        if tmpfs:
            F.umount(MNT)
    T.finish()


def cases(tmpfs):
    # stats.csv -> /dev/full
    out = T.fresh_dir("dev_full")
    os.makedirs(out)
    os.symlink("/dev/full", os.path.join(out, "stats.csv"))
    p = T.run(C.args(out, "-ts_max_steps", 5), check=False)
    F.one_line_error(p, "stats.csv on /dev/full", "stats.csv", "No space left on device")

    # stats.csv fills the file system mid-run (tmpfs of 16 kB; or a 16 kB file-size limit)
    if tmpfs:
        F.umount(MNT)
        F.try_mount_tmpfs(MNT, 16 * 1024)
    out = os.path.join(MNT, "stats") if tmpfs else T.fresh_dir("stats_fills")
    p = run_limited(C.args(out, "-ts_max_steps", 400), 1, None if tmpfs else 16 * 1024)
    F.one_line_error(p, "stats.csv fills the disk", "stats.csv")
    text = open(os.path.join(out, "stats.csv")).read()
    rows = F.stats_rows(out)
    T.check(text.endswith("\n") and len(rows) > 5 and len(rows) < 400, "stats.csv ends with a whole row (%d rows kept)" % (len(rows) - 1))
    if tmpfs:
        F.umount(MNT)
        F.try_mount_tmpfs(MNT, 100 * 1024)

    # a checkpoint without room: 2 ranks (the room check), then 1 rank failing half-way
    for name, np_, env in (("checkpoint_np2", 2, None), ("checkpoint_midway", 1, {"UPHILL_TEST_NO_ROOM_CHECK": "1"})):
        if env and not tmpfs:
            print("%s: skipped (needs a tmpfs: a file-size limit fails the write at its first byte)" % name)
            continue
        ref = T.fresh_dir("reference_np%d" % np_)  # bitwise: the same rank count
        T.run(C.args(ref, "-ts_max_steps", 20, "-checkpoint_steps", 10, *BIG), np_)
        first = T.fresh_dir("first_np%d" % np_)
        T.run(C.args(first, "-ts_max_steps", 10, "-checkpoint_steps", 10, "-final_output", "0", *BIG), np_)
        out = os.path.join(MNT, name) if tmpfs else T.fresh_dir(name)
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(first, out)
        ck10 = os.path.join(out, "checkpoints", "ckpt_00000010.h5")
        before = C.file_bytes(ck10)
        argv = C.args(out, "-ts_max_steps", 20, "-checkpoint_steps", 10, "-restart", "latest", *BIG)
        if tmpfs:
            old = os.environ.copy()
            os.environ.update(env or {})
            p = T.run(argv, np_, check=False)
            os.environ.clear()
            os.environ.update(old)
        else:
            p = run_limited(argv, np_, 40 * 1024, env)
        F.one_line_error(p, "%s: no room for checkpoint 20" % name, "checkpoint", "ckpt_00000020.h5")
        T.check(p.returncode == 1, "%s: exit status 1, no crash (got %d)" % (name, p.returncode))
        T.check(C.file_bytes(ck10) == before and C.tool("check", ck10).returncode == 0, "%s: checkpoint 10 intact" % name)
        T.check(C.checkpoints(out) == ["ckpt_00000010.h5"], "%s: no partial checkpoint left: %s" % (name, C.checkpoints(out)))
        if tmpfs:
            moved = T.fresh_dir(name + "_moved")  # room again: the run continues elsewhere
            shutil.copytree(out, moved)
            shutil.rmtree(out)
            out = moved
        q = T.run(argv[:argv.index("-output_dir") + 1] + [out] + argv[argv.index("-output_dir") + 2:], np_)
        T.check(F.continued_from(q)[1] == 10, "%s: with room again, -restart latest continues from step 10" % name)
        C.same_fields(os.path.join(out, "final.h5"), os.path.join(ref, "final.h5"), "%s: continued run vs the uninterrupted one" % name)

    # final.h5 without room
    out = os.path.join(MNT, "final") if tmpfs else T.fresh_dir("final_h5")
    shutil.rmtree(out, ignore_errors=True)
    if tmpfs:  # fill the file system but for 40 kB
        os.makedirs(out)
        st = os.statvfs(MNT)
        with open(os.path.join(MNT, "filler"), "wb") as fp:
            fp.write(b"\0" * max(0, st.f_bavail * st.f_frsize - 40 * 1024))
    p = run_limited(C.args(out, "-ts_max_steps", 10, *BIG), 1, None if tmpfs else 40 * 1024)
    F.one_line_error(p, "no room for final.h5", "final.h5")
    T.check(not [f for f in os.listdir(out) if f.startswith("final")], "no final.h5 or final.h5.tmp left: %s" % os.listdir(out))
    T.check(len(F.stats_rows(out)) == 12, "stats.csv complete (10 steps)")


if __name__ == "__main__":
    main()
