#!/usr/bin/python3
"""-log_view lists the application's log events with nonzero counts: a short run of each
integrator that writes fields, checkpoints and in-situ analyses, then a restart from its
checkpoint (the checkpoint read).  rosw spends its time in residuals and transform solves,
bdf in residuals, Jacobian actions, assembly and the multigrid updates."""
import re

import uphill_testlib as T

COMMON = ["UphResidual", "UphOutput", "UphCkptWrite", "UphAnalysis"]
EXPECTED = {"rosw": COMMON + ["UphSpectralSolve"],
            "bdf": COMMON + ["UphJacAction", "UphJacAssemble", "UphMGSetUp"]}


def counts(text):
    """event name -> count, from -log_view's event table (name, count, ratio, time, ...)."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(Uph\w+)\s+(\d+)\s+\d", text, re.M)}


def main():
    for integrator, events in EXPECTED.items():
        out = T.fresh_dir("out_" + integrator)
        args = T.DIMLESS + ["-ic", "noise", "-c0", "0.45", "-ic_amplitude", "0.01", "-ic_seed", "3",
                            "-da_grid_x", "16", "-da_grid_y", "16", "-da_grid_z", "1", "-Lx", "8", "-Ly", "8",
                            "-ts_max_time", "1e4", "-integrator", integrator, "-output_dir", out,
                            "-output_interval", "1", "-analysis_interval", "1", "-checkpoint_steps", "5",
                            "-progress_interval", "1000", "-log_view"]
        first = counts(T.run(args + ["-ts_max_steps", "10"]).stdout)
        print("  %s: %s" % (integrator, first))
        for name in events:
            T.check(first.get(name, 0) > 0, "%s: %s in -log_view with a nonzero count" % (integrator, name))
        again = counts(T.run(args + ["-ts_max_steps", "12", "-restart", "latest"]).stdout)
        T.check(again.get("UphCkptRead", 0) == 1, "%s restart: UphCkptRead counted once (%s)" % (integrator, again.get("UphCkptRead")))
    T.finish()


if __name__ == "__main__":
    main()
