// SPDX-License-Identifier: GPL-2.0
/*
 * gen_sections: fixture for `btfkit gen skeleton | subskeleton` against
 * bpftool 7.1 (built by golden/build.sh into obj/gen/).
 *
 * Self-contained (no system headers). What it covers:
 *   .data     ints, a u8 then a u64 (bpftool's __pad fields, alignment
 *             clamped to 4), an anonymous struct, a function pointer,
 *             a 2-D array, a static and a __hidden global (left out)
 *   .rodata   const volatile scalars, an enum, a typedef'd struct, a
 *             const pointer, a char array (modifiers stripped)
 *   .bss      arrays, a union, a bool at an odd offset
 *   .data.custom, .rodata.custom    custom sections (maps named by section)
 *   .data.a_rather_long_name        a section name longer than a map name
 *                                   (15 bytes): libbpf cuts the map name
 *   .kconfig  externs of several sizes (libbpf lays them out by alignment)
 *   programs  in several sections, a global function and a static subprogram
 */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef int __s32;
typedef long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __hidden __attribute__((visibility("hidden")))
#define __kconfig __attribute__((section(".kconfig")))
#define __weak __attribute__((weak))

enum mode { MODE_OFF, MODE_ON = 3, MODE_AUTO = 7 };

typedef struct limits {
	__u32 lo;
	__u32 hi;
} limits_t;

union word {
	__u32 w;
	__u8 b[4];
	struct {
		__u16 lo, hi;
	} h;
};

struct {
	__uint(type, 2); /* BPF_MAP_TYPE_ARRAY */
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, 1); /* BPF_MAP_TYPE_HASH */
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, limits_t);
} table SEC(".maps");

/* .data */
int ready = 1;
__u8 flag = 2;
__u64 after_flag = 3;
struct {
	int a;
	char b;
} anon_pair = { 4, 5 };
int (*handler)(int) = 0;
__u16 grid[3][2] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
static int private_seq = 9;
__hidden int hidden_total = 10;

/* .rodata */
const volatile __u32 max_cpus = 8;
const volatile enum mode run_mode = MODE_AUTO;
const volatile limits_t bounds = { 1, 100 };
const volatile char banner[13] = "gen-sections";
const volatile __s8 tiny = -1;
const int *const volatile cptr = 0;

/* .bss */
__u64 hist[16];
union word last_word;
__u8 pad_byte;
_Bool seen;
__s64 big_total;

/* custom sections */
__u32 custom_a SEC(".data.custom") = 11;
__u64 custom_b SEC(".data.custom") = 12;
const volatile __u32 ro_custom SEC(".rodata.custom") = 13;
__u32 long_sec_var SEC(".data.a_rather_long_name") = 14;

/* .kconfig */
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern char CONFIG_DEFAULT_HOSTNAME[8] __kconfig __weak;
extern unsigned long long CONFIG_HZ __kconfig __weak;
extern int CONFIG_NR_CPUS __kconfig __weak;

static __attribute__((noinline)) int helper(int x)
{
	return x * ready + private_seq;
}

__attribute__((noinline)) int global_fn(int x)
{
	return x + hidden_total;
}

SEC("xdp")
int xdp_first(void *ctx)
{
	__u32 k = 0;
	__u64 *v = ((void *(*)(void *, const void *))1)(&counts, &k);
	if (v)
		*v += flag + after_flag + anon_pair.a + grid[1][1];
	hist[pad_byte & 15]++;
	last_word.w = max_cpus;
	seen = 1;
	big_total += LINUX_KERNEL_VERSION + CONFIG_BPF_SYSCALL + CONFIG_DEFAULT_HOSTNAME[0] + CONFIG_HZ + CONFIG_NR_CPUS;
	return helper(run_mode) + global_fn(bounds.hi);
}

SEC("tc")
int tc_second(void *ctx)
{
	custom_b += custom_a + ro_custom + long_sec_var + banner[1] + tiny;
	if (cptr)
		custom_b += *cptr;
	if (handler)
		return handler(1);
	return helper(2);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_third(void *ctx)
{
	__u64 k = 1;
	((void *(*)(void *, const void *))1)(&table, &k);
	return 0;
}

SEC("xdp")
int xdp_fourth(void *ctx)
{
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
