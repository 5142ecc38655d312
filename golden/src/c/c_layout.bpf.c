// SPDX-License-Identifier: GPL-2.0
/*
 * C header golden: struct layout. Bitfields (plain, signed, spanning a
 * storage unit, zero-width separators), holes that natural alignment does
 * not produce (explicit padding), packed and over-aligned structs and
 * unions, anonymous structs and unions nested three deep, an empty struct,
 * flexible and zero-length arrays, 128-bit integers, trailing padding.
 *
 * No headers: the types are all here, so the dump shows only them.
 */
#define SEC(name) __attribute__((section(name), used))

struct bits {
	unsigned int a : 3;
	unsigned int b : 5;
	int c : 7;
	unsigned int : 0;
	unsigned long long d : 40;
	unsigned long long e : 24;
	unsigned char f : 1;
	short g;
	unsigned int h : 9;
};

struct holes {
	char a;
	long b __attribute__((aligned(16)));
	char c;
	int d __attribute__((aligned(8)));
	short e;
} __attribute__((aligned(32)));

struct packed_inner {
	char tag;
	int value;
	short extra;
} __attribute__((packed));

struct packed_outer {
	char a;
	struct packed_inner inner;
	long long tail;
} __attribute__((packed));

struct packed_bits {
	unsigned char lo : 4;
	unsigned short mid : 12;
	unsigned int hi : 17;
} __attribute__((packed));

/* packed, but every field already sits on its natural boundary */
struct packed_natural {
	int a;
	int b;
} __attribute__((packed));

union over_aligned {
	char bytes[3];
	short half;
} __attribute__((aligned(8)));

struct nested {
	int kind;
	union {
		struct {
			unsigned short sport;
			unsigned short dport;
		};
		struct {
			unsigned char type;
			unsigned char code;
			union {
				unsigned int gateway;
				struct {
					unsigned short id;
					unsigned short seq;
				} echo;
			};
		} icmp;
		unsigned long long raw;
	};
	struct {
		char name[5];
		long long when;
	} stamp;
	char tail;
};

struct empty {};

struct with_empty {
	struct empty nothing;
	int after;
};

struct flex {
	unsigned int len;
	unsigned short flags;
	unsigned char data[];
};

struct zero_len {
	long head;
	int marker[0];
};

struct wide {
	__int128 s;
	unsigned __int128 u;
	char c;
};

struct trailing {
	long a;
	char b;
	char pad_me_out[3];
};

union small_union {
	char c;
	int i;
	long long ll;
};

struct bits g_bits;
struct holes g_holes;
struct packed_outer g_packed;
struct packed_bits g_packed_bits;
struct packed_natural g_packed_natural;
union over_aligned g_over;
struct nested g_nested;
struct with_empty g_with_empty;
struct flex *g_flex;
struct zero_len g_zero;
struct wide g_wide;
struct trailing g_trailing;
union small_union g_small;

SEC("xdp")
int layout_prog(void *ctx)
{
	return g_bits.a + g_holes.d + g_packed.inner.value + g_nested.kind;
}

char LICENSE[] SEC("license") = "GPL";
