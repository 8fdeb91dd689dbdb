#!/usr/bin/env bash
# Start-up of the one-shot commands against their peers, each row a ratio from interleaved
# back-to-back runs (see `interleave` in lib.sh). Target: every ratio at or below 1.0.
# Run: ../shared/sandbox benches/startup.sh   (BEFORE=path/to/older/nettool adds its rows)
# 500 pairs a row by default (RUNS=N to change): with 50, the medians of runs minutes apart
# differed by up to 5%, more than the margins measured; with 2,000 they agree to 1%.
RUNS=${RUNS:-500}
source "$(dirname "$0")/lib.sh"
need sipcalc; need getent libc-bin; need hostname
build_release
row() {
  local title=$1 args=$2; shift 2
  interleave "$title" "$NETTOOL $args" ${BEFORE:+"$BEFORE $args"} "$@"
}
row "start-up: subnet 192.168.21.36/24" "subnet 192.168.21.36/24" "sipcalc 192.168.21.36/24"
row "start-up: portinfo mysql" "portinfo mysql" "getent services mysql"
# `hostname` prints gethostname() only, as `nettool hostname -s` does (no dot in the name here);
# `nettool hostname` resolves the name too, as `hostname -f` does.
row "start-up: hostname -s / hostname" "hostname -s" "hostname"
row "start-up: hostname / hostname -f" "hostname" "hostname -f"
row "start-up: --version" "--version" "sipcalc --version"
