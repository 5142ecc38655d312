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

typedef enum {
	MODE_OFF = 0,
	MODE_ON = 1,
	MODE_AUTO = 9,
} mode_t;

enum big_but_small_values {
	BBS_A = 1ULL,
	BBS_B = 4294967295ULL,
	BBS_PAD = 4294967296ULL,
};

enum big_signed {
	BIG_S_MIN = -9223372036854775808LL,
	BIG_S_NEG = -5LL,
	BIG_S_POS = 4294967296LL,
};

enum big_unsigned {
	BIG_U_ZERO = 0ULL,
	BIG_U_HIGH = 18364758544493064720ULL,
	BIG_U_MAX = 18446744073709551615ULL,
};

enum color {
	RED = 0,
	GREEN = 5,
	BLUE = 6,
};

enum medium {
	MEDIUM_A = -1,
	MEDIUM_B = 30000,
};

enum small {
	SMALL_A = 0,
	SMALL_B = 200,
} __attribute__((mode(byte)));

enum temperature {
	COLD = -40,
	MILD = 15,
	HOT = 45,
};

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


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
