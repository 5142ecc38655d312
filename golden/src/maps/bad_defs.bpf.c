// SPDX-License-Identifier: GPL-2.0
/*
 * bad_defs: half-made BTF map definitions next to good ones. libbpf stops
 * at the first bad one and opens nothing; btfkit names the map and the
 * member of each bad definition and still lists the good maps.
 *
 *   clang-19 -g -O2 -target bpf -fdebug-compilation-dir=. \
 *           -c bad_defs.bpf.c -o ../../obj/maps/bad_defs.o
 */
typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct {
	__uint(type, 2); /* BPF_MAP_TYPE_ARRAY */
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} good_array SEC(".maps");

/* 'type' is a plain int, not a pointer to an array */
struct {
	int type;
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} int_type SEC(".maps");

/* the key has no size: a pointer to void */
struct {
	__uint(type, 1); /* BPF_MAP_TYPE_HASH */
	__uint(max_entries, 16);
	__type(key, void);
	__type(value, __u64);
} void_key SEC(".maps");

/* not a struct at all */
__u64 not_a_map SEC(".maps");

/* no map type */
struct {
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} no_type SEC(".maps");

/* 'max_entries' points to something that is not an array */
struct {
	__uint(type, 2);
	__u32 *max_entries;
	__type(key, __u32);
	__type(value, __u32);
} ptr_to_int SEC(".maps");

/* key size and key type disagree */
struct {
	__uint(type, 1);
	__uint(max_entries, 16);
	__uint(key_size, 8);
	__type(key, __u32);
	__type(value, __u32);
} size_conflict SEC(".maps");

/* an attribute libbpf does not know (an error in libbpf's strict mode) */
struct {
	__uint(type, 2);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
	__uint(colour, 3);
} unknown_attr SEC(".maps");

struct {
	__uint(type, 27); /* BPF_MAP_TYPE_RINGBUF, size rounded up to pages */
	__uint(max_entries, 5000);
} good_ringbuf SEC(".maps");

static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

SEC("xdp")
int touch(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&good_array, &k);

	if (v)
		(*v)++;
	not_a_map++;
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
