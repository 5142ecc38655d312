// SPDX-License-Identifier: GPL-2.0
/*
 * legacy_kv: pre-BTF map definitions in SEC("maps") (struct bpf_map_def)
 * with their BTF key/value annotations, BPF_ANNOTATE_KV_PAIR as libbpf's
 * bpf_helpers.h defined it before 1.0:
 *
 *   struct ____btf_map_NAME { KEY key; VALUE value; }
 *   ____btf_map_NAME SEC(".maps.NAME")
 *
 * libbpf >= 1.0 refuses to open such an object ("legacy map definitions in
 * 'maps' section are not supported"); btfkit still lists its maps, with
 * key/value types found the way libbpf 0.x did (btf__get_map_kv_tids).
 *
 *   clang-19 -g -O2 -target bpf -fdebug-compilation-dir=. \
 *           -c legacy_kv.bpf.c -o ../../obj/maps/legacy_kv.o
 */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))

#define BPF_ANNOTATE_KV_PAIR(name, type_key, type_val)		\
	struct ____btf_map_##name {				\
		type_key key;					\
		type_val value;					\
	};							\
	struct ____btf_map_##name				\
	__attribute__ ((section(".maps." #name), used))		\
		____btf_map_##name = { }

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

#define BPF_MAP_TYPE_HASH	1
#define BPF_MAP_TYPE_ARRAY	2
#define BPF_F_NO_PREALLOC	1

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

struct bpf_map_def SEC("maps") flow_map = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(struct flow_key),
	.value_size = sizeof(struct flow_stats),
	.max_entries = 4096,
	.map_flags = BPF_F_NO_PREALLOC,
};
BPF_ANNOTATE_KV_PAIR(flow_map, struct flow_key, struct flow_stats);

/* no annotation: libbpf 0.x created it without BTF key/value types */
struct bpf_map_def SEC("maps") counters = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
};

static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

SEC("socket")
int count(void *ctx)
{
	struct flow_key k = {};
	struct flow_stats *s;
	__u32 idx = 0;
	__u64 *c;

	s = bpf_map_lookup_elem(&flow_map, &k);
	if (s)
		s->packets++;
	c = bpf_map_lookup_elem(&counters, &idx);
	if (c)
		(*c)++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
