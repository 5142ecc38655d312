#!/usr/bin/env bash
# Fetches real kernels' BTF from Debian's kernel packages into a cache outside
# git, for the tests that compare btfkit with bpftool and libbpf on real
# kernel and module BTF (test/kernels.test.ts).
#
#   golden/kernels.sh                 # the newest 6.1 and 6.12 cloud kernels
#   golden/kernels.sh PACKAGE...      # these linux-image-*-unsigned packages
#   golden/kernels.sh --list          # what the cache holds
#
# For each package: `apt-get download`, `dpkg-deb -x` into a work directory,
# the compressed payload of boot/vmlinuz-* (the compressor named by
# boot/config-*: CONFIG_KERNEL_LZ4, _ZSTD, ...) decompressed to the vmlinux
# ELF, its .BTF section written out with llvm-objcopy, then every module's
# .BTF (split BTF over that vmlinux; modules may be .ko.xz/.ko.zst/.ko.gz).
# The work directory (the .deb and the extracted tree) is removed afterwards.
#
# Layout of the cache ($BTFKIT_KERNEL_CACHE, default golden/.cache/kernels):
#   RELEASE/vmlinux.btf           raw BTF of the kernel (RELEASE: 6.1.0-57-cloud-amd64)
#   RELEASE/modules/NAME.btf      raw split BTF of module NAME.ko
#   RELEASE/manifest.json         package, version, sizes and checksums; written
#                                 last, so a RELEASE directory is complete
# A kernel already in the cache is skipped. Kernels of the default series that
# the archive no longer offers are removed once their successor is in place.
#
# Environment: BTFKIT_KERNEL_CACHE, LLVM_OBJCOPY (default llvm-objcopy-19),
# BTFKIT_JOBS (parallel module extractions, default nproc).
# Tools: apt-get, dpkg-deb, llvm-objcopy-19 (llvm-19), and the decompressors
# the packages need: lz4 (6.1 kernel), zstd (6.12 kernel), xz (6.12 modules).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${BTFKIT_KERNEL_CACHE:-$ROOT/golden/.cache/kernels}
LLVM_OBJCOPY=${LLVM_OBJCOPY:-llvm-objcopy-19}
JOBS=${BTFKIT_JOBS:-$(nproc 2>/dev/null || echo 2)}

# The default kernels: per series, the newest package whose name matches.
SERIES=(
	'6.1 ^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$'
	'6.12 ^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned$'
)

die() { echo "kernels.sh: error: $*" >&2; exit 1; }
warn() { echo "kernels.sh: warning: $*" >&2; }
say() { echo "kernels.sh: $*"; }

# Progress in place on a terminal, nothing otherwise.
TTY=0
[ -t 1 ] && TTY=1
progress() { [ "$TTY" = 1 ] && printf '\r\033[K  %s' "$*" || true; }
progress_end() { [ "$TTY" = 1 ] && printf '\r\033[K' || true; }

need_tool() { # tool apt-package
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install it with apt-get install $2"
}

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-0}"
}

list_cache() {
	local m
	[ -d "$CACHE" ] || { say "no cache at $CACHE"; return; }
	for m in "$CACHE"/*/manifest.json; do
		[ -f "$m" ] || continue
		local d=${m%/manifest.json}
		printf '%-28s %5s modules  %s\n' "$(basename "$d")" "$(find "$d/modules" -name '*.btf' | wc -l)" "$(du -sh "$d" | cut -f1)"
	done
	say "cache $CACHE: $(du -sh "$CACHE" | cut -f1)"
}

# Prints the newest package matching an extended regex that apt can download.
newest_package() { # regex
	local names p policy
	names=$(apt-cache pkgnames linux-image- 2>/dev/null | grep -E "$1" | sort -rV || true)
	for p in $names; do
		policy=$(apt-cache policy "$p" 2>/dev/null || true)
		case $policy in
		*"Candidate: (none)"*) ;;
		*"Candidate: "*) echo "$p"; return ;;
		esac
	done
}

# Reads a little-endian unsigned integer of N bytes at OFFSET of FILE.
le_uint() { # file offset n
	local v=0 i b
	local -a bytes
	read -r -a bytes <<<"$(od -An -tu1 -v -j "$2" -N "$3" "$1")"
	[ "${#bytes[@]}" -eq "$3" ] || die "$1: cannot read $3 bytes at offset $2"
	for ((i = $3 - 1; i >= 0; i--)); do
		b=${bytes[$i]}
		v=$((v * 256 + b))
	done
	echo "$v"
}

# Prints the compressor of the kernel image (gzip, lz4, zstd ...) as CONFIG says.
kernel_compression() { # config
	local comp
	comp=$(sed -n 's/^CONFIG_KERNEL_\(GZIP\|BZIP2\|LZMA\|XZ\|LZO\|LZ4\|ZSTD\)=y$/\1/p' "$1")
	[ -n "$comp" ] || die "$1: no CONFIG_KERNEL_<compressor>=y line"
	echo "$comp" | tr 'A-Z' 'a-z'
}

# Prints COUNT bytes of FILE from byte OFFSET.
bytes_at() { # file offset count
	dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" bs=1M status=none
}

# Decompresses the kernel inside bzImage VMLINUZ with COMPRESSOR to OUT.
#
# The x86 boot header (Documentation/arch/x86/boot.rst, protocol >= 2.08)
# gives the payload's place: setup_sects at 0x1f1, payload_offset at 0x248
# and payload_length at 0x24c, relative to the protected-mode code after the
# (setup_sects + 1) * 512 bytes of real-mode setup. The payload's last 4
# bytes are the uncompressed size: arch/x86/boot/compressed/Makefile appends
# them (*_with_size) for every compressor but gzip, whose own trailer ends
# with that size; they are cut off before decompressing, then checked.
vmlinuz_to_elf() { # vmlinuz compressor out
	local img=$1 comp=$2 out=$3
	[ "$(bytes_at "$img" $((0x202)) 4)" = HdrS ] || die "$img: not a bzImage (no HdrS boot header)"
	local proto setup off len start want
	proto=$(le_uint "$img" $((0x206)) 2)
	[ "$proto" -ge $((0x208)) ] || die "$img: boot protocol $(printf %x "$proto") is older than 2.08 (no payload fields)"
	setup=$(le_uint "$img" $((0x1f1)) 1)
	[ "$setup" -ne 0 ] || setup=4
	off=$(le_uint "$img" $((0x248)) 4)
	len=$(le_uint "$img" $((0x24c)) 4)
	start=$(((setup + 1) * 512 + off))
	want=$(le_uint "$img" $((start + len - 4)) 4)

	local cut=4 cmd
	case $comp in
	gzip) need_tool gzip gzip; cmd=(gzip -dc); cut=0 ;;
	bzip2) need_tool bzip2 bzip2; cmd=(bzip2 -dc) ;;
	lzma) need_tool xz xz-utils; cmd=(xz --format=lzma -dc) ;;
	xz) need_tool xz xz-utils; cmd=(xz -dc) ;;
	lzo) need_tool lzop lzop; cmd=(lzop -dc) ;;
	lz4) need_tool lz4 lz4; cmd=(lz4 -dc) ;;
	zstd) need_tool zstd zstd; cmd=(zstd -dc -q) ;;
	*) die "$img: unknown compressor $comp" ;;
	esac
	bytes_at "$img" "$start" $((len - cut)) | "${cmd[@]}" >"$out" ||
		die "$img: ${cmd[0]} could not decompress the $comp payload"
	local got
	got=$(stat -c %s "$out")
	[ "$got" -eq "$want" ] || die "$img: the $comp payload gave $got bytes, the image says $want"
	[ "$(bytes_at "$out" 0 4 | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || die "$img: the decompressed kernel is not an ELF file"
}

# Decompresses every *.ko.{xz,zst,gz} under DIR in place; prints the kinds seen.
decompress_modules() { # dir
	local seen=()
	if [ -n "$(find "$1" -name '*.ko.xz' -print -quit)" ]; then
		need_tool xz xz-utils
		find "$1" -name '*.ko.xz' -print0 | xargs -0 -r -n 200 -P "$JOBS" xz -d -q
		seen+=(xz)
	fi
	if [ -n "$(find "$1" -name '*.ko.zst' -print -quit)" ]; then
		need_tool zstd zstd
		find "$1" -name '*.ko.zst' -print0 | xargs -0 -r -n 200 -P "$JOBS" zstd -d -q --rm
		seen+=(zstd)
	fi
	if [ -n "$(find "$1" -name '*.ko.gz' -print -quit)" ]; then
		need_tool gzip gzip
		find "$1" -name '*.ko.gz' -print0 | xargs -0 -r -n 200 -P "$JOBS" gzip -d -q
		seen+=(gzip)
	fi
	[ ${#seen[@]} -gt 0 ] && echo "${seen[*]}" || echo none
}

# Writes the .BTF of every module (*.ko under TREE) to OUT/NAME.btf; the names
# of modules without .BTF go to NOBTF, one a line.
extract_modules() { # tree out nobtf
	local tree=$1 out=$2 nobtf=$3 total dups errs
	total=$(find "$tree" -name '*.ko' | wc -l)
	[ "$total" -gt 0 ] || die "$tree: no kernel modules (*.ko) found"
	dups=$(find "$tree" -name '*.ko' -printf '%f\n' | sort | uniq -d | head -3)
	[ -z "$dups" ] || die "$tree: module names are not unique: $dups"
	errs=$(mktemp)
	# One sh per batch of modules: objcopy's start-up is most of the time.
	# shellcheck disable=SC2016
	find "$tree" -name '*.ko' -print0 | xargs -0 -r -n 64 -P "$JOBS" sh -c '
		out=$1; nobtf=$2; errs=$3; objcopy=$4; shift 4
		for ko; do
			n=$(basename "$ko" .ko)
			if ! msg=$("$objcopy" --dump-section ".BTF=$out/$n.btf.tmp" "$ko" /dev/null 2>&1); then
				rm -f "$out/$n.btf.tmp"
				case $msg in
				*"section '"'"'.BTF'"'"' not found"*) echo "$n" >>"$nobtf" ;;
				*) echo "$ko: $msg" >>"$errs" ;;
				esac
				continue
			fi
			mv "$out/$n.btf.tmp" "$out/$n.btf"
		done' sh "$out" "$nobtf" "$errs" "$LLVM_OBJCOPY" &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		progress "modules: $(find "$out" -name '*.btf' | wc -l)/$total"
		sleep 0.5
	done
	wait "$pid" || true
	progress_end
	if [ -s "$errs" ]; then
		head -5 "$errs" >&2
		rm -f "$errs"
		die "$LLVM_OBJCOPY failed on some modules"
	fi
	rm -f "$errs"
	local got
	got=$(($(find "$out" -name '*.btf' | wc -l) + $(wc -l <"$nobtf")))
	[ "$got" -eq "$total" ] || die "$tree: $total modules, but $got were extracted or found without .BTF"
}

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# Fetches PACKAGE into the cache unless it is there.
fetch_kernel() { # package series
	local pkg=$1 series=$2 release
	release=${pkg#linux-image-}
	release=${release%-unsigned}
	local dest=$CACHE/$release
	if [ -f "$dest/manifest.json" ]; then
		say "$release: in the cache, skipped"
		return
	fi
	local t0=$SECONDS
	mkdir -p "$CACHE"
	WORK=$(mktemp -d "$CACHE/.work.XXXXXX")
	local new=$WORK/out
	mkdir -p "$new/modules"

	say "$release: downloading $pkg"
	local apt_opts=(-q)
	# as root, apt would try (and fail) to let its _apt user write to WORK
	[ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
	(cd "$WORK" && apt-get "${apt_opts[@]}" download "$pkg" >/dev/null) ||
		die "apt-get download $pkg failed (run apt-get update; is the network up?)"
	local deb
	deb=$(find "$WORK" -maxdepth 1 -name '*.deb' -print -quit)
	[ -n "$deb" ] || die "apt-get download $pkg wrote no .deb"
	local version debsize debsha
	version=$(dpkg-deb -f "$deb" Version)
	debsize=$(stat -c %s "$deb")
	debsha=$(sha256sum "$deb" | cut -d' ' -f1)

	say "$release: extracting $(basename "$deb") ($((debsize / 1048576)) MiB)"
	dpkg-deb -x "$deb" "$WORK/x"
	rm -f "$deb"
	local vmlinuz=$WORK/x/boot/vmlinuz-$release config=$WORK/x/boot/config-$release
	[ -f "$vmlinuz" ] || die "$pkg has no boot/vmlinuz-$release"
	[ -f "$config" ] || die "$pkg has no boot/config-$release"
	grep -q '^CONFIG_DEBUG_INFO_BTF=y' "$config" || die "$release was built without CONFIG_DEBUG_INFO_BTF"

	local kcomp
	kcomp=$(kernel_compression "$config")
	say "$release: decompressing the kernel ($kcomp)"
	vmlinuz_to_elf "$vmlinuz" "$kcomp" "$WORK/vmlinux"
	"$LLVM_OBJCOPY" --dump-section ".BTF=$new/vmlinux.btf" "$WORK/vmlinux" /dev/null ||
		die "$LLVM_OBJCOPY could not write the .BTF section of $release's vmlinux"
	rm -f "$WORK/vmlinux"

	say "$release: extracting module BTF"
	local mcomp
	mcomp=$(decompress_modules "$WORK/x/lib/modules")
	: >"$WORK/nobtf"
	extract_modules "$WORK/x/lib/modules" "$new/modules" "$WORK/nobtf"
	local nmod
	nmod=$(find "$new/modules" -name '*.btf' | wc -l)

	{
		printf '{\n'
		printf '  "package": %s,\n' "$(json_str "$pkg")"
		printf '  "version": %s,\n' "$(json_str "$version")"
		printf '  "release": %s,\n' "$(json_str "$release")"
		printf '  "series": %s,\n' "$(json_str "$series")"
		printf '  "debSize": %s,\n' "$debsize"
		printf '  "debSha256": %s,\n' "$(json_str "$debsha")"
		printf '  "kernelCompression": %s,\n' "$(json_str "$kcomp")"
		printf '  "moduleCompression": %s,\n' "$(json_str "$mcomp")"
		printf '  "vmlinuxSize": %s,\n' "$(stat -c %s "$new/vmlinux.btf")"
		printf '  "vmlinuxSha256": %s,\n' "$(json_str "$(sha256sum "$new/vmlinux.btf" | cut -d' ' -f1)")"
		printf '  "modules": %s,\n' "$nmod"
		printf '  "modulesWithoutBtf": [%s],\n' "$(sort "$WORK/nobtf" | while read -r n; do json_str "$n"; printf ','; done | sed 's/,$//')"
		printf '  "extractedBy": "golden/kernels.sh"\n'
		printf '}\n'
	} >"$new/manifest.json"
	rm -rf "$dest"
	mv "$new" "$dest"
	rm -rf "$WORK"
	WORK=
	say "$release: $nmod modules, $(du -sh "$dest" | cut -f1) in $((SECONDS - t0)) s"
}

WORK=
cleanup() { [ -z "$WORK" ] || rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

packages=()
for a in "$@"; do
	case $a in
	-h | --help) usage 0 ;;
	--list) list_cache; exit 0 ;;
	-*) echo "kernels.sh: unknown option $a" >&2; usage 2 ;;
	*) packages+=("$a") ;;
	esac
done

need_tool apt-get apt
need_tool apt-cache apt
need_tool dpkg-deb dpkg
need_tool od coreutils
if ! command -v "$LLVM_OBJCOPY" >/dev/null 2>&1; then
	die "'$LLVM_OBJCOPY' not found: install it with apt-get install llvm-19 (or set LLVM_OBJCOPY)"
fi

# Releases kept in the cache: those named, or the newest of each series.
series_of=()
if [ ${#packages[@]} -eq 0 ]; then
	updated=0
	for s in "${SERIES[@]}"; do
		name=${s%% *} re=${s#* }
		p=$(newest_package "$re")
		if [ -z "$p" ] && [ "$updated" = 0 ] && [ "$(id -u)" -eq 0 ]; then
			say "no package for $name in apt's index: running apt-get update"
			apt-get update -qq || die "apt-get update failed"
			updated=1
			p=$(newest_package "$re")
		fi
		if [ -z "$p" ]; then
			have=$(find "$CACHE" -mindepth 2 -maxdepth 2 -name manifest.json -exec grep -l "\"series\": \"$name\"" {} + 2>/dev/null | head -1 || true)
			[ -n "$have" ] || die "apt offers no package matching $re (run apt-get update; Debian 12 sources must include bookworm-security or bookworm-backports)"
			warn "apt offers no $name kernel now; keeping $(basename "$(dirname "$have")") from the cache"
			continue
		fi
		packages+=("$p")
		series_of+=("$name")
	done
else
	for p in "${packages[@]}"; do
		case $p in
		linux-image-*-unsigned) ;;
		*) die "$p: expected a linux-image-*-unsigned package name" ;;
		esac
		v=${p#linux-image-}
		series_of+=("$(echo "$v" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')")
	done
fi

for i in "${!packages[@]}"; do
	fetch_kernel "${packages[$i]}" "${series_of[$i]}"
done

# Default run: a kernel of a default series that was superseded goes away.
if [ $# -eq 0 ]; then
	for m in "$CACHE"/*/manifest.json; do
		[ -f "$m" ] || continue
		d=$(dirname "$m") keep=0
		for p in "${packages[@]}"; do
			r=${p#linux-image-}
			[ "$(basename "$d")" = "${r%-unsigned}" ] && keep=1
		done
		s=$(sed -n 's/^  "series": "\(.*\)",$/\1/p' "$m")
		for j in "${!series_of[@]}"; do
			if [ "$keep" = 0 ] && [ "$s" = "${series_of[$j]}" ]; then
				say "$(basename "$d"): superseded by ${packages[$j]}, removed"
				rm -rf "$d"
				break
			fi
		done
	done
fi
list_cache
