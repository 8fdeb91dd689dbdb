#!/usr/bin/env bash
# Whole-process time of `nettool portinfo` against `getent services`, in one hyperfine run.
# Target: nettool at or below getent. Run: ../shared/sandbox benches/portinfo.sh
source "$(dirname "$0")/lib.sh"
need getent libc-bin
build_release
compare "portinfo mysql" "$NETTOOL portinfo mysql" "getent services mysql"
compare "portinfo 3306" "$NETTOOL portinfo 3306" "getent services 3306"
