"""Helpers of the uphill3d-thermo tests (standard library only; run by /usr/bin/python3 under CTest).

CTest passes, through the environment (tests/thermo/CMakeLists.txt):
  UPHILL3D_THERMO  path of the uphill3d-thermo binary
  UPHILL_MPIEXEC   MPI launcher command line, e.g. "/usr/bin/mpiexec --oversubscribe"
  UPHILL_NPFLAG    its rank-count flag, e.g. "-n"
Each test runs in its own scratch directory (the CTest WORKING_DIRECTORY).

The closed forms below are written out again from docs/MODEL.md section 1, independently of
src/thermo.c, so that the tests compare the tool against the physics and not against itself.
"""
import csv
import math
import os
import re
import shlex
import subprocess
import sys

EXE = os.environ.get("UPHILL3D_THERMO", "uphill3d-thermo")
MPIEXEC = shlex.split(os.environ.get("UPHILL_MPIEXEC", "mpiexec --oversubscribe"))
NPFLAG = os.environ.get("UPHILL_NPFLAG", "-n")
R_DEFAULT = 8.314462618  # uphill3d's default -gas_constant

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from testcheck import check, die, finish  # noqa: E402,F401  (shared assertions)


def command(args, np_=1):
    args = [str(a) for a in args]
    if np_ == 1:
        return [EXE] + args
    return MPIEXEC + [NPFLAG, str(np_), EXE] + args


def run(args, np_=1, check=True):
    """Runs the tool; with check, a non-zero exit fails the test at once."""
    cmd = command(args, np_)
    print("$ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    if check and p.returncode != 0:
        print(p.stdout[-4000:])
        print(p.stderr[-4000:], file=sys.stderr)
        die("uphill3d-thermo exited with status %d" % p.returncode)
    return p


_KEY = re.compile(r"^\s+([A-Za-z_][^=]*?)\s*=\s*(.*)$")


def parse(stdout):
    """The 'key = value ...' lines of the report as {key: [words]} (first occurrence wins)."""
    out = {}
    for line in stdout.splitlines():
        m = _KEY.match(line)
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2).split()
    return out


def number(report, key, i=0):
    if key not in report:
        die("no '%s = ...' line in the tool's output" % key)
    try:
        return float(report[key][i])
    except (IndexError, ValueError):
        die("'%s = %s': entry %d is not a number" % (key, " ".join(report[key]), i))


def read_csv(path, header):
    """A CSV written by the tool as {column: [floats]}; the header must be exactly as given."""
    with open(path) as fp:
        rows = list(csv.reader(fp))
    if not rows or rows[0] != header:
        die("%s: header %s, expected %s" % (path, rows[0] if rows else None, header))
    cols = {h: [] for h in header}
    for r in rows[1:]:
        if len(r) != len(header):
            die("%s: row %s has %d fields" % (path, r, len(r)))
        for h, v in zip(header, r):
            cols[h].append(float(v))
    return cols



def close(name, got, want, tol, scale=None):
    """|got - want| <= tol * max(|want|, scale): relative, or absolute below the scale."""
    s = max(abs(want), scale if scale is not None else abs(want))
    err = abs(got - want) / s if s > 0 else abs(got - want)
    return check(err <= tol, "%s: got %.17g, closed form %.17g, error %.2e (tol %.0e)" % (name, got, want, err, tol))





# ---- closed forms (docs/MODEL.md section 1) -----------------------------------------------------

def d2f_regular(c, omega, rt):
    """f'' per volume; omega and rt already divided by V_m."""
    return -2 * omega + rt / (c * (1 - c))


def d2f_double_well(c, rho, ca, cb):
    s = ca + cb - 2 * c
    return 2 * rho * (s * s - 2 * (c - ca) * (cb - c))


def mobility(c, m0, model):
    if model == "constant":
        return m0
    q = c * (1 - c)
    return m0 * q if q > 0 else 0.0


def spinodal_regular(t_over_tc):
    r = math.sqrt(1 - t_over_tc)
    return 0.5 * (1 - r), 0.5 * (1 + r)


def spinodal_double_well(ca, cb):
    mid, r = 0.5 * (ca + cb), (cb - ca) / (2 * math.sqrt(3))
    return mid - r, mid + r


def binodal_residual(c, a):
    """ln(c/(1-c)) - a (2c - 1), a = Omega/(RT): zero on the binodal."""
    return math.log(c / (1 - c)) - a * (2 * c - 1)


def binodal_regular(a):
    """The lower binodal composition for a = Omega/(RT) > 2, by Newton in x = ln(c/(1-c))
    from the deep-quench start x = -a (independent of the tool's bisection)."""
    x = -a
    for _ in range(200):
        c = 1 / (1 + math.exp(-x))
        g = x - a * (2 * c - 1)
        dg = 1 - 2 * a * c * (1 - c)
        step = g / dg
        x -= step
        if abs(step) <= 1e-16 * max(1.0, abs(x)):
            break
    return 1 / (1 + math.exp(-x))


def ternary_hessian(c1, c2, w12, w13, w23, rt):
    """Hessian (H11, H12, H22) of f(c1, c2), c3 = 1 - c1 - c2, per volume (w, rt / V_m)."""
    c3 = 1 - c1 - c2
    return (-2 * w13 + rt * (1 / c1 + 1 / c3), w12 - w13 - w23 + rt / c3, -2 * w23 + rt * (1 / c2 + 1 / c3))


def min_eigenvalue(h):
    m, d = 0.5 * (h[0] + h[2]), 0.5 * (h[0] - h[2])
    return m - math.hypot(d, h[1])


def ternary_f(c1, c2, w12, w13, w23, rt):
    c3 = 1 - c1 - c2
    return w12 * c1 * c2 + w13 * c1 * c3 + w23 * c2 * c3 + rt * sum(c * math.log(c) for c in (c1, c2, c3))
