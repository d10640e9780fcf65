#!/usr/bin/python3
"""Corrupt checkpoints: each case damages the newest of two checkpoints (steps 10 and 20) in a
fixed way, then
  -restart latest   warns, renames it aside (.invalid), continues from step 10 and ends with
                    final.h5 bitwise equal to an uninterrupted run (a flip that lands in bytes no
                    reader uses may leave the file valid: then the run continues from step 20,
                    with the same bitwise-equal end; no case may give another answer);
  -restart FILE     (the damaged file) is one 'uphill3d: error:' line and exit 1;
  uphill3d-files check  agrees with uphill3d (BAD exactly when uphill3d skipped the file).
Also: a format_version 1 file (no metadata checksum) is still read."""
import os
import shutil

import faults_lib as F

T, C = F.T, F.C
N, EVERY = 30, 10


def flip(offset, value=None):
    def f(path):
        with open(path, "r+b") as fp:
            size = os.path.getsize(path)
            off = offset % size
            fp.seek(off)
            b = fp.read(1)[0]
            fp.seek(off)
            fp.write(bytes([value if value is not None else b ^ 0xFF]))
    return f


def truncate(size):
    def f(path):
        with open(path, "r+b") as fp:
            fp.truncate(size if size >= 0 else os.path.getsize(path) + size)
    return f


def h5edit(fn):
    def f(path):
        import h5py
        with h5py.File(path, "r+") as h:
            fn(h)
    return f


def scale_attr(name, factor):
    return h5edit(lambda h: h.attrs.__setitem__(name, h.attrs[name] * factor))


def set_attr(name, value):
    return h5edit(lambda h: h.attrs.__setitem__(name, value))


def edit_value(h):
    h["state"][0, 5, 7, 0] += 1e-3


def old_format(h):  # what version 1 wrote: no meta_checksum
    del h.attrs["meta_checksum"]
    h.attrs["format_version"] = 1


CASES = [
    ("flip byte 1013 to 0xff (the issue's SIGSEGV)", flip(1013, 0xFF), True),
    ("truncated to 1000 bytes", truncate(1000), True),
    ("time edited (x 1.0000001)", scale_attr("time", 1.0000001), True),
    ("format_version 99", set_attr("format_version", 99), True),
    ("dataset 'state' deleted", h5edit(lambda h: h.__delitem__("state")), True),
    ("one state value edited", h5edit(edit_value), True),
    ("flip byte 0 (signature)", flip(0), True),
    ("flip byte 100 (superblock)", flip(100), None),
    ("flip byte 700", flip(700), None),
    ("flip byte 2000", flip(2000), None),
    ("flip byte 4000", flip(4000), None),
    ("flip byte 6000", flip(6000), None),
    ("flip byte -300", flip(-300), None),
    ("truncated to 0 bytes", truncate(0), True),
    ("truncated by 512 bytes", truncate(-512), True),
    ("'complete' deleted", h5edit(lambda h: h.attrs.__delitem__("complete")), True),
    ("dt edited (x 2)", scale_attr("dt", 2.0), True),
    ("step edited (+1)", h5edit(lambda h: h.attrs.__setitem__("step", h.attrs["step"] + 1)), True),
    ("monitor_mass0 edited", scale_attr("monitor_mass0", 1.5), True),
    ("meta_checksum deleted", h5edit(lambda h: h.attrs.__delitem__("meta_checksum")), True),
    ("old format: version 1, no meta_checksum", h5edit(old_format), False),
]


def main():
    ref = T.fresh_dir("reference")
    T.run(C.args(ref, "-ts_max_steps", N, "-checkpoint_steps", EVERY))
    base = T.fresh_dir("base")
    T.run(C.args(base, "-ts_max_steps", 2 * EVERY, "-checkpoint_steps", EVERY))
    T.check(C.checkpoints(base) == ["ckpt_00000010.h5", "ckpt_00000020.h5"], "base run: checkpoints of steps 10 and 20")
    final_ref = os.path.join(ref, "final.h5")
    outs, newest = [], []
    for i, (name, damage, _) in enumerate(CASES):
        out = T.fresh_dir("case%02d" % i)
        shutil.copytree(base, out)
        os.remove(os.path.join(out, "final.h5"))
        path = os.path.join(out, "checkpoints", "ckpt_00000020.h5")
        damage(path)
        shutil.copyfile(path, path + ".copy")  # for -restart FILE
        outs.append(out)
        newest.append(path)
    verdict = C.tool("check", *newest).stdout.splitlines()  # one line per file, in order
    skipped, refused = 0, 0
    for i, (name, damage, must_skip) in enumerate(CASES):
        out, path = outs[i], newest[i]
        bad = i < len(verdict) and verdict[i].startswith(path + ": BAD")
        p = T.run(C.args(out, "-ts_max_steps", N, "-checkpoint_steps", EVERY, "-restart", "latest"), check=False)
        step = F.continued_from(p)[1]
        warned = "uphill3d: warning: skipping checkpoint '%s'" % path in p.stderr
        T.check(p.returncode == 0 and "Segmentation" not in p.stderr, "%s: -restart latest exits 0 (got %d)" % (name, p.returncode))
        T.check(step == (EVERY if warned else 2 * EVERY), "%s: continued from step %s (%s)" % (name, step, "warned" if warned else "no warning"))
        if warned:
            skipped += 1
            T.check(os.path.exists(path + ".invalid") and "renamed %s to %s.invalid" % (path, path) in p.stdout,
                    "%s: the damaged checkpoint was renamed aside (.invalid)" % name)
        if must_skip is not None:
            T.check(warned == must_skip, "%s: %s" % (name, "skipped with a warning" if must_skip else "accepted"))
        T.check(bad == warned, "%s: uphill3d-files check %s, uphill3d %s" % (name, "BAD" if bad else "ok", "skipped it" if warned else "used it"))
        C.same_fields(os.path.join(out, "final.h5"), final_ref, "%s: final.h5 vs the uninterrupted run" % name)
        if warned and refused < 6 and must_skip:  # -restart FILE: a few kinds of damage
            refused += 1
            q = T.run(C.args(T.fresh_dir(out + "_file"), "-ts_max_steps", N, "-restart", path + ".copy"), check=False)
            F.one_line_error(q, "%s: -restart FILE" % name, "option -restart", path + ".copy")
    print("%d of %d damaged checkpoints detected and set aside" % (skipped, len(CASES)))
    T.finish()


if __name__ == "__main__":
    main()
