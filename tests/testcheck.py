"""Assertions shared by every scripted test (standard library only): record each check, print
ok/FAIL lines, and exit non-zero at the end if any failed."""
import sys

_failures = []


def check(ok, message):
    """Records one assertion; the test fails at the end if any failed."""
    print(("ok    " if ok else "FAIL  ") + message, flush=True)
    if not ok:
        _failures.append(message)
    return ok


def die(message):
    print("FAIL  " + message, flush=True)
    sys.exit(1)


def finish():
    if _failures:
        print("%d check(s) failed:" % len(_failures))
        for m in _failures:
            print("  " + m)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)
