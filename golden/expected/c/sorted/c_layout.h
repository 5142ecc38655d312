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

struct bits {
	unsigned int a: 3;
	unsigned int b: 5;
	int c: 7;
	long: 49;
	unsigned long long d: 40;
	unsigned long long e: 24;
	unsigned char f: 1;
	short g;
	unsigned int h: 9;
};

struct empty {};

struct flex {
	unsigned int len;
	unsigned short flags;
	unsigned char data[0];
};

struct holes {
	char a;
	long: 64;
	long b;
	char c;
	long: 0;
	int d;
	short e;
	long: 64;
	long: 64;
	long: 64;
};

struct nested {
	int kind;
	union {
		struct {
			unsigned short sport;
			unsigned short dport;
		};
		struct {
			unsigned char type;
			unsigned char code;
			union {
				unsigned int gateway;
				struct {
					unsigned short id;
					unsigned short seq;
				} echo;
			};
		} icmp;
		unsigned long long raw;
	};
	struct {
		char name[5];
		long long when;
	} stamp;
	char tail;
};

union over_aligned {
	char bytes[3];
	short half;
};

struct packed_bits {
	unsigned char lo: 4;
	unsigned short mid: 12;
	unsigned int hi: 17;
} __attribute__((packed));

struct packed_inner {
	char tag;
	int value;
	short extra;
} __attribute__((packed));

struct packed_natural {
	int a;
	int b;
};

struct packed_outer {
	char a;
	struct packed_inner inner;
	long long tail;
};

union small_union {
	char c;
	int i;
	long long ll;
};

struct trailing {
	long a;
	char b;
	char pad_me_out[3];
};

struct wide {
	__int128 s;
	unsigned __int128 u;
	char c;
	long: 64;
};

struct with_empty {
	struct empty nothing;
	int after;
};

struct zero_len {
	long head;
	int marker[0];
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
