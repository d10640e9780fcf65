"""Helpers of the checkpoint/restart/output tests (tests/checkpoint), on top of uphill_testlib.

Small quasi-2D problems (16x12 cells, dimensionless regular solution inside the spinodal,
so that the state changes quickly and every digit matters) keep each run well under a
second; the tests compare files bitwise where the design promises it.
"""
import hashlib
import os
import signal
import subprocess
import sys
import time

import numpy as np

import uphill_testlib as T

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "tools", "uphill3d-files")
PYTHON = sys.executable

# 16 x 12 (not square: an x/y mix-up shows), no-flux walls, spinodal growth, the default
# integrator (Rosenbrock-W: no iterative solver, so runs on different rank counts agree to ~1e-13).
BASE = T.DIMLESS + ["-c0", "0.45", "-ic", "noise", "-ic_amplitude", "0.02", "-ic_seed", "5",
                    "-da_grid_x", "16", "-da_grid_y", "12", "-da_grid_z", "1", "-Lx", "8", "-Ly", "6",
                    "-bc", "noflux", "-ts_max_time", "1e4", "-progress_interval", "1000"]
# The BDF2 + Newton-multigrid integrator, Newton and Krylov converged tightly so that runs on
# different rank counts agree to ~1e-12.
BDF = ["-integrator", "bdf", "-snes_rtol", "1e-12", "-snes_atol", "1e-13", "-ksp_rtol", "1e-12"]


def args(out, *extra):
    return BASE + ["-output_dir", out] + [str(e) for e in extra]


def start(argv, np_=1, env=None):
    """Starts uphill3d in its own process group (so that a kill reaches every rank)."""
    cmd = T.command(argv, np_)
    e = dict(os.environ)
    if env:
        e.update(env)
    print("$ (background) " + " ".join(cmd), flush=True)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e,
                            start_new_session=True)


def descendants(pid):
    """The process ids of pid's children, grandchildren, ... (from /proc)."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as fp:
                    parent[int(d)] = int(fp.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        q = todo.pop()
        kids = [c for c, pp in parent.items() if pp == q]
        out += kids
        todo += kids
    return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as fp:
            return fp.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_group(p, sig=signal.SIGKILL):
    """Sends sig to the launcher and to every rank (MPI launchers put their ranks in process
    groups of their own); for SIGKILL, waits until the ranks are gone."""
    ranks = descendants(p.pid)
    for q in ranks + [p.pid]:
        try:
            os.kill(q, sig)
        except ProcessLookupError:
            pass
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
    if sig == signal.SIGKILL:
        t0 = time.time()
        while any(alive(q) for q in ranks) and time.time() - t0 < 30:
            time.sleep(0.01)


def stats_rows(out):
    """The number of complete rows in OUT/stats.csv (0 if none yet)."""
    try:
        with open(os.path.join(out, "stats.csv")) as fp:
            return max(0, sum(1 for line in fp if line.endswith("\n") and not line.startswith("#")) - 1)
    except FileNotFoundError:
        return 0


def wait_rows(p, out, rows, timeout=60):
    """Waits until OUT/stats.csv has ROWS rows (True) or the run ended (False)."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        if stats_rows(out) >= rows:
            return True
        if p.poll() is not None:
            return False
        time.sleep(0.002)
    return False


def checkpoints(out):
    d = os.path.join(out, "checkpoints")
    return sorted(f for f in os.listdir(d)) if os.path.isdir(d) else []


def read_fields(path):
    import h5py
    with h5py.File(path, "r") as f:
        return {k: np.array(f[k]) for k in f.keys()}, {k: f.attrs[k] for k in f.attrs.keys()}


def same_fields(a, b, what):
    """c and mu of two field files bitwise equal."""
    fa, _ = read_fields(a)
    fb, _ = read_fields(b)
    ok = all(np.array_equal(fa[k], fb[k]) for k in ("c", "mu"))
    d = max(float(np.max(np.abs(fa[k] - fb[k]))) for k in ("c", "mu")) if not ok else 0.0
    return T.check(ok, "%s: c and mu bitwise equal (max difference %.3e)" % (what, d))


def file_bytes(path):
    with open(path, "rb") as fp:
        return fp.read()


def snapshot(root):
    """{relative path: (sha256, mtime_ns, size)} of every file under root."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            st = os.stat(p)
            out[os.path.relpath(p, root)] = (hashlib.sha256(file_bytes(p)).hexdigest(), st.st_mtime_ns, st.st_size)
    return out


def tool(*argv):
    cmd = [PYTHON, TOOL] + [str(a) for a in argv]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    print("$ " + " ".join(cmd) + "  -> %d\n%s%s" % (p.returncode, p.stdout, p.stderr), end="", flush=True)
    return p
