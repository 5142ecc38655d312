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

typedef int __attribute__((btf_type_tag("user"))) *uip_t;

struct inner {
	int __attribute__((btf_type_tag("user"))) *ip;
	uip_t u;
};

typedef void (*cb_t)(int __attribute__((btf_type_tag("user"))) *, char __attribute__((btf_type_tag("rcu"))) *);

struct ttag {
	int __attribute__((btf_type_tag("user"))) *a;
	int __attribute__((btf_type_tag("user"))) **pp;
	int __attribute__((btf_type_tag("user"))) *arr[3];
	uip_t td;
	cb_t cb;
	void (*fn1)(int __attribute__((btf_type_tag("user"))) *, int);
	int __attribute__((btf_type_tag("user"))) * (*fn2)(void);
	int (*fn3)(uip_t, cb_t, struct inner __attribute__((btf_type_tag("rcu"))) *);
	struct inner __attribute__((btf_type_tag("rcu"))) *ip;
	struct inner in;
	const int __attribute__((btf_type_tag("user"))) * const cp;
	void __attribute__((btf_type_tag("user"))) *vp;
	char (*ap)[4];
	struct {
		int __attribute__((btf_type_tag("rcu"))) *x;
	} anon;
	union {
		int __attribute__((btf_type_tag("user"))) *ux;
		char uc;
	} un;
	int (*fparr[2])(int __attribute__((btf_type_tag("user"))) *);
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
