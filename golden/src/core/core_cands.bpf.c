// SPDX-License-Identifier: GPL-2.0
/*
 * core_cands: libbpf's candidate cache and ambiguity rules, resolved
 * against a target that test/core.test.ts builds with several structs of
 * one name (see candsTarget there):
 *   btfkit_multi  three candidates; field_exists(c) matches only the second,
 *                 which prunes the cached list, so the later read of `b`
 *                 (which the first candidate has) finds nothing: poisoned
 *   btfkit_amb    two candidates with `a` at different offsets: "field
 *                 offset ambiguity", an error that fails the load
 *   btfkit_amb2   two candidates of different sizes: "relocation decision
 *                 ambiguity" for type_size
 * Header-free, like core_task.bpf.c.
 */
#define SEC(name) __attribute__((section(name), used))
#define core_field(f, kind) __builtin_preserve_field_info(f, kind)
#define core_type(t, kind) __builtin_preserve_type_info(*(t *)0, kind)

char LICENSE[] SEC("license") = "GPL";

struct btfkit_multi {
	int a;
	int b;
	int c;
} __attribute__((preserve_access_index));

struct btfkit_amb {
	int a;
} __attribute__((preserve_access_index));

struct btfkit_amb2 {
	int a;
} __attribute__((preserve_access_index));

unsigned long long out[8];

SEC("tp_btf/btfkit_cands")
int core_cands(unsigned long long *ctx)
{
	struct btfkit_multi *m = (void *)ctx[0];
	struct btfkit_amb *a = (void *)ctx[1];

	out[0] = core_field(m->c, 2);
	out[1] = m->b;
	out[2] = m->a;
	out[3] = a->a;
	out[4] = core_type(struct btfkit_amb2, 1);
	return 0;
}
