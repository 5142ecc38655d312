// SPDX-License-Identifier: GPL-2.0
/*
 * gen_clash: a custom section `.rodata.data`, whose map bpftool 7.1 names
 * `data` in the skeleton (the name from ".data" on), as it names `.data`'s:
 * two fields `data`, a header that does not compile. btfkit refuses it.
 * Self-contained.
 */
#define SEC(name) __attribute__((section(name), used))

int plain = 1;
const volatile int odd SEC(".rodata.data") = 2;

SEC("xdp")
int clash_prog(void *ctx)
{
	return plain + odd;
}

char LICENSE[] SEC("license") = "GPL";
