// SPDX-License-Identifier: GPL-2.0
/*
 * core_task: CO-RE relocations against real kernels' types, for btfkit's
 * CO-RE engine (lib/core/) and `btfkit core`, compared with libbpf 1.1.2
 * through the harness (test/core.test.ts) on the running kernel and on
 * Debian's 6.1 and 6.12 kernels.
 *
 * Header-free: the structs are declared here with only the members used,
 * with preserve_access_index, and the CO-RE builtins are called directly
 * (the kind numbers of enum bpf_core_relo_kind's field, type and enum-value
 * groups). What it covers:
 *   task_struct        pid/tgid (moved from the local layout), comm[3] (an
 *                      array element), real_parent->pid, byte size, signed,
 *                      type size/exists, local and target type ids
 *   task_struct___new  a flavor that matches (__state since 5.14)
 *   task_struct___old  a flavor whose field is gone (state): field_exists 0,
 *                      an unguarded read that is poisoned
 *   task_struct___sz   pid read as a signed short: sizes differ and are
 *                      signed, so the load cannot be narrowed (memsz_adj_fail)
 *   sk_buff            bitfields inside anonymous members (pkt_type:3,
 *                      cloned:1): byte offset/size, lshift, rshift, signed
 *   list_head          type_matches that holds (1)
 *   btfkit_nowhere     a type no kernel has (type_exists 0, field read poisoned)
 *   pid_type, bpf_func_id  enumerator exists / value, one that is missing
 */
#define SEC(name) __attribute__((section(name), used))
#define core_field(f, kind) __builtin_preserve_field_info(f, kind)
#define core_type(t, kind) __builtin_preserve_type_info(*(t *)0, kind)
#define core_type_id(t, kind) __builtin_btf_type_id(*(t *)0, kind)
#define core_enum(t, v, kind) __builtin_preserve_enum_value(*(t *)v, kind)

/* __builtin_preserve_field_info kinds */
enum { BYTE_OFFSET, BYTE_SIZE, EXISTS, SIGNED, LSHIFT_U64, RSHIFT_U64 };
/* __builtin_preserve_type_info kinds */
enum { TYPE_EXISTS, TYPE_SIZE, TYPE_MATCHES };

char LICENSE[] SEC("license") = "GPL";

typedef int pid_t;

struct task_struct {
	int pid;
	pid_t tgid;
	char comm[16];
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct task_struct___new {
	unsigned int __state;
} __attribute__((preserve_access_index));

struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

struct task_struct___sz {
	short pid;
} __attribute__((preserve_access_index));

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
} __attribute__((preserve_access_index));

struct list_head {
	struct list_head *next, *prev;
} __attribute__((preserve_access_index));

struct btfkit_nowhere {
	int x;
} __attribute__((preserve_access_index));

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_BTFKIT_NONE = 77 };
enum bpf_func_id___local { BPF_FUNC_map_lookup_elem___local = 100, BPF_FUNC_ringbuf_output___local = 200 };

unsigned long long out[40];

static unsigned long long bitfield(const struct sk_buff *s)
{
	unsigned long long v;
	const char *p = (const char *)s;

	/* BPF_CORE_READ_BITFIELD_PROBED, without the libbpf header */
	p += core_field(s->pkt_type, BYTE_OFFSET);
	switch (core_field(s->pkt_type, BYTE_SIZE)) {
	case 1: v = *(const unsigned char *)p; break;
	case 2: v = *(const unsigned short *)p; break;
	case 4: v = *(const unsigned int *)p; break;
	default: v = *(const unsigned long long *)p; break;
	}
	v <<= core_field(s->pkt_type, LSHIFT_U64);
	if (core_field(s->pkt_type, SIGNED))
		return (unsigned long long)((long long)v >> core_field(s->pkt_type, RSHIFT_U64));
	return v >> core_field(s->pkt_type, RSHIFT_U64);
}

SEC("tp_btf/sched_switch")
int core_task(unsigned long long *ctx)
{
	struct task_struct *t = (void *)ctx[1];
	struct sk_buff *skb = (void *)ctx[2];

	out[0] = t->pid;
	out[1] = t->tgid;
	out[2] = t->comm[3];
	out[3] = t->real_parent->pid;
	out[4] = core_field(t->comm, BYTE_SIZE);
	out[5] = core_field(t->pid, SIGNED);
	out[6] = core_type(struct task_struct, TYPE_SIZE);
	out[7] = core_type(struct task_struct, TYPE_EXISTS);
	out[8] = core_type_id(struct task_struct, 1);
	out[9] = core_type_id(struct task_struct, 0);
	out[10] = ((struct task_struct___new *)t)->__state;
	if (core_field(((struct task_struct___old *)t)->state, EXISTS))
		out[11] = ((struct task_struct___old *)t)->state;
	out[12] = ((struct task_struct___sz *)t)->pid;
	out[13] = bitfield(skb);
	out[14] = core_field(skb->cloned, LSHIFT_U64) + core_field(skb->cloned, BYTE_OFFSET);
	out[15] = skb->len;
	out[16] = core_type(struct list_head, TYPE_MATCHES);
	out[17] = core_type(struct btfkit_nowhere, TYPE_EXISTS);
	out[18] = core_type(struct btfkit_nowhere, TYPE_SIZE);
	out[19] = ((struct btfkit_nowhere *)t)->x;
	out[20] = core_enum(enum pid_type, PIDTYPE_TGID, 0);
	out[21] = core_enum(enum pid_type, PIDTYPE_PGID, 1);
	out[22] = core_enum(enum pid_type, PIDTYPE_BTFKIT_NONE, 0);
	out[23] = core_enum(enum pid_type, PIDTYPE_BTFKIT_NONE, 1);
	out[24] = core_enum(enum bpf_func_id___local, BPF_FUNC_ringbuf_output___local, 1);
	out[25] = core_field(((struct task_struct___old *)t)->state, EXISTS);
	out[26] = core_type(struct task_struct___new, TYPE_MATCHES);
	return 0;
}
