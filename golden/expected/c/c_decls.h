#ifndef __VMLINUX_H__
#define __VMLINUX_H__

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
#endif

struct quals {
	const int ci;
	volatile long vl;
	volatile const short cvs;
	int * restrict rp;
	const char * const ccp;
	volatile int * const vcp;
	const int * volatile *cvpp;
	char * const * volatile cpv;
};

struct arrays {
	int grid[3][4];
	char cube[2][3][4];
	int (*row)[4];
	int *ptrs[5];
	const char *names[2][2];
	volatile unsigned int regs[8];
	long (*fn_table[3])(long);
};

typedef int handler_fn(void *, unsigned long);

typedef int (*handler_ptr)(void *, unsigned long);

typedef void (*cleanup_fn)(void);

typedef int (*logger_fn)(const char *, ...);

typedef int (* (*factory_fn)(int))(long);

struct ops {
	handler_fn *on_event;
	handler_ptr handlers[4];
	int (*matrix_ops[2][3])(int, int);
	void (* (*get_cleanup)(int))(void);
	cleanup_fn done;
	logger_fn log;
	factory_fn make;
	int (*no_args)(void);
	char * (*name_of)(const struct ops *, int);
};

struct tagged {
	int __attribute__((btf_type_tag("user"))) *uptr;
	char __attribute__((btf_type_tag("rcu"))) __attribute__((btf_type_tag("percpu"))) *multi;
	struct tagged __attribute__((btf_type_tag("kernel"))) *next;
	const int __attribute__((btf_type_tag("user"))) * const cu;
};

struct decl_fields {
	int plain;
	long other;
};

struct floats {
	float f;
	double d;
	long double ld;
	float pair[2];
};

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
