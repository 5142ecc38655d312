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

typedef int pid_t;

struct task_struct {
	int pid;
	pid_t tgid;
	char comm[16];
	struct task_struct *real_parent;
};

struct task_struct___new {
	unsigned int __state;
};

struct task_struct___old {
	long state;
};

struct task_struct___sz {
	short pid;
};

struct sk_buff {
	union {
		struct {
			unsigned char cloned: 1;
		};
	};
	struct {
		unsigned char pkt_type: 3;
	};
	unsigned int len;
};

struct list_head {
	struct list_head *next;
	struct list_head *prev;
};

struct btfkit_nowhere {
	int x;
};

enum pid_type {
	PIDTYPE_PID = 0,
	PIDTYPE_TGID = 1,
	PIDTYPE_PGID = 2,
	PIDTYPE_BTFKIT_NONE = 77,
};

enum bpf_func_id___local {
	BPF_FUNC_map_lookup_elem___local = 100,
	BPF_FUNC_ringbuf_output___local = 200,
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
