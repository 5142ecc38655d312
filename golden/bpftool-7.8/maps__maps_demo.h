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

typedef signed char __s8;

typedef unsigned int __u32;

typedef unsigned long long __u64;

enum color {
	RED = 1,
	GREEN = 2,
	BLUE = 4,
};

struct point {
	int x;
	int y;
};

struct config {
	char name[12];
	_Bool enabled;
	enum color color;
	struct point origin;
	unsigned int flags: 3;
	unsigned int level: 5;
	__u64 limit;
};

struct inner {
	int (*type)[2];
	int (*max_entries)[8];
	__u32 *key;
	__u32 *value;
};

struct val {
	__u64 packets;
	__u64 bytes;
};

struct xdp_md {
	__u32 data;
	__u32 data_end;
	__u32 data_meta;
	__u32 ingress_ifindex;
	__u32 rx_queue_index;
	__u32 egress_ifindex;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
