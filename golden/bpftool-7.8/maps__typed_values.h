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

enum sign {
	NEG = -1,
	ZERO = 0,
	POS = 1,
};

enum wide {
	SMALL = 1ULL,
	HUGE = 4294967296ULL,
};

typedef short __s16;

typedef signed char __s8;

typedef unsigned char __u8;

typedef __u8 mac_t[6];

typedef unsigned int __u32;

typedef unsigned long long __u64;

typedef unsigned short __u16;

typedef struct {
	int x;
	int y;
} tpoint;

enum color {
	RED = 1,
	GREEN = 2,
	BLUE = 4,
};

struct bits {
	unsigned int a: 3;
	unsigned int b: 7;
	int c: 5;
	__u64 d: 40;
	enum color e: 4;
	__u16 f;
};

struct dup {
	int a;
};

struct dup___2 {
	long b;
};

struct mixed {
	char name[6];
	__u8 small;
	_Bool flag;
	__s8 neg;
	char last;
	__u8 after;
};

union word {
	__u32 i;
	float f;
	__u8 b[4];
};

struct nested {
	struct {
		char label[4];
		_Bool on;
	} head;
	union word w;
	enum sign s;
};

struct ops {
	int (*fn)(int, char);
	void *ctx;
	const char *names[2];
};

struct packed {
	__u8 x;
	__u32 y;
	enum color c;
	void *p;
	__u16 z;
	__u64 w;
} __attribute__((packed));


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
