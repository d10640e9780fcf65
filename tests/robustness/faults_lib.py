"""Helpers of the fault-injection tests (tests/robustness/test_*_faults.py and friends), on top of
tests/uphill_testlib.py and tests/checkpoint/ckpt_testlib.py (the small 16 x 12 problem).

Every test is deterministic: fixed seeds, fixed byte offsets, and waits on files or on
/proc (not on the clock) to place a signal or a kill."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "checkpoint"))

import uphill_testlib as T  # noqa: E402
import ckpt_testlib as C  # noqa: E402


def error_lines(p):
    """The 'uphill3d: error:' lines of a finished run's stderr."""
    return [line for line in p.stderr.splitlines() if line.startswith("uphill3d: error:")]


def one_line_error(p, what, *needles):
    """A refusal: non-zero exit, exactly one error line holding every needle, no traceback or crash."""
    lines = error_lines(p)
    ok = p.returncode == 1 and len(lines) == 1 and all(n in lines[0] for n in needles)
    ok = ok and "PETSC ERROR" not in p.stderr and "Segmentation" not in p.stderr + p.stdout
    if not ok:
        print(p.stdout[-3000:])
        print(p.stderr[-3000:])
    return T.check(ok, "%s: exit %d, one error line naming %s: %s" % (what, p.returncode, needles, lines[:2]))


def continued_from(p):
    """(path, step) of 'restart: continuing from PATH at step S', or (None, None)."""
    m = re.search(r"continuing from (\S+) at step (\d+)", p.stdout)
    return (m.group(1), int(m.group(2))) if m else (None, None)


def state(path):
    import h5py
    import numpy as np
    with h5py.File(path, "r") as f:
        return np.array(f["state"])


def same_state(a, b):
    import numpy as np
    return np.array_equal(state(a), state(b))


def stats_rows(out):
    """stats.csv without its '#' comment line (which holds the options)."""
    with open(os.path.join(out, "stats.csv")) as fp:
        return [line for line in fp if not line.startswith("#")]


def try_mount_tmpfs(path, size):
    """A tmpfs of size bytes at path (root, where mounting is allowed); True if mounted."""
    os.makedirs(path, exist_ok=True)
    umount(path)
    if os.geteuid() != 0 or os.environ.get("UPHILL_TEST_NO_TMPFS"):  # the latter: try the fallback
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d" % size, "tmpfs", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode == 0


def umount(path):
    subprocess.run(["umount", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def caught_mask(pid):
    """The signals pid catches (SigCgt of /proc/pid/status), 0 if gone."""
    try:
        with open("/proc/%d/status" % pid) as fp:
            for line in fp:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16)
    except OSError:
        pass
    return 0
