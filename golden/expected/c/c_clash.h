#ifndef __VMLINUX_H__
#define __VMLINUX_H__

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
#endif

struct clash {
	int a;
};

typedef long clash_t;

enum level {
	LOW = 0,
	HIGH = 1,
};

struct clash___2 {
	long b;
	char c;
};

union clash_u {
	int i;
	float f;
};

typedef char clash_t___2;

enum level___2 {
	LOW___2 = 10,
	MID = 11,
	HIGH___2 = 12,
};

struct clash___3 {
	short s[3];
	enum {
		LOW___3 = 100,
		HIGH___3 = 200,
	} level;
};

struct clash_u___2 {
	long l;
};

typedef struct clash___3 clash_t___3;

typedef unsigned int MID___2;

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
