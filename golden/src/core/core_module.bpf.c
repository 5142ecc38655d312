// SPDX-License-Identifier: GPL-2.0
/*
 * core_module: CO-RE relocations of types that only a module has
 * (nf_conntrack's struct nf_conntrack_helper and enum nf_ct_helper_flags),
 * so that the candidate search must go past vmlinux into the module's split
 * BTF, and of a type vmlinux has (list_head) in the same object, which must
 * stay in vmlinux. Header-free, like core_task.bpf.c.
 */
#define SEC(name) __attribute__((section(name), used))
#define core_field(f, kind) __builtin_preserve_field_info(f, kind)
#define core_type(t, kind) __builtin_preserve_type_info(*(t *)0, kind)
#define core_type_id(t, kind) __builtin_btf_type_id(*(t *)0, kind)
#define core_enum(t, v, kind) __builtin_preserve_enum_value(*(t *)v, kind)

char LICENSE[] SEC("license") = "GPL";

struct list_head {
	struct list_head *next, *prev;
} __attribute__((preserve_access_index));

struct nf_conntrack_helper {
	char name[16];
	unsigned int flags;
	struct list_head *missing_in_kernel;
} __attribute__((preserve_access_index));

enum nf_ct_helper_flags { NF_CT_HELPER_F_USERSPACE = 1, NF_CT_HELPER_F_CONFIGURED = 2 };

unsigned long long out[8];

SEC("kprobe/nf_conntrack_helper_register")
int core_module(struct nf_conntrack_helper *h)
{
	out[0] = h->name[1];
	out[1] = h->flags;
	out[2] = core_type_id(struct nf_conntrack_helper, 1);
	out[3] = core_enum(enum nf_ct_helper_flags, NF_CT_HELPER_F_CONFIGURED, 1);
	out[4] = core_field(h->missing_in_kernel, 2);
	out[5] = core_type(struct list_head, 1);
	out[6] = core_type(struct nf_conntrack_helper, 1);
	return 0;
}
