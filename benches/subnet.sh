#!/usr/bin/env bash
# Whole-process time of `nettool subnet` against ipcalc and sipcalc, in one hyperfine run.
# Target: nettool at or below the fastest peer. Run: ../shared/sandbox benches/subnet.sh
source "$(dirname "$0")/lib.sh"
need ipcalc; need sipcalc
build_release
compare "subnet 192.168.21.36/24" \
  "$NETTOOL subnet 192.168.21.36/24" \
  "ipcalc 192.168.21.36/24" \
  "sipcalc 192.168.21.36/24"
