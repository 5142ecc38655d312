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

typedef unsigned char __u8;

typedef signed char __s8;

struct mixed {
	char name[6];
	__u8 small;
	_Bool flag;
	__s8 neg;
	char last;
	__u8 after;
};

typedef unsigned long long __u64;

enum color {
	RED = 1,
	GREEN = 2,
	BLUE = 4,
};

typedef unsigned short __u16;

struct bits {
	unsigned int a: 3;
	unsigned int b: 7;
	int c: 5;
	__u64 d: 40;
	enum color e: 4;
	__u16 f;
};

typedef unsigned int __u32;

struct packed {
	__u8 x;
	__u32 y;
	enum color c;
	void *p;
	__u16 z;
	__u64 w;
} __attribute__((packed));

struct ops {
	int (*fn)(int, char);
	void *ctx;
	const char *names[2];
};

enum sign {
	NEG = -1,
	ZERO = 0,
	POS = 1,
};

enum wide {
	SMALL = 1ULL,
	HUGE = 4294967296ULL,
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

typedef struct {
	int x;
	int y;
} tpoint;

typedef __u8 mac_t[6];

struct dup {
	int a;
};

typedef short __s16;

struct dup___2 {
	long b;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
