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

typedef unsigned int __u32;

typedef unsigned long long __u64;

struct limits {
	__u32 lo;
	__u32 hi;
};

typedef struct limits limits_t;

typedef unsigned char __u8;

typedef unsigned short __u16;

enum mode {
	MODE_OFF = 0,
	MODE_ON = 3,
	MODE_AUTO = 7,
};

typedef signed char __s8;

union word {
	__u32 w;
	__u8 b[4];
	struct {
		__u16 lo;
		__u16 hi;
	} h;
};

typedef long long __s64;


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
