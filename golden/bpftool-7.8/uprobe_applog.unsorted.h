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

enum applog_level {
	APPLOG_TRACE = -1,
	APPLOG_DEBUG = 0,
	APPLOG_INFO = 1,
	APPLOG_WARN = 2,
	APPLOG_ERROR = 3,
	APPLOG_FATAL = 4,
};

struct level_key {
	__u32 tgid;
	enum applog_level level;
};

typedef unsigned long long __u64;

typedef int __s32;

enum applog_sink {
	SINK_STDERR = 0,
	SINK_FILE = 1,
	SINK_SYSLOG = 2,
	SINK_NET = 3,
} __attribute__((mode(byte)));

typedef unsigned char __u8;

struct log_event {
	__u64 ts_ns;
	__u64 seq_lo;
	__u64 seq_hi;
	__u32 pid;
	__s32 level;
	__s32 ret;
	enum applog_sink sink;
	__u8 has_format_cb: 1;
	__u8 async: 1;
	char logger[32];
	char fmt[96];
};

struct applog_logger;

typedef int (*applog_emit_fn)(struct applog_logger *, int, const char *, ...);

typedef void (*applog_flush_fn)(struct applog_logger *);

typedef unsigned long size_t;

typedef size_t (*applog_format_fn)(char * restrict, size_t, const char * restrict, __builtin_va_list);

struct applog_ops {
	applog_emit_fn emit;
	applog_flush_fn flush;
	applog_format_fn format;
	int (*rotate)(struct applog_logger *, unsigned int);
};

struct applog_backend;

union applog_cookie;

struct applog_logger {
	const char *name;
	volatile int level;
	enum applog_sink sink;
	unsigned int colored: 1;
	unsigned int timestamps: 1;
	unsigned int async: 1;
	unsigned int ring_order: 5;
	struct applog_ops ops;
	struct applog_backend *backend;
	union applog_cookie *cookie;
	double rate_limit_per_sec;
	long: 64;
	unsigned __int128 msg_seq;
	__u32 ntags;
	char tags[0][16];
	long: 64;
};

struct pt_regs {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long rbp;
	unsigned long rbx;
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long rax;
	unsigned long rcx;
	unsigned long rdx;
	unsigned long rsi;
	unsigned long rdi;
	unsigned long orig_rax;
	unsigned long rip;
	unsigned long cs;
	unsigned long eflags;
	unsigned long rsp;
	unsigned long ss;
};


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
