# Fault injection (issue 12), included from tests/CMakeLists.txt (uses its uphill_script_test):
#   ctest --test-dir BUILD -L robustness        (about a minute on 2 cores)
# Corrupt checkpoints, SIGKILL during checkpoint writes, a full disk, two runs on one directory,
# -restart auto, signals during start-up.  Helpers: robustness/faults_lib.py.
uphill_script_test(robustness_checkpoint_faults robustness/test_checkpoint_faults.py
  LABELS robustness checkpoint sanitize TIMEOUT 300)
uphill_script_test(robustness_kill_faults robustness/test_kill_faults.py
  LABELS robustness checkpoint mpi PROCESSORS 2 TIMEOUT 300)
uphill_script_test(robustness_disk_full robustness/test_disk_full.py
  LABELS robustness checkpoint sanitize PROCESSORS 2 TIMEOUT 300)
uphill_script_test(robustness_run_lock robustness/test_run_lock.py
  LABELS robustness mpi PROCESSORS 2 TIMEOUT 300)
uphill_script_test(robustness_restart_auto robustness/test_restart_auto.py
  LABELS robustness checkpoint sanitize TIMEOUT 300)
uphill_script_test(robustness_startup_signal robustness/test_startup_signal.py
  LABELS robustness mpi sanitize PROCESSORS 2 TIMEOUT 300)

# The sanitizer job's subset (ctest -L sanitize; about 5 minutes on 2 cores under ASan): the
# tests above labelled sanitize, the bad-input cases, and (tests/checkpoint/CMakeLists.txt)
# restart equivalence with both integrators and the checkpoint refusals.
get_property(all_tests DIRECTORY PROPERTY TESTS)
foreach(t IN LISTS all_tests)
  if(t MATCHES "^bad_input_")
    set_property(TEST ${t} APPEND PROPERTY LABELS sanitize)
  endif()
endforeach()
