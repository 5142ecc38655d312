// SPDX-License-Identifier: GPL-2.0
/*
 * xdp1_kern: the map, program and license of the kernel's
 * samples/bpf/xdp1_kern.c, self-contained (no headers), so that clang-19
 * emits exactly the 23 BTF types the seed shows for xdp1_kern.o.
 *
 *   clang-19 -g -O2 -target bpf -fdebug-compilation-dir=. \
 *           -c xdp1_kern.bpf.c -o ../../obj/maps/xdp1_kern.o
 */
typedef unsigned int __u32;
typedef __u32 u32;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define XDP_DROP 1

struct xdp_md {
	__u32 data;
	__u32 data_end;
	__u32 data_meta;
	__u32 ingress_ifindex;
	__u32 rx_queue_index;
	__u32 egress_ifindex;
};

static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, u32);
	__type(value, long);
	__uint(max_entries, 256);
} rxcnt SEC(".maps");

SEC("xdp1")
int xdp_prog1(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	u32 ipproto = data + 14 > data_end ? 0 : ((unsigned char *)data)[13];
	long *value;

	value = bpf_map_lookup_elem(&rxcnt, &ipproto);
	if (value)
		*value += 1;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
