#!/usr/bin/env bash
# Regenerates obj/ and expected/ from src/ for this BTF corpus.
#
#   ./build.sh            # rebuild everything (obj/ and expected/ are recreated)
#
# Environment overrides:
#   CLANG=clang-19  BPFTOOL=bpftool  READELF=llvm-readelf-19
#   VMLINUX_BTF=/sys/kernel/btf/vmlinux   (kernel BTF used to generate vmlinux.h)
#
# Layout produced (all paths relative to this directory):
#   obj/NAME.o              clang -target bpf   (little-endian)
#   obj/NAME.bpfeb.o        clang -target bpfeb (only for sources tagged
#                           "corpus: also-bpfeb")
#   obj/merge/NAME.o        objects of the merge set (src/merge/*.bpf.c)
#   obj/maps/NAME.o         the maps/vars inspectors' objects (src/maps/*.bpf.c)
#   obj/xcheck/NAME.o       objects from cross-checks with the real tools (src/xcheck/*.bpf.c),
#                           inspected as obj/maps/ is
#   obj/core/NAME.o         CO-RE programs (src/core/*.bpf.c, header-free), checked
#                           against libbpf by test/core.test.ts
#   obj/gen/NAME.o          the skeleton corpus (src/gen/*.bpf.c, header-free), checked
#                           against bpftool gen skeleton by test/gen.test.ts (expected
#                           files in test/fixtures/gen)
#   obj-nobtf/NAME.o        sources of src/gen/ tagged "gen: no-btf", built without -g:
#                           objects without .BTF, outside obj/ (the suites that walk
#                           obj/ read BTF)
#   obj/ext/NAME.o, obj/ext/NAME.bpfeb.o
#                           the .BTF.ext and DATASEC fixup corpus (src/ext/*.bpf.c),
#                           both byte orders; what libbpf and bpftool print for
#                           them lives in test/fixtures/ext (its regen.sh)
#   expected/NAME.raw.txt     bpftool btf dump file obj/NAME.o
#   expected/NAME.json        bpftool -j btf dump file obj/NAME.o   (compact JSON)
#   expected/NAME.h           bpftool btf dump file obj/NAME.o format c
#   expected/merge/...        same three dumps for every merge object, plus
#   expected/merge/linked.o   bpftool gen object expected/merge/linked.o obj/merge/*.o
#   expected/merge/linked.{raw.txt,json,h}
#   expected/stats.tsv        type count, .BTF/.BTF.ext sizes and BTF kinds per object
#   expected/versions.txt     tool versions and kernel the goldens came from
#
# vmlinux.h is generated into a temporary directory and never stored.
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")"

CLANG=${CLANG:-clang-19}
BPFTOOL=${BPFTOOL:-bpftool}
READELF=${READELF:-llvm-readelf-19}
VMLINUX_BTF=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}

die() { echo "build.sh: error: $*" >&2; exit 1; }

need_tool() { # tool apt-package
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found. Install it with: sudo apt-get install $2"
}
need_tool "$CLANG" clang-19
need_tool "$BPFTOOL" bpftool
need_tool "$READELF" llvm-19
[ -r /usr/include/bpf/bpf_helpers.h ] ||
	die "libbpf headers missing. Install them with: sudo apt-get install libbpf-dev"
[ -r /usr/include/linux/bpf.h ] ||
	die "kernel UAPI headers missing. Install them with: sudo apt-get install linux-libc-dev"
[ -r "$VMLINUX_BTF" ] ||
	die "kernel BTF '$VMLINUX_BTF' not readable (needs CONFIG_DEBUG_INFO_BTF=y, or set VMLINUX_BTF)"

case "$(uname -m)" in
x86_64)			TARGET_ARCH=x86 ;;
aarch64)		TARGET_ARCH=arm64 ;;
s390x)			TARGET_ARCH=s390 ;;
ppc64le|ppc64)		TARGET_ARCH=powerpc ;;
riscv64)		TARGET_ARCH=riscv ;;
loongarch64)		TARGET_ARCH=loongarch ;;
*)			die "unsupported host architecture $(uname -m)" ;;
esac

# <asm/types.h> for the UAPI headers lives in the multiarch include dir.
ASM_INC=
for d in "/usr/include/$(uname -m)-linux-gnu" /usr/include/*-linux-gnu; do
	if [ -d "$d/asm" ]; then ASM_INC=$d; break; fi
done
[ -n "$ASM_INC" ] || die "no multiarch <asm/...> include directory found (install linux-libc-dev)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/vmlinux"
"$BPFTOOL" btf dump file "$VMLINUX_BTF" format c > "$TMP/vmlinux/vmlinux.h" ||
	die "bpftool could not dump $VMLINUX_BTF"

# -fdebug-prefix-map keeps this machine's paths out of DWARF and out of the
# file names that clang stores in .BTF for .BTF.ext line info
# (the last matching map wins in clang, so the most specific goes last).
CFLAGS=(-g -O2 -Wall
	"-D__TARGET_ARCH_${TARGET_ARCH}"
	-I "$TMP/vmlinux" -idirafter "$ASM_INC"
	"-fdebug-prefix-map=$TMP/vmlinux=vmlinux-h"
	"-fdebug-prefix-map=$PWD=.")

# expected/c/ is build-c.sh's (run at the end): its sorted/ goldens need a
# bpftool newer than this one, so they are kept unless it can redo them.
rm -rf obj/*.o obj/merge obj/maps obj/xcheck obj/ext obj/core obj/gen obj-nobtf
find expected -mindepth 1 -maxdepth 1 ! -name c -exec rm -rf {} + 2>/dev/null || true
mkdir -p obj/merge expected/merge

compile() { # target src out
	echo "  CC  $3"
	"$CLANG" "${CFLAGS[@]}" -target "$1" -c "$2" -o "$3" ||
		die "compilation of $2 (-target $1) failed"
}

dump() { # obj golden-prefix
	echo "  BTF $1 -> $2.{raw.txt,json,h}"
	"$BPFTOOL" btf dump file "$1" > "$2.raw.txt" || die "bpftool btf dump failed for $1"
	"$BPFTOOL" -j btf dump file "$1" > "$2.json" || die "bpftool -j btf dump failed for $1"
	"$BPFTOOL" btf dump file "$1" format c > "$2.h" || die "bpftool format c failed for $1"
	for f in "$2.raw.txt" "$2.json" "$2.h"; do
		[ -s "$f" ] || die "empty golden file $f"
	done
}

shopt -s nullglob
srcs=(src/*.bpf.c)
msrcs=(src/merge/*.bpf.c)
[ ${#srcs[@]} -gt 0 ] || die "no sources in src/"

objs=()
for src in "${srcs[@]}"; do
	name=$(basename "$src" .bpf.c)
	compile bpf "$src" "obj/$name.o"
	objs+=("obj/$name.o")
	if grep -q 'corpus: also-bpfeb' "$src"; then
		compile bpfeb "$src" "obj/$name.bpfeb.o"
		objs+=("obj/$name.bpfeb.o")
	fi
done

# src/maps: self-contained sources for the maps/vars inspectors and the
# emitters; each is built in its own directory, as its header says.
mkdir -p obj/maps
for src in src/maps/*.bpf.c; do
	name=$(basename "$src" .bpf.c)
	echo "  CC  obj/maps/$name.o"
	(cd src/maps && "$CLANG" -g -O2 -target bpf -fdebug-compilation-dir=. -c "$name.bpf.c" -o "../../obj/maps/$name.o") ||
		die "compilation of $src failed"
done

# src/xcheck: programs that cross-checks against the real tools found a
# difference with (each source's header says what it pins down); every suite
# that walks obj/ reads them, and the maps/vars suites compare them with libbpf.
mkdir -p obj/xcheck
for src in src/xcheck/*.bpf.c; do
	name=$(basename "$src" .bpf.c)
	echo "  CC  obj/xcheck/$name.o"
	(cd src/xcheck && "$CLANG" -g -O2 -target bpf -fdebug-compilation-dir=. -c "$name.bpf.c" -o "../../obj/xcheck/$name.o") ||
		die "compilation of $src failed"
done

# src/ext: every rule of the DATASEC fixup and every CO-RE relocation kind,
# in both byte orders, built in their directory (the paths in .BTF are "./").
mkdir -p obj/ext
for src in src/ext/*.bpf.c; do
	name=$(basename "$src" .bpf.c)
	for target in bpf bpfeb; do
		out=$name.o
		[ "$target" = bpfeb ] && out=$name.bpfeb.o
		echo "  CC  obj/ext/$out"
		(cd src/ext && "$CLANG" -g -O2 -Wall -target "$target" -idirafter "$ASM_INC" \
			"-fdebug-prefix-map=$(pwd)=." -c "$name.bpf.c" -o "../../obj/ext/$out") ||
			die "compilation of $src (-target $target) failed"
	done
done

# src/core: header-free CO-RE programs (every relocation kind, against the
# real kernels' types and a module's), little-endian only: libbpf 1.1
# relocates only native-endian objects.
mkdir -p obj/core
for src in src/core/*.bpf.c; do
	name=$(basename "$src" .bpf.c)
	echo "  CC  obj/core/$name.o"
	(cd src/core && "$CLANG" -g -O2 -Wall -target bpf \
		"-fdebug-prefix-map=$(pwd)=." -c "$name.bpf.c" -o "../../obj/core/$name.o") ||
		die "compilation of $src failed"
done

# The skeleton corpus (test/gen.test.ts); a source tagged "gen: no-btf" is
# built without -g (no .BTF) into obj-nobtf/.
mkdir -p obj/gen obj-nobtf
for src in src/gen/*.bpf.c; do
	name=$(basename "$src" .bpf.c)
	g=-g out=obj/gen/$name.o
	if grep -q 'gen: no-btf' "$src"; then g= out=obj-nobtf/$name.o; fi
	echo "  CC  $out"
	(cd src/gen && "$CLANG" $g -O2 -Wall -target bpf -fdebug-compilation-dir=. -c "$name.bpf.c" -o "../../$out") ||
		die "compilation of $src failed"
done

mobjs=()
for src in "${msrcs[@]}"; do
	name=$(basename "$src" .bpf.c)
	compile bpf "$src" "obj/merge/$name.o"
	mobjs+=("obj/merge/$name.o")
done

for o in "${objs[@]}"; do
	dump "$o" "expected/$(basename "$o" .o)"
done
for o in "${mobjs[@]}"; do
	dump "$o" "expected/merge/$(basename "$o" .o)"
done

all=("${objs[@]}" "${mobjs[@]}")
if [ ${#mobjs[@]} -gt 0 ]; then
	echo "  LINK expected/merge/linked.o"
	"$BPFTOOL" gen object expected/merge/linked.o "${mobjs[@]}" ||
		die "bpftool gen object failed"
	dump expected/merge/linked.o expected/merge/linked
	all+=(expected/merge/linked.o)
fi

# Per-object statistics: BTF type count and section sizes.
sec_size() { # obj section -> size in bytes (0 if absent)
	local hex
	hex=$("$READELF" -S -W "$1" |
	      sed -n 's/^ *\[ *[0-9]*\] *//p' |
	      awk -v s="$2" '$1 == s { print $5; exit }')
	echo $(( 16#${hex:-0} ))
}
{
	printf 'object\tbtf_types\tBTF_bytes\tBTF.ext_bytes\tkinds\n'
	for o in "${all[@]}"; do
		case "$o" in
		expected/merge/linked.o) g=expected/merge/linked.raw.txt ;;
		obj/merge/*) g="expected/merge/$(basename "$o" .o).raw.txt" ;;
		*) g="expected/$(basename "$o" .o).raw.txt" ;;
		esac
		n=$(grep -c '^\[' "$g" || true)
		kinds=$(sed -n 's/^\[[0-9]*\] \([A-Z0-9_]*\) .*/\1/p' "$g" | sort -u | paste -sd, -)
		printf '%s\t%s\t%s\t%s\t%s\n' "$o" "$n" "$(sec_size "$o" .BTF)" "$(sec_size "$o" .BTF.ext)" "$kinds"
	done
} > expected/stats.tsv

{
	echo "clang: $("$CLANG" --version | head -n1)"
	echo "bpftool: $("$BPFTOOL" version | tr '\n' ' ' | sed 's/ *$//')"
	echo "llvm-readelf: $("$READELF" --version | sed -n 's/.*LLVM version /LLVM /p' | head -n1)"
	if command -v pahole >/dev/null 2>&1; then echo "pahole: $(pahole --version)"; fi
	if command -v dpkg-query >/dev/null 2>&1; then
		echo "libbpf-dev: $(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || echo unknown)"
		echo "linux-libc-dev: $(dpkg-query -W -f='${Version}' linux-libc-dev 2>/dev/null || echo unknown)"
	fi
	echo "kernel (vmlinux BTF source): $(uname -r) $(uname -m)"
	echo "vmlinux BTF sha256: $(sha256sum < "$VMLINUX_BTF" | cut -d' ' -f1)"
} > expected/versions.txt

# No absolute path of the build machine may end up in the outputs.
if grep -rlaF -e "$PWD" -e "$TMP" obj expected; then
	die "absolute build paths leaked into the files listed above"
fi

CLANG="$CLANG" BPFTOOL="$BPFTOOL" ./build-c.sh || die "build-c.sh failed"

echo "build.sh: OK: ${#objs[@]} objects, ${#mobjs[@]} merge objects (+ linked.o); stats in expected/stats.tsv"
