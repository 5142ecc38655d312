// SPDX-License-Identifier: GPL-2.0
/*
 * percpu_sections: global per-CPU data as the seed patch proposes it for
 * libbpf: each ".percpu" / ".percpu.*" ELF section becomes an internal
 * BPF_MAP_TYPE_PERCPU_ARRAY map with one entry whose value is the whole
 * section (not mmapable; every CPU starts from the section's bytes, padded
 * to a multiple of 8). Upstream libbpf (1.1.2 .. 1.8) has no such support
 * and fails to open this object ("bad map relo against 'hits' in section
 * '.percpu'").
 *
 *   clang-19 -g -O2 -target bpf -fdebug-compilation-dir=. \
 *           -c percpu_sections.bpf.c -o ../../obj/maps/percpu_sections.o
 */
typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct scratch {
	__u32 depth;
	char tag[8];
};

struct {
	__uint(type, 6); /* BPF_MAP_TYPE_PERCPU_ARRAY */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

/* .percpu: two counters */
__u64 hits SEC(".percpu");
__u32 misses SEC(".percpu") = 3;

/* a custom per-CPU section (named after the section alone), 12 bytes: each
 * CPU's copy of the initial value is padded to 16 */
struct scratch scratch SEC(".percpu.scratch") = { .depth = 1, .tag = "cpu" };

int calls = 1;
const volatile __u32 sample_every = 16;

SEC("xdp")
int count(void *ctx)
{
	hits++;
	if (calls++ % sample_every == 0)
		misses++;
	scratch.depth++;
	return 2; /* XDP_PASS */
}

char LICENSE[] SEC("license") = "GPL";
