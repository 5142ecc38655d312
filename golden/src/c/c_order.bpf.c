// SPDX-License-Identifier: GPL-2.0
/*
 * C header golden: emission order. Structs that point at each other (a
 * forward declaration breaks the cycle), a struct embedding one defined
 * later in the source, a self-referential list, typedefs met through
 * pointers before their target is complete, typedefs of anonymous structs,
 * unions and pointers, an anonymous struct behind a pointer that embeds a
 * named struct (which must then be defined first), structs only declared
 * (FWD), a union forward declaration, and a __builtin_va_list typedef.
 */
#define SEC(name) __attribute__((section(name), used))

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

struct inner_later {
	struct outer *owner;
	node_t head;
};

typedef struct {
	int x;
	int y;
} point_t;

typedef union {
	unsigned int word;
	unsigned char bytes[4];
} word_t;

typedef struct opaque *opaque_handle;
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

struct node g_node;
struct b g_b;
struct outer g_outer;
struct holder g_holder;

SEC("xdp")
int order_prog(void *ctx)
{
	return g_node.value + g_b.embedded.id + g_outer.meta.depth + g_holder.origin.x;
}

char LICENSE[] SEC("license") = "GPL";
