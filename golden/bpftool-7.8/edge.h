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

enum e_byte {
	EB_ONE = 1,
} __attribute__((mode(byte)));

enum e_byte64 {
	EB64_ONE = 1ULL,
} __attribute__((mode(byte)));

enum e_short {
	ES_ONE = 1,
};

enum e_small64 {
	ES64_ONE = 1ULL,
};

enum e_word32 {
	EW32_ONE = 1,
} __attribute__((mode(word)));

enum e_word64_big {
	EW64_SMALL = 7LL,
	EW64_BIG = 1099511627776LL,
};

enum e_word64_lo {
	EW64_LO = 1ULL,
	EW64_LO2 = 4294967295ULL,
} __attribute__((mode(word)));

struct back\slash {
	int x;
};

struct zeta {
	int x;
};

struct �bad {
	int x;
};

struct été {
	int x;
};

struct Ａwide {
	int x;
};

struct 😀smile {
	int x;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
extern void __attribute__((address_space(1))) *bpf_arena(void __attribute__((address_space(1))) *p) __weak __ksym;
extern __bpf_fastcall int bpf_fast(int a, long b) __weak __ksym;
extern int bpf_twice(int a, long b) __weak __ksym;
extern int bpf_twice(int a, long b) __weak __ksym;
extern int bpf_zed(int a, long b) __weak __ksym;
extern int bpf_é(int a, long b) __weak __ksym;
extern int bpf_Ａ(int a, long b) __weak __ksym;
extern int bpf_😀(int a, long b) __weak __ksym;
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
