#!/usr/bin/env bash
# Whole-process time of the one-shot commands against their peers, in one run each.
# Run: ../shared/sandbox benches/startup.sh   (target: ratio at or below 1.0 of the fastest peer)
source "$(dirname "$0")/lib.sh"
build_release
