// SPDX-License-Identifier: GPL-2.0
/*
 * C header golden: name clashes. Types declared in block scope can reuse a
 * name with another shape; bpftool names the second one met NAME___2, the
 * third NAME___3, per namespace: struct, union and enum tags share one,
 * typedef names and enumerators another.
 */
#define SEC(name) __attribute__((section(name), used))

struct clash {
	int a;
};
typedef long clash_t;
enum level {
	LOW,
	HIGH,
};

static __attribute__((noinline)) int first(int x)
{
	struct clash {
		long b;
		char c;
	};
	union clash_u {
		int i;
		float f;
	};
	typedef char clash_t;
	enum level {
		LOW = 10,
		MID,
		HIGH,
	};
	static volatile struct clash v;
	static volatile union clash_u u;
	static volatile clash_t t;
	static volatile enum level l;
	v.b = x;
	u.i = x;
	t = x;
	l = MID;
	return v.b + u.i + t + l;
}

static __attribute__((noinline)) int second(int x)
{
	struct clash {
		short s[3];
		enum {
			LOW = 100,
			HIGH = 200,
		} level;
	};
	struct clash_u {
		long l;
	};
	typedef struct clash clash_t;
	static volatile struct clash v;
	static volatile struct clash_u su;
	static volatile clash_t t;
	v.s[0] = x;
	su.l = x;
	t.s[1] = x;
	v.level = HIGH;
	return v.s[0] + su.l + t.s[1] + v.level;
}

static __attribute__((noinline)) int third(int x)
{
	/* a typedef name clashes with an enumerator printed before it */
	typedef unsigned int MID;
	static volatile MID m;
	m = x;
	return m;
}

struct clash g_clash;
clash_t g_clash_t;
enum level g_level;

SEC("xdp")
int clash_prog(void *ctx)
{
	return first(1) + second(2) + third(3) + g_clash.a + g_clash_t + g_level;
}

char LICENSE[] SEC("license") = "GPL";
