#ifndef __VMLINUX_H__
#define __VMLINUX_H__

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
#endif

struct node;

typedef struct node node_t;

struct node {
	node_t *next;
	struct node *prev;
	int value;
};

struct b;

struct a {
	struct b *peer;
	int id;
};

struct b {
	struct a embedded;
	struct a *back;
};

struct inner_later;

struct defined_first {
	long x;
};

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

typedef struct {
	int x;
	int y;
} point_t;

typedef union {
	unsigned int word;
	unsigned char bytes[4];
} word_t;

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

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
