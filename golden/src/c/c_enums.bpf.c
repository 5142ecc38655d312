// SPDX-License-Identifier: GPL-2.0
/*
 * C header golden: enums. Unsigned and signed (negative values), a packed
 * one-byte enum, a two-byte one, 64-bit enums (ENUM64) signed and
 * unsigned with values that need all 64 bits, an enum whose values fit in
 * 32 bits but whose size is 8, anonymous enums inlined in fields and
 * typedefs. (No enum that is only declared: clang gives it size 0, which
 * the kernel, and so btfkit's parser, rejects; bpftool would print
 * `enum NAME;`.)
 */
#define SEC(name) __attribute__((section(name), used))

enum color {
	RED,
	GREEN = 5,
	BLUE,
};

enum temperature {
	COLD = -40,
	MILD = 15,
	HOT = 45,
};

enum __attribute__((packed)) small {
	SMALL_A,
	SMALL_B = 200,
};

enum __attribute__((packed)) medium {
	MEDIUM_A = -1,
	MEDIUM_B = 30000,
};

enum big_unsigned {
	BIG_U_ZERO = 0,
	BIG_U_HIGH = 0xfedcba9876543210ULL,
	BIG_U_MAX = 0xffffffffffffffffULL,
};

enum big_signed {
	BIG_S_MIN = -0x7fffffffffffffffLL - 1,
	BIG_S_NEG = -5,
	BIG_S_POS = 0x100000000LL,
};

enum big_but_small_values {
	BBS_A = 1,
	BBS_B = 0xffffffffU,
	BBS_PAD = 0x100000000ULL,
};

typedef enum {
	MODE_OFF,
	MODE_ON,
	MODE_AUTO = 9,
} mode_t;

struct uses_enums {
	enum color c;
	enum temperature t;
	enum small s;
	enum medium m;
	enum big_unsigned bu;
	enum big_signed bs;
	enum big_but_small_values bbs;
	mode_t mode;
	enum {
		INLINE_X = 1,
		INLINE_Y = 2,
	} inline_field;
};

struct uses_enums g_enums;

SEC("xdp")
int enums_prog(void *ctx)
{
	return g_enums.c + g_enums.mode;
}

char LICENSE[] SEC("license") = "GPL";
