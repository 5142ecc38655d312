// SPDX-License-Identifier: GPL-2.0
/*
 * typed_values: initial values of global variables of many shapes, for
 * `btfkit vars` against libbpf's btf_dump__dump_type_data (compact, with
 * zeroes): char and byte arrays that end early, 1-byte integers after them
 * (libbpf's char-array state leaks into them), bitfields, packed
 * (unaligned) members, pointers, floats (NaN, infinity, -0, a rounding tie),
 * 128-bit integers, signed and 64-bit enums with unknown values, unions,
 * anonymous and typedef'd types, function pointers, multi-dimensional
 * arrays, and two structs of the same name (printed `dup___2`).
 *
 *   clang-19 -g -O2 -target bpf -fdebug-compilation-dir=. \
 *           -c typed_values.bpf.c -o ../../obj/maps/typed_values.o
 */
typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
#define bool _Bool

#define SEC(name) __attribute__((section(name), used))

enum color { RED = 1, GREEN = 2, BLUE = 4 };
enum sign { NEG = -1, ZERO = 0, POS = 1 };
enum wide { SMALL = 1, HUGE = 0x100000000ULL };

struct mixed {
	char name[6];
	__u8 small;
	bool flag;
	__s8 neg;
	char last;
	__u8 after;
};

struct bits {
	unsigned int a : 3;
	unsigned int b : 7;
	int c : 5;
	__u64 d : 40;
	enum color e : 4;
	__u16 f;
};

struct __attribute__((packed)) packed {
	__u8 x;
	__u32 y;
	enum color c;
	void *p;
	__u16 z;
	__u64 w;
};

union word {
	__u32 i;
	float f;
	__u8 b[4];
};

struct ops {
	int (*fn)(int, char);
	void *ctx;
	const char *names[2];
};

struct nested {
	struct {
		char label[4];
		bool on;
	} head;
	union word w;
	enum sign s;
};

typedef struct {
	int x;
	int y;
} tpoint;

typedef __u8 mac_t[6];

struct dup {
	int a;
};

/* ---- .data ---- */
struct mixed m1 = { .name = "ab", .small = 'A', .flag = 1, .neg = -3, .last = 0, .after = 'B' };
struct mixed m2 = { .name = "abcdef", .small = 7, .flag = 0, .neg = 'n', .last = 'L', .after = 0 };
char one = 'x';
__u8 bytes[5] = { 1, 2, 0, 'x', 9 };
__s8 sbytes[3] = { -1, 'z', 0 };
char grid[2][4] = { "ab", "cde" };
bool flags[3] = { 1, 0, 1 };
struct bits bits = { .a = 5, .b = 100, .c = -7, .d = 0x123456789aULL, .e = BLUE, .f = 0xbeef };
struct packed packed = { .x = 1, .y = 0xdeadbeef, .c = GREEN, .p = (void *)0x1000, .z = 7, .w = 42 };
void *null_ptr = 0;
void *some_ptr = (void *)0xffff8880abcd0000ULL;
void *ptrs[2] = { 0, (void *)0x10 };
struct ops ops = { .fn = 0, .ctx = (void *)0x20 };
float f_tenth = 0.1f;
float f_tie = 0.0078125f;
double d_big = 1e30;
double d_negzero = -0.0;
float f_nan = __builtin_nanf("");
double d_negnan = -__builtin_nan("");
double d_inf = __builtin_inf();
double d_tiny = 1e-7;
double d_third = 1.0 / 3;
unsigned __int128 u128 = ((unsigned __int128)1 << 100) | 5;
__int128 s128 = -2;
enum color c_unknown = (enum color)3;
enum sign s_neg = NEG;
enum sign s_unknown = (enum sign)-5;
enum wide w_huge = HUGE;
enum wide w_unknown = (enum wide)0x8000000000000001ULL;
union word word = { .i = 0x3f800000 };
struct nested nested = { .head = { .label = "hd", .on = 1 }, .w = { .i = 0x41 }, .s = POS };
struct { int a; char b; } anon = { 1, 'q' };
tpoint tp = { 7, -8 };
mac_t mac = { 0x00, 0x1b, 0x21, 'A', 0x7f, 0x80 };
struct dup dup1 = { 3 };
tpoint points[2] = { { 1, 2 }, { 3, 4 } };
enum color palette[3] = { RED, BLUE, (enum color)0 };
__s16 shorts[3] = { -1, 0, 32767 };

/* ---- .rodata ---- */
const volatile char banner[6] = "hey";
const volatile __u64 limits[2][2] = { { 1, 2 }, { 3, 4 } };
const volatile bool enabled = 1;

/* ---- .bss ---- */
struct mixed zeroed;
struct nested nested_zero;

/* ---- custom section ---- */
__u32 custom_a SEC(".data.custom") = 0x01020304;
char custom_s[3] SEC(".data.custom") = "ok";

int use(void *ctx)
{
	/* a second struct named 'dup', local to this function */
	static struct dup { long b; } dup2 = { 5 };

	/* every other global is kept anyway: they are visible outside */
	dup2.b++;
	return dup1.a + dup2.b;
}

SEC("xdp")
int prog(void *ctx)
{
	return use(ctx);
}

char LICENSE[] SEC("license") = "GPL";
