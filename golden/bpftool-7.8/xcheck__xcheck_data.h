#ifndef __VMLINUX_H__
#define __VMLINUX_H__

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
#endif

#ifndef __ksym
#define __ksym __attribute__((section(".ksyms")))
#endif

#ifndef __weak
#define __weak __attribute__((weak))
#endif

#ifndef __bpf_fastcall
#if __has_attribute(bpf_fastcall)
#define __bpf_fastcall __attribute__((bpf_fastcall))
#else
#define __bpf_fastcall
#endif
#endif

enum sbig64 {
	SB64_A = -4294967296LL,
	SB64_B = 3LL,
};

enum sbyte {
	SBY_A = -1,
	SBY_B = 1,
} __attribute__((mode(byte)));

enum sgn {
	SG_NEG = -5,
	SG_POS = 5,
};

enum usg {
	UG_A = 1,
	UG_B = 2,
};

typedef long long s64;

typedef unsigned long long u64;

typedef struct {
	int q;
} qq_t;

struct bf2 {
	unsigned long long a: 1;
	unsigned long long b: 63;
	int c: 3;
	unsigned int d: 29;
	long: 32;
	long long e: 64;
};

struct bfz {
	int a: 3;
	int b: 5;
};

enum big64 {
	B64_A = 4294967296ULL,
	B64_B = 3ULL,
};

struct ebits {
	enum sgn a: 4;
	enum sgn b: 4;
	enum usg c: 3;
	enum big64 d: 40;
	long: 13;
	enum sbig64 e: 40;
	enum sbyte f: 3;
	enum sgn g;
	enum usg h;
	enum big64 i;
	enum sbig64 j;
	enum sbyte k;
};

struct empty {};

struct flexs {
	int n;
	char tail[0];
};

struct mix {
	char s[4];
	_Bool b;
	unsigned char u;
	char c;
	short sh;
	char t[2];
};

struct mix2 {
	char t[2];
	unsigned char u;
};

struct nested {
	struct {
		int x;
	} in;
	union {
		int y;
	} un;
	int arr[2];
};

union u3 {
	int i;
	char c[4];
	float f;
};

struct upk {
	char c;
	enum sgn e;
	int i;
	short s;
	long long l;
} __attribute__((packed));

struct upk2 {
	char c;
	enum usg e;
} __attribute__((packed));

struct upk3 {
	char c;
	u64 v;
	float f;
	double d;
	void *p;
} __attribute__((packed));

struct with_empty {
	int a;
	struct empty e;
	int b;
};

struct zla {
	int n;
	long z[0];
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
