#!/usr/bin/env bash
# Regenerates the expected outputs of bpftool 7.8 beside this script, from a
# bpftool 7.8 binary that you have (BPFTOOL=/path/to/bpftool, required: CI
# cannot install it). Writes, per golden object golden/obj/DIR/NAME.o:
#   DIR__NAME.raw.txt   btf dump file OBJ
#   DIR__NAME.json      -j btf dump file OBJ
#   DIR__NAME.h         btf dump file OBJ format c            (sorted, 7.8's default)
#   DIR__NAME.unsorted.h btf dump file OBJ format c unsorted
# and for the kernel BTF in vmlinux.btf.br (made from /sys/kernel/btf/vmlinux
# with KERNEL=1) the same four outputs, brotli-compressed (vmlinux.*.br), and
# for the Debian kernels that golden/kernels.sh caches, format c sorted
# (debian-VERSION.h.br), merges of modules (merge-VERSION-FIRST.*, below) and
# root_id over a module (root-VERSION-nf_conntrack.*).
# VERSION records the binary's `version` output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${BPFTOOL:?set BPFTOOL to a bpftool 7.8 binary}"
"$BPFTOOL" version > "$here/VERSION"
grep -q 'v7\.8\.' "$here/VERSION" || { echo "$BPFTOOL is not bpftool 7.8" >&2; exit 1; }
br() { node -e 'const z=require("node:zlib");const c=[];process.stdin.on("data",d=>c.push(d)).on("end",()=>process.stdout.write(z.brotliCompressSync(Buffer.concat(c),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,[z.constants.BROTLI_PARAM_LGWIN]:24}})))'; }
unbr() { node -e 'const z=require("node:zlib");process.stdout.write(z.brotliDecompressSync(require("node:fs").readFileSync(process.argv[1])))' "$1"; }
dump4() { # dump4 INPUT OUT_PREFIX [compress]
	local in=$1 out=$2 f=${3:-cat}
	"$BPFTOOL" btf dump file "$in" | $f > "$out.raw.txt${3:+.br}"
	"$BPFTOOL" -j btf dump file "$in" | $f > "$out.json${3:+.br}"
	"$BPFTOOL" btf dump file "$in" format c | $f > "$out.h${3:+.br}"
	"$BPFTOOL" btf dump file "$in" format c unsorted | $f > "$out.unsorted.h${3:+.br}"
}
cd "$root/golden/obj"
for o in $(find . -name '*.o' | sort); do
	name=${o#./}; name=${name%.o}; name=${name//\//__}
	dump4 "$o" "$here/$name"
done
if [ "${KERNEL:-}" = 1 ]; then
	br < /sys/kernel/btf/vmlinux > "$here/vmlinux.btf.br"
fi
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
unbr "$here/vmlinux.btf.br" > "$tmp"
dump4 "$tmp" "$here/vmlinux" br
# Several files merged (bpftool 7.8's `file A file B ...`): MERGE_SETS modules
# of each cached kernel over its vmlinux, raw, -j and format c (brotli).
MERGE_SETS=("8021q garp stp llc" "nf_conntrack nf_nat nf_tables")
for k in "$root"/golden/.cache/kernels/*/; do
	[ -f "$k/vmlinux.btf" ] || continue
	v=$(basename "$k")
	"$BPFTOOL" btf dump file "$k/vmlinux.btf" format c | br > "$here/debian-$v.h.br"
	for set in "${MERGE_SETS[@]}"; do
		args=(); for m in $set; do args+=(file "$k/modules/$m.btf"); done
		out="$here/merge-$v-${set%% *}"
		"$BPFTOOL" -B "$k/vmlinux.btf" btf dump "${args[@]}" > "$out.raw.txt"
		"$BPFTOOL" -j -B "$k/vmlinux.btf" btf dump "${args[@]}" > "$out.json"
		"$BPFTOOL" -B "$k/vmlinux.btf" btf dump "${args[@]}" format c | br > "$out.h.br"
	done
	# root_id over a module (split BTF): ids in the order given, base types
	# included: the module's 6th and 1st types, vmlinux's 100th and 1st.
	start=$(($("$BPFTOOL" btf dump file "$k/vmlinux.btf" | grep -c '^\[') + 1))
	roots=(root_id $((start + 5)) root_id 100 root_id "$start" root_id 1)
	out="$here/root-$v-nf_conntrack"
	"$BPFTOOL" -B "$k/vmlinux.btf" btf dump file "$k/modules/nf_conntrack.btf" "${roots[@]}" > "$out.raw.txt"
	"$BPFTOOL" -j -B "$k/vmlinux.btf" btf dump file "$k/modules/nf_conntrack.btf" "${roots[@]}" > "$out.json"
done
