// SPDX-License-Identifier: GPL-2.0
/*
 * xcheck_ttag: type tags (TYPE_TAG, which pahole 1.24 does not know) reached
 * through pointers from every place pahole names a type: a member, a pointer
 * to pointer, an array of pointers, typedefs of tagged pointers and of
 * function pointers, a function pointer's parameters and return type, a
 * const pointer, nested anonymous structs and unions. Found by
 * cross-checking `btfkit layout` with pahole 1.24 (`pahole -F btf`), which
 * prints an `<ERROR(function:line): id not found!>` of its own in each place
 * (and resets the column count for the offset comment after one). No INT is
 * named `long`: the raw .BTF of this object gives pahole a pointer size of 0
 * (libbpf's btf__pointer_size), the object itself 8 (its ELF class).
 *
 *   clang-19 -g -O2 -target bpf -fdebug-compilation-dir=. \
 *           -c xcheck_ttag.bpf.c -o ../../obj/xcheck/xcheck_ttag.o
 */
#define SEC(n) __attribute__((section(n), used))
#define __tt(x) __attribute__((btf_type_tag(x)))
#define __user __tt("user")
#define __rcu __tt("rcu")
typedef int __user *uip_t;
typedef void (*cb_t)(int __user *, char __rcu *);
struct inner { int __user *ip; uip_t u; };
struct ttag {
	int __user *a;
	int __user **pp;
	int __user *arr[3];
	uip_t td;
	cb_t cb;
	void (*fn1)(int __user *p, int n);
	int __user *(*fn2)(void);
	int (*fn3)(uip_t, cb_t, struct inner __rcu *);
	struct inner __rcu *ip;
	struct inner in;
	const int __user *const cp;
	void __user *vp;
	char __user (*ap)[4];
	struct { int __rcu *x; } anon;
	union { int __user *ux; char uc; } un;
	int (*fparr[2])(int __user *);
};
struct ttag g_ttag;
SEC("xdp") int ttag_prog(void *ctx) { return g_ttag.in.ip != 0; }
char LICENSE[] SEC("license") = "GPL";
