#!/usr/bin/env bash
# Writes data/symbol-order.txt: the functions that the one-shot commands and a ping run execute,
# in the order the release link lays them out (build.rs hands the file to the linker).
#
# Why: a command touches a few hundred functions scattered over 5 MB of code, and the kernel
# maps the binary 64 KiB around each page touched, so a start-up costs some 30 code page faults
# and a ping run keeps 2.4 MB of code resident. Laid out together, the same code fits a few
# dozen pages. A name missing from a later build (code changed since this list was made) is
# only left where the linker would put it anyway; run this again when the list has aged.
#
# Needs valgrind. Run as root, inside a namespace with only loopback (ping uses a raw socket):
#   ../shared/sandbox scripts/symbol-order.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "symbol-order: valgrind is not installed" >&2; exit 2; }

# The names must be those of the release profile as it is (the profile's settings enter the
# symbols' hashes), which keeps its symbol table for this. BIN=path profiles a binary built so.
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN=${CARGO_TARGET_DIR:-target}/release/nettool
fi
bin=$BIN
work=$(mktemp -d)

# A path of one router for trace (host -> router -> target, 10.249.k.0/24), so that the
# time-exceeded answers are part of the profile.
ns=nt-order$$
cleanup() {
  for n in h r t; do ip netns del "$ns$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for n in h r t; do ip netns add "$ns$n"; ip -n "$ns$n" link set lo up; done
ip link add h0 netns "${ns}h" type veth peer name r0 netns "${ns}r"
ip link add r1 netns "${ns}r" type veth peer name t0 netns "${ns}t"
ip -n "${ns}h" addr add 10.249.1.2/24 dev h0
ip -n "${ns}r" addr add 10.249.1.1/24 dev r0
ip -n "${ns}r" addr add 10.249.2.1/24 dev r1
ip -n "${ns}t" addr add 10.249.2.2/24 dev t0
for l in "h h0" "r r0" "r r1" "t t0"; do set -- $l; ip -n "$ns$1" link set "$2" up; done
ip netns exec "${ns}r" sysctl -qw net.ipv4.ip_forward=1
ip -n "${ns}h" route add default via 10.249.1.1
ip -n "${ns}t" route add default via 10.249.2.1

n=0
while read -r args; do
  [ -n "$args" ] || continue
  n=$((n + 1))
  in=()
  case $args in *10.249.*) in=(ip netns exec "${ns}h") ;; esac
  # shellcheck disable=SC2086 # the words of the line are the arguments
  timeout 120 "${in[@]}" valgrind -q --tool=callgrind --demangle=no --compress-strings=no --compress-pos=no \
    --callgrind-out-file="$work/$(printf %02d "$n").out" "$bin" $args >/dev/null 2>&1 || true
done <<'EOF'
hostname -s
subnet 192.168.21.36/24
portinfo mysql
hostname
--version
trace -n -q 3 10.249.2.2
trace -n -q 3 10.249.2.2 10.249.2.2 10.249.2.2
ping -c 2 -i 0.2 127.0.0.1
ping -q -f -c 3000 127.0.0.1
--help
subnet 10.0.0.0/8 --json
portinfo 8080/udp --json
ifconfig
ping -c 1 --json ::1
ping -q -g 127.1.0.0/28
trace -n -q 1 -w 1 127.0.0.1
EOF

# Each profile names every function it ran, with the object it belongs to. A function is keyed
# by the runs that execute it, in the order of the list above (the start-up commands measured
# against C tools first, then trace), and the keys are sorted as a reflected binary Gray code:
# the functions of the first two runs lie in one stretch each, those of the third in two, and
# each step down the list at most doubles the stretches. (Sorting by how many runs use a
# function scattered each command's functions over the whole list.)
python3 - "$bin" "$work"/*.out >data/symbol-order.txt <<'PY'
import os, re, subprocess, sys
binary = os.path.realpath(sys.argv[1])
runs = []
for path in sys.argv[2:]:
    names, obj = set(), None
    for line in open(path, errors="replace"):
        if line.startswith("ob="):
            obj = os.path.realpath(line[3:].strip())
        elif line.startswith("fn=") and obj == binary:
            name = re.sub(r"'[0-9]+$", "", line[3:].strip())
            if not name.startswith(("0x", "(")):
                names.add(name)
    runs.append(names)


def rank(name):
    """The place of the function's set of runs in Gray code order, the first run the top bit."""
    value = bit = 0
    for names in runs:
        bit ^= name in names
        value = value << 1 | bit
    return value


# What valgrind cannot see, run natively by every command: the C start file's entry (valgrind
# calls it "(below main)") and constructor, the mutex calls of exit's stream flush, the lookup
# of the vDSO's clock functions (valgrind offers no vDSO), and the string functions that glibc
# picks for this CPU (valgrind's virtual CPU gets other variants; each variant is placed with
# the one seen).
native = """_start frame_dummy register_tm_clones deregister_tm_clones __do_global_dtors_aux
pthread_mutex_lock pthread_mutex_unlock _dl_lookup_symbol_x do_lookup_x check_match
_dl_vdso_vsym strcmp strlen memcpy memmove memset""".split()
for names in runs:
    names.update(native)
defined = set(
    subprocess.run(["nm", "--defined-only", "--format=just-symbols", binary],
                   capture_output=True, text=True, check=True).stdout.split()
)
variant = re.compile(r"^__([a-z0-9]+?)(_chk)?_(sse2|ssse3|sse4_[12]|avx2?|evex|avx512)")
families = {}
for symbol in defined:
    match = variant.match(symbol)
    if match:
        families.setdefault(match[1], []).append(symbol)
printed = set()
for name in sorted(set().union(*runs), key=lambda name: (-rank(name), name)):
    match = variant.match(name)
    for symbol in [name, *sorted(families.get(match[1] if match else name, []))]:
        if symbol not in printed:
            printed.add(symbol)
            print(symbol)
PY
echo "symbol-order: $(wc -l <data/symbol-order.txt) functions from $n runs" >&2
