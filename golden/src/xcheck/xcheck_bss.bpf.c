// SPDX-License-Identifier: GPL-2.0
/*
 * xcheck_bss: `.bss.NAME` sections next to `.data.NAME`/`.rodata.NAME` ones
 * with odd names. libbpf 1.1 makes a map of each `.bss.NAME`; the 6.1
 * kernel's libbpf inside bpftool 7.1 skips them ("elf: skipping section
 * .bss.extra"), so its skeleton has no such map (and a program that used one
 * would fail to open: "bad map relo"). Found by cross-checking `btfkit gen
 * skeleton` with bpftool 7.1 and `btfkit maps`/`vars` with libbpf 1.1.2.
 *
 *   clang-19 -g -O2 -target bpf -fdebug-compilation-dir=. \
 *           -c xcheck_bss.bpf.c -o ../../obj/xcheck/xcheck_bss.o
 */
#define SEC(n) __attribute__((section(n), used))

int used_data = 1;
int unref SEC(".bss.extra");
long unref2[2] SEC(".bss.more");
int ref_zero SEC(".data.z");
int dashed SEC(".data.my-sec") = 2;
const volatile int dotted SEC(".rodata.x.y") = 3;
char digits[3] SEC(".data.1abc") = "ok";
static int static_only SEC(".data.static_only") = 4;

SEC("xdp")
int xcheck_bss(void *ctx)
{
	return used_data + ref_zero + dashed + dotted + digits[0] + static_only;
}

char LICENSE[] SEC("license") = "GPL";
