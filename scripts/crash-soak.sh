#!/usr/bin/env bash
# Crash-safety soak: runs CrashSafetyTest for many SIGKILL rounds (default 50) on one data folder.
# Every round drives concurrent scans against `serve` as a child process, kills it with SIGKILL at
# a random moment (sometimes during start-up), and checks that every acknowledged scan is present,
# PRAGMA integrity_check is ok and `verify` exits 0. The normal test run does 3 rounds.
#
#   scripts/crash-soak.sh [ROUNDS] [SEED]
#
# Prints the summary line ("crash-safety: N of N SIGKILL rounds survived, ...") and exits non-zero
# on the first lost scan. A failing run prints its seed; pass it back to replay the timings.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-50}"
offline=(-o)
# -o: offline; MVN_OFFLINE=0 on a machine whose local Maven repository is still empty.
if [[ "${MVN_OFFLINE:-1}" == "0" ]]; then
  offline=()
fi
mkdir -p target
args=(-B "${offline[@]}" test -Dtest=CrashSafetyTest -Dsurefire.failIfNoSpecifiedTests=false "-Dentrylog.crash.rounds=${rounds}")
if [[ $# -ge 2 ]]; then
  args+=("-Dentrylog.crash.seed=$2")
fi
mvn "${args[@]}" | tee target/crash-soak.log | grep -E "crash-safety:|Tests run:|FAIL|ERROR" || true
grep -q "crash-safety: ${rounds} of ${rounds} SIGKILL rounds survived" target/crash-soak.log
