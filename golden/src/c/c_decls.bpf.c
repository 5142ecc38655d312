// SPDX-License-Identifier: GPL-2.0
/*
 * C header golden: declarators. Function pointers, arrays of them,
 * functions returning function pointers, pointers to arrays,
 * multi-dimensional arrays, typedefs of function types, variadic and
 * argument-less prototypes, const/volatile/restrict in every position,
 * btf_type_tag on pointers, btf_decl_tag on types, fields, functions and
 * variables (bpftool prints no decl tags), and floating point types.
 */
#define SEC(name) __attribute__((section(name), used))
#define __tag(x) __attribute__((btf_type_tag(x)))
#define __decl(x) __attribute__((btf_decl_tag(x)))

typedef int handler_fn(void *ctx, unsigned long flags);
typedef int (*handler_ptr)(void *ctx, unsigned long flags);
typedef void (*cleanup_fn)(void);
typedef int (*logger_fn)(const char *fmt, ...);
typedef int (*(*factory_fn)(int kind))(long);

struct ops {
	handler_fn *on_event;
	handler_ptr handlers[4];
	int (*matrix_ops[2][3])(int, int);
	void (*(*get_cleanup)(int))(void);
	cleanup_fn done;
	logger_fn log;
	factory_fn make;
	int (*no_args)(void);
	char *(*name_of)(const struct ops *self, int idx);
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

struct quals {
	const int ci;
	volatile long vl;
	const volatile short cvs;
	int *restrict rp;
	const char *const ccp;
	volatile int *const vcp;
	const int *volatile *cvpp;
	char *const *volatile cpv;
};

struct tagged {
	int __tag("user") *uptr;
	char __tag("rcu") __tag("percpu") *multi;
	struct tagged __tag("kernel") *next;
	const int __tag("user") *const cu;
} __decl("tagged_struct");

struct decl_fields {
	int plain __decl("field_tag");
	long other;
};

struct floats {
	float f;
	double d;
	long double ld;
	float pair[2];
};

struct ops g_ops;
struct arrays g_arrays;
struct quals *g_quals;
struct tagged g_tagged __decl("tagged_var");
struct decl_fields g_decl_fields;
struct floats *g_floats;
int g_matrix[2][2][2];
const volatile int g_rodata = 7;
handler_ptr g_handler;

__attribute__((noinline)) __decl("func_tag")
int helper(struct quals *q __decl("arg_tag"), int n)
{
	return n + (q ? q->ci : 0);
}

SEC("xdp")
int decls_prog(void *ctx)
{
	return helper(g_quals, g_rodata) + g_arrays.grid[1][2];
}

char LICENSE[] SEC("license") = "GPL";
