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

enum btfkit_state {
	BTFKIT_IDLE = 0,
	BTFKIT_BUSY = 7,
	BTFKIT_NEG = -3,
};

enum btfkit_wide {
	BTFKIT_WIDE_ZERO = 0ULL,
	BTFKIT_WIDE_BIG = 4886718345ULL,
};

struct btfkit_inner {
	int a;
	short b[4];
};

struct btfkit_core {
	int first;
	union {
		struct {
			unsigned int lo: 3;
			int mid: 9;
			unsigned int hi: 20;
		};
		long word;
	};
	struct btfkit_inner arr[3];
	struct btfkit_core *next;
	unsigned char tail[0];
};

typedef struct btfkit_core btfkit_core_t;


/* BPF kfuncs */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#endif

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
