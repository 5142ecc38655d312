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

typedef struct {
	int x;
	int y;
} point_t;

typedef union {
	unsigned int word;
	unsigned char bytes[4];
} word_t;

struct b;

struct a {
	struct b *peer;
	int id;
};

struct b {
	struct a embedded;
	struct a *back;
};

struct defined_first {
	long x;
};

struct opaque;

typedef struct opaque *opaque_handle;

struct incomplete;

typedef struct incomplete incomplete_t;

union never_defined;

typedef __builtin_va_list my_va_list;

struct holder {
	point_t origin;
	word_t w;
	opaque_handle h;
	incomplete_t *inc;
	union never_defined *u;
	my_va_list *args;
	struct holder *self;
	struct {
		struct holder *up;
		point_t at;
	} anon;
};

struct node;

typedef struct node node_t;

struct node {
	node_t *next;
	struct node *prev;
	int value;
};

struct inner_later;

struct outer {
	struct inner_later *lazy;
	struct {
		struct defined_first x;
	} *anon_ptr;
	struct {
		int depth;
		struct outer *parent;
	} meta;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
