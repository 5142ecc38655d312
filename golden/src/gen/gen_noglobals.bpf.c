// SPDX-License-Identifier: GPL-2.0
/*
 * gen_noglobals: no maps and no global data, only programs (gen skeleton
 * without a maps struct or section structs). Self-contained.
 */
#define SEC(name) __attribute__((section(name), used))

SEC("xdp")
int pass_all(void *ctx)
{
	return 2;
}

SEC("socket")
int sock_drop(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
