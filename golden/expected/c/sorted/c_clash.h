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

enum level {
	LOW = 0,
	HIGH = 1,
};

enum level___2 {
	LOW___2 = 10,
	MID = 11,
	HIGH___2 = 12,
};

typedef char clash_t;

typedef long clash_t___2;

typedef unsigned int MID___2;

struct clash {
	int a;
};

struct clash___2 {
	long b;
	char c;
};

struct clash___3 {
	short s[3];
	enum {
		LOW___3 = 100,
		HIGH___3 = 200,
	} level;
};

typedef struct clash___3 clash_t___3;

struct clash_u {
	long l;
};

union clash_u___2 {
	int i;
	float f;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
