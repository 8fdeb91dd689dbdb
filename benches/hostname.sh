#!/usr/bin/env bash
# Whole-process time of `nettool hostname` against `hostname`, in one hyperfine run each.
# Target: nettool at or below the peer. Run: ../shared/sandbox benches/hostname.sh
source "$(dirname "$0")/lib.sh"
need hostname
build_release
compare "hostname" "$NETTOOL hostname -q" "hostname"
compare "hostname -f" "$NETTOOL hostname" "hostname -f"
compare "hostname -I" "$NETTOOL hostname -I" "hostname -I"
