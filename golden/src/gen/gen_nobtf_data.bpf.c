// SPDX-License-Identifier: GPL-2.0
/*
 * gen_nobtf_data: built without -g but with global data: bpftool 7.1's
 * skeleton names section structs it never declares (it does not compile),
 * so btfkit refuses. Self-contained. gen: no-btf
 */
#define SEC(name) __attribute__((section(name), used))

int hits = 1;

SEC("xdp")
int nobtf_count(void *ctx)
{
	hits++;
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
