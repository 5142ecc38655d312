// SPDX-License-Identifier: GPL-2.0
/*
 * gen_static_data: data sections whose variables are all static or
 * __hidden (no skeleton field), a .bss of one global, and no programs in
 * their own sections but one in .text only. Self-contained.
 */
#define SEC(name) __attribute__((section(name), used))
#define __hidden __attribute__((visibility("hidden")))

static int counter = 5;
__hidden int secret = 6;
static const volatile int limit = 7;
int visible;

SEC("kprobe/do_sys_open")
int probe_open(void *ctx)
{
	counter++;
	visible += secret + limit;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
