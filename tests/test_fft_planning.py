#!/usr/bin/python3
"""-fft_planning auto (the default): FFTW's plans are measured from 2^18 = 64^3 cells per rank and
estimated below (UPHILL_FFT_MEASURE_CELLS).  Checked from what the run does, not only what it
prints: the parameter report's line and PETSc's -info message of SpectralPlan ("measured" or
none), for 64^3 on 1 rank (measured), 64^3 on 2 ranks and 63 x 64 x 64 on 1 rank (estimated),
and the explicit choices overriding the size (estimate at 64^3, measure at 16^3)."""
import re

import uphill_testlib as T

REPORT = re.compile(r"^  transforms  FFTW plans (measured|estimated)\b.*\(-fft_planning(; auto: [^)]*)?\)$", re.M)


def planned(grid, np_, extra=()):
    out = T.fresh_dir("out_%s_np%d%s" % ("x".join(map(str, grid)), np_, "".join(extra).replace("-", "_")))
    p = T.run(T.DIMLESS + ["-ic", "noise", "-c0", "0.45", "-ic_amplitude", "0.01", "-ic_seed", "3",
                           "-da_grid_x", str(grid[0]), "-da_grid_y", str(grid[1]), "-da_grid_z", str(grid[2]),
                           "-ts_max_time", "1e4", "-ts_max_steps", "1", "-integrator", "etd", "-output_dir", out,
                           "-final_output", "0", "-info"] + list(extra), np_)
    m = REPORT.search(p.stdout)
    measured_info = "FFTW plans measured" in p.stdout
    return (m.group(1) if m else None), (m.group(2) or "" if m else ""), measured_info


def main():
    cases = [((64, 64, 64), 1, (), "measured", True),
             ((64, 64, 64), 2, (), "estimated", True),
             ((63, 64, 64), 1, (), "estimated", True),
             ((64, 64, 64), 1, ("-fft_planning", "estimate"), "estimated", False),
             ((16, 16, 16), 1, ("-fft_planning", "measure"), "measured", False)]
    for grid, np_, extra, want, auto in cases:
        what, note, info = planned(grid, np_, extra)
        label = "%s on %d rank%s%s" % ("x".join(map(str, grid)), np_, "s" if np_ > 1 else "", " " + " ".join(extra) if extra else "")
        T.check(what == want, "%s: the report says the plans are %s (%s%s)" % (label, want, what, note))
        T.check(bool(note) == auto, "%s: the report %s the auto rule" % (label, "names" if auto else "does not name"))
        T.check(info == (want == "measured"), "%s: SpectralPlan %s" % (label, "measured" if want == "measured" else "did not measure"))
    T.finish()


if __name__ == "__main__":
    main()
