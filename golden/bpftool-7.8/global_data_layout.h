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

typedef unsigned char __u8;

typedef unsigned int __u32;

typedef unsigned long long __u64;

struct last_open {
	char fname[64];
	__u32 pid;
	int flags;
	__u64 ts_ns;
};

struct limits {
	__u32 max_events_per_sec;
	__u32 max_path_len;
};

struct rate_limiter {
	__u64 tokens;
	__u64 last_ns;
	__u32 burst;
	__u32 per_sec;
};

struct sys_enter_openat_ctx {
	unsigned short common_type;
	unsigned char common_flags;
	unsigned char common_preempt_count;
	int common_pid;
	int __syscall_nr;
	int __pad;
	long dfd;
	const char *filename;
	long flags;
	long mode;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
