#!/usr/bin/env bash
# Regenerates the C header goldens (expected/c/) from src/c/*.bpf.c.
#
#   ./build-c.sh
#
# For each src/c/NAME.bpf.c:
#   expected/c/NAME.o          clang-19 -g -O2 -target bpf -c (no headers needed)
#   expected/c/NAME.h          bpftool btf dump file expected/c/NAME.o format c
#
# With a bpftool of version 7.5 or later in BPFTOOL_SORTED (it sorts the
# `format c` output by default; build one from github.com/libbpf/bpftool),
# also the sorted order that `btfkit dump -f c --sort` reproduces (without
# it, the committed sorted/ files are left alone):
#   expected/c/sorted/NAME.h       for every object above
#   expected/c/sorted/linked.h     for expected/merge/linked.o
#   expected/c/sorted/versions.txt which bpftool printed them
# These are kept as that bpftool printed them; the test strips what newer
# bpftool adds around the types (the __ksym/__weak/__bpf_fastcall macros,
# the kfunc prototypes) and the enum mode() attributes newer libbpf prints.
#
# Environment overrides: CLANG=clang-19 BPFTOOL=bpftool BPFTOOL_SORTED=
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")"

CLANG=${CLANG:-clang-19}
BPFTOOL=${BPFTOOL:-bpftool}
BPFTOOL_SORTED=${BPFTOOL_SORTED:-}

die() { echo "build-c.sh: error: $*" >&2; exit 1; }
command -v "$CLANG" >/dev/null 2>&1 || die "'$CLANG' not found. Install it with: sudo apt-get install clang-19"
command -v "$BPFTOOL" >/dev/null 2>&1 || die "'$BPFTOOL' not found. Install it with: sudo apt-get install bpftool"

shopt -s nullglob
srcs=(src/c/*.bpf.c)
[ ${#srcs[@]} -gt 0 ] || die "no sources in src/c/"

# sorted/ stays as it is unless BPFTOOL_SORTED can print it again.
rm -f expected/c/*.o expected/c/*.h expected/c/versions.txt
mkdir -p expected/c
for src in "${srcs[@]}"; do
	name=$(basename "$src" .bpf.c)
	echo "  CC  expected/c/$name.o"
	# -fdebug-prefix-map keeps this machine's paths out of .BTF/.BTF.ext.
	"$CLANG" -g -O2 -Wall -target bpf "-fdebug-prefix-map=$PWD=." -c "$src" -o "expected/c/$name.o" ||
		die "compilation of $src failed"
	echo "  BTF expected/c/$name.o -> expected/c/$name.h"
	"$BPFTOOL" btf dump file "expected/c/$name.o" format c > "expected/c/$name.h" ||
		die "bpftool format c failed for expected/c/$name.o"
	[ -s "expected/c/$name.h" ] || die "empty golden expected/c/$name.h"
done

if [ -n "$BPFTOOL_SORTED" ]; then
	rm -rf expected/c/sorted
	mkdir -p expected/c/sorted
	for o in expected/c/*.o expected/merge/linked.o; do
		[ -f "$o" ] || continue
		name=$(basename "$o" .o)
		echo "  SORT $o -> expected/c/sorted/$name.h"
		"$BPFTOOL_SORTED" btf dump file "$o" format c > "expected/c/sorted/$name.h" ||
			die "$BPFTOOL_SORTED format c failed for $o"
	done
	"$BPFTOOL_SORTED" version > expected/c/sorted/versions.txt
fi

{
	echo "clang: $("$CLANG" --version | head -n1)"
	echo "bpftool: $("$BPFTOOL" version | tr '\n' ' ' | sed 's/ *$//')"
} > expected/c/versions.txt

if grep -rlaF -e "$PWD" expected/c; then
	die "absolute build paths leaked into the files listed above"
fi
echo "build-c.sh: OK: ${#srcs[@]} objects"
