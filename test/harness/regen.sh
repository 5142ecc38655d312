#!/usr/bin/env bash
# Regenerates the expected outputs of the builder scripts with libbpf:
#
#   test/fixtures/builder/NAME.txt  ->  NAME.btf (raw BTF)  +  NAME.ids (stdout)
#
#   test/harness/regen.sh           rewrite every NAME.btf / NAME.ids
#   test/harness/regen.sh --check   regenerate into a temporary directory and
#                                   compare with the committed files (exit 1
#                                   on any difference; nothing is written)
#
# Scripts that start with `new` run first, then those that start with
# `new_split BASE` (their BASE is usually the output of a `new` script).
# The committed outputs come from Debian's libbpf 1.1.2; another libbpf may
# give other bytes (libbpf >= 1.8 writes a 32-byte header for new BTF).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
dir="$here/../fixtures/builder"
btfh="$here/build/btfh"

check=0
case "${1:-}" in
	--check) check=1 ;;
	"") ;;
	*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

make -s -C "$here" >&2

# the first statement of a script: `new` or `new_split BASE`
header() { grep -v -e '^#' -e '^[[:space:]]*$' "$1" | head -n 1; }

scripts=()
for pass in new new_split; do
	for f in "$dir"/*.txt; do
		h=$(header "$f")
		[ "${h%% *}" = "$pass" ] && scripts+=("$f")
	done
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$check" = 1 ]; then
	# split scripts read their committed base (a changed base shows up as
	# a DIFF of its own)
	status=0
	for f in "${scripts[@]}"; do
		n=$(basename "$f" .txt)
		if ! "$btfh" script "$f" "$tmp/$n.btf" > "$tmp/$n.ids"; then
			echo "FAIL  $n: btfh script failed" >&2
			status=1
			continue
		fi
		for ext in btf ids; do
			if cmp -s "$tmp/$n.$ext" "$dir/$n.$ext"; then
				echo "ok    $n.$ext"
			else
				echo "DIFF  $n.$ext" >&2
				status=1
			fi
		done
	done
	exit $status
fi

for f in "${scripts[@]}"; do
	n=$(basename "$f" .txt)
	"$btfh" script "$f" "$tmp/$n.btf" > "$tmp/$n.ids"
	mv -f "$tmp/$n.btf" "$dir/$n.btf"
	mv -f "$tmp/$n.ids" "$dir/$n.ids"
	echo "wrote $n.btf ($(wc -c < "$dir/$n.btf") bytes), $n.ids ($(wc -l < "$dir/$n.ids") lines)"
done
