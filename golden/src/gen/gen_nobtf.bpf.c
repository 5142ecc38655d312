// SPDX-License-Identifier: GPL-2.0
/*
 * gen_nobtf: built without -g (no .BTF, no .BTF.ext) and without global
 * data: bpftool writes a skeleton without section structs or size checks.
 * Self-contained. gen: no-btf
 */
#define SEC(name) __attribute__((section(name), used))

SEC("xdp")
int nobtf_pass(void *ctx)
{
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
