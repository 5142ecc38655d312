// SPDX-License-Identifier: GPL-2.0
/*
 * xcheck_data: typed data that the other inspector objects do not reach,
 * found by cross-checking `btfkit vars` with libbpf 1.1.2 on new programs:
 * signed enums (kind_flag set) whose value matches no enumerator inside a
 * struct or an array, plain and as bitfields, ENUM and ENUM64, 1-byte packed
 * enums (libbpf prints such a value without its comma), and around them
 * enum bitfields that do match, empty structs, unions, flexible and
 * zero-length arrays, 2-D char arrays, 128-bit integers, NaN and infinity,
 * packed members of every kind at odd offsets, bitfields of 1, 63 and 64
 * bits, and all-zero values. (No long double: 8 bytes in BPF, 16 on x86-64,
 * so bpftool's skeleton of it fails its own size assertion on the host.)
 *
 *   clang-19 -g -O2 -target bpf -fdebug-compilation-dir=. \
 *           -c xcheck_data.bpf.c -o ../../obj/xcheck/xcheck_data.o
 */
#define SEC(n) __attribute__((section(n), used))
typedef unsigned long long u64;
typedef long long s64;
enum sgn { SG_NEG = -5, SG_POS = 5 };
enum usg { UG_A = 1, UG_B = 2 };
enum big64 { B64_A = 0x100000000ULL, B64_B = 3 };
enum sbig64 { SB64_A = -0x100000000LL, SB64_B = 3 };
enum __attribute__((packed)) sbyte { SBY_A = -1, SBY_B = 1 };

struct ebits {
	enum sgn a : 4;
	enum sgn b : 4;
	enum usg c : 3;
	enum big64 d : 40;
	enum sbig64 e : 40;
	enum sbyte f : 3;
	enum sgn g;
	enum usg h;
	enum big64 i;
	enum sbig64 j;
	enum sbyte k;
};
struct ebits g_ebits = { .a = SG_NEG, .b = 3, .c = 5, .d = 7, .e = -7, .f = 2, .g = 17, .h = 9, .i = 11, .j = -11, .k = 5 };
struct ebits g_ebits2 = { .a = SG_POS, .b = -2, .c = UG_B, .d = B64_B, .e = SB64_B, .f = SBY_A, .g = SG_NEG, .h = UG_A, .i = B64_A, .j = SB64_A, .k = SBY_A };
enum sgn g_sgn_unk = (enum sgn)1234;
enum sbig64 g_sb_unk = (enum sbig64)-77;
enum big64 g_b_unk = (enum big64)77;
enum sgn g_sgn_arr[4] = { SG_NEG, 0, 7, SG_POS };
enum sgn g_zero_enum;

struct empty {};
struct with_empty { int a; struct empty e; int b; };
struct with_empty g_wempty = { 1, {}, 2 };
struct empty g_empty;

union u3 { int i; char c[4]; float f; };
union u3 g_u3 = { .i = 0x41424344 };
union u3 g_u3z;

struct flexs { int n; char tail[]; };
struct flexs g_flex = { 3 };
struct zla { int n; long z[0]; };
struct zla g_zla = { 4 };

char g_c2d[2][3] = { { 'a', 'b', 0 }, { 'x', 0, 'z' } };
unsigned char g_bytes[6] = { 1, 'A', 0, 200, 'B', 0 };
signed char g_sbytes[3] = { -1, 'q', 0 };
_Bool g_bools[3] = { 1, 0, 1 };
char g_after_arr_a[3] = "ab";
struct mix { char s[4]; _Bool b; unsigned char u; char c; short sh; char t[2]; } g_mix = { "hi", 1, 'Z', 0, 7, { 'y', 'z' } };
struct mix2 { char t[2]; unsigned char u; } g_mix2 = { { 'y', 'z' }, 'w' };

__int128 g_i128 = -2;
unsigned __int128 g_u128 = ((unsigned __int128)1 << 100) | 5;
double g_darr[2] = { 0.1, -3e10 };
float g_fnan = __builtin_nanf("");
float g_finf = -__builtin_inff();
void *g_ptrs[3] = { 0, (void *)0x1000, 0 };
int (*g_fp)(int);
u64 g_max = ~0ULL;
s64 g_min = -9223372036854775807LL - 1;
short g_shorts[3] = { -1, 0, 32767 };
const volatile int g_cv[2] = { 5, 6 };
struct nested { struct { int x; } in; union { int y; } un; int arr[2]; } g_nested = { { 0 }, { 0 }, { 0, 1 } };
struct nested g_nested_z;
static struct { int a; char b; } g_anon_st = { 1, 2 };
typedef struct { int q; } qq_t;
qq_t g_qq[2] = { { 1 }, { 0 } };

struct __attribute__((packed)) upk { char c; enum sgn e; int i; short s; long long l; };
struct upk g_upk = { 1, SG_POS, 2, 3, 4 };
struct __attribute__((packed)) upk2 { char c; enum usg e; } g_upk2 = { 1, UG_B };
struct __attribute__((packed)) upk3 { char c; u64 v; float f; double d; void *p; } g_upk3 = { 1, 2, 1.5f, 2.5, (void *)8 };

struct bf2 { unsigned long long a : 1, b : 63; int c : 3; unsigned d : 29; long long e : 64; } g_bf2 = { 1, 5, -1, 3, -9 };
struct bfz { int a : 3; int b : 5; } g_bfz = { 0, 1 };

SEC("socket")
int data_prog(void *ctx)
{
	return g_ebits.a + g_anon_st.a + g_mix.b;
}
char LICENSE[] SEC("license") = "GPL";
