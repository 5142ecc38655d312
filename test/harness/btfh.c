// SPDX-License-Identifier: MIT
/*
 * btfh: btfkit's test harness over the system libbpf (written against
 * Debian's libbpf 1.1.2).
 *
 * Differential tests run libbpf through this program and compare its output
 * with btfkit's. Every subcommand is a thin wrapper around one libbpf code
 * path; see README.md in this directory for the commands and for the builder
 * script language that `btfh script` interprets.
 *
 * Exit status: 0 success, 1 failure (message on stderr), 2 usage.
 * libbpf's own log is dropped unless BTFH_VERBOSE=1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <linux/btf.h>
#include <bpf/btf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>

#define MAX_TOKENS 8
#define MAX_SLOTS 32

/* ------------------------------------------------------------ utilities */

static int log_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

static int complain(const char *fmt, ...)
{
	va_list ap;

	fputs("btfh: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* libbpf returns -errno (or -LIBBPF_ERRNO__*); describe either sign */
static const char *errstr(int err)
{
	static char buf[128];

	if (err < 0)
		err = -err;
	if (!err)
		err = EINVAL;
	if (libbpf_strerror(err, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "error %d", err);
	return buf;
}

static int write_file(const char *path, const void *data, size_t len)
{
	bool to_stdout = !strcmp(path, "-");
	FILE *f = to_stdout ? stdout : fopen(path, "wb");

	if (!f)
		return complain("cannot create '%s': %s", path, strerror(errno));
	if (len && fwrite(data, 1, len, f) != len) {
		int err = errno;

		if (!to_stdout)
			fclose(f);
		return complain("cannot write '%s': %s", path, strerror(err));
	}
	if (to_stdout ? fflush(f) : fclose(f))
		return complain("cannot write '%s': %s", path, strerror(errno));
	return 0;
}

static int write_btf(const struct btf *btf, const char *path)
{
	const void *data;
	__u32 size = 0;

	data = btf__raw_data(btf, &size);
	if (!data)
		return complain("btf__raw_data: %s", errstr(errno));
	return write_file(path, data, size);
}

/* btf__parse / btf__parse_split: raw BTF of either byte order, else ELF .BTF */
static struct btf *load_btf(const char *path, struct btf *base)
{
	struct btf *btf = base ? btf__parse_split(path, base) : btf__parse(path, NULL);

	if (!btf)
		complain("cannot parse BTF from '%s': %s", path, errstr(errno));
	return btf;
}

/* types of this object alone (without the base of a split BTF) */
static unsigned int own_types(const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);

	return btf__type_cnt(btf) - (base ? btf__type_cnt(base) : 1);
}

static bool parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && !*end && *out <= max;
}

/* ------------------------------------------------------ script: lexing */

enum tok_kind { TOK_WORD, TOK_STR, TOK_NULL };

struct token {
	enum tok_kind kind;
	const char *text; /* the word, or the string without its quotes */
};

struct script {
	const char *path;
	char *dir;  /* directory of the script: base of relative paths */
	int lineno;
	struct btf *btf;
	struct btf *base;
	struct {
		char *name;
		struct btf *btf;
	} slots[MAX_SLOTS];
	int nslots;
};

static int script_error(const struct script *sc, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "btfh: %s:%d: ", sc->path, sc->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/*
 * Split LINE in place into tokens separated by exactly one space. A token
 * that starts with '"' runs to the next '"' (no escapes) and must be followed
 * by a space or the end of the line. Returns the token count, or -1.
 */
static int tokenize(struct script *sc, char *line, struct token *tok)
{
	int n = 0;
	char *p = line;

	for (;;) {
		if (n == MAX_TOKENS)
			return script_error(sc, "too many arguments"), -1;
		if (*p == '"') {
			char *close = strchr(p + 1, '"');

			if (!close)
				return script_error(sc, "unterminated string"), -1;
			tok[n].kind = TOK_STR;
			tok[n].text = p + 1;
			*close = '\0';
			p = close + 1;
			if (*p && *p != ' ')
				return script_error(sc, "expected a space after a string"), -1;
		} else {
			char *q = p;

			while (*q && *q != ' ')
				q++;
			if (q == p)
				return script_error(sc, "empty argument (use single spaces only)"), -1;
			if (memchr(p, '"', q - p) || memchr(p, '\t', q - p))
				return script_error(sc, "stray quote or tab in '%.*s'", (int)(q - p), p), -1;
			tok[n].kind = q - p == 4 && !memcmp(p, "NULL", 4) ? TOK_NULL : TOK_WORD;
			tok[n].text = p;
			p = q;
		}
		n++;
		if (!*p)
			return n;
		*p++ = '\0'; /* the separating space */
		if (!*p)
			return script_error(sc, "trailing space"), -1;
	}
}

/* -?(0x[0-9a-fA-F]+|[0-9]+) into sign + magnitude; false on syntax/overflow */
static bool lex_number(const char *s, bool *neg, unsigned long long *mag)
{
	int base = 10;
	unsigned long long v = 0;

	*neg = *s == '-';
	if (*neg)
		s++;
	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v > (ULLONG_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*mag = v;
	return true;
}

/* ----------------------------------------------------- script: calls */

/*
 * Argument kinds, one letter each in a call's signature:
 *   n  name: "string" or NULL           s  string: "string" only
 *   i  int   [-2^31, 2^31-1]             u  __u32 [0, 2^32-1] (also size_t)
 *   b  bool  0 or 1                      l  __s64 [-2^63, 2^63-1]
 *   L  __u64 [-2^63, 2^64-1], negatives as two's complement
 *   w  a bare word (slot name, file path, endianness)
 */
union arg {
	const char *str;
	long long i;
	unsigned long long u;
};

struct call;
typedef int (*call_fn)(struct script *sc, const struct call *c, union arg *a);

struct call {
	const char *name;
	const char *sig;
	call_fn fn;
};

static int parse_args(struct script *sc, const struct call *c,
		      const struct token *tok, int ntok, union arg *a)
{
	int nargs = (int)strlen(c->sig), i;

	if (ntok - 1 != nargs)
		return script_error(sc, "%s takes %d argument%s, got %d", c->name,
				    nargs, nargs == 1 ? "" : "s", ntok - 1);
	for (i = 0; i < nargs; i++) {
		const struct token *t = &tok[i + 1];
		char k = c->sig[i];
		unsigned long long mag;
		bool neg;

		if (k == 'n' || k == 's') {
			if (t->kind == TOK_STR)
				a[i].str = t->text;
			else if (t->kind == TOK_NULL && k == 'n')
				a[i].str = NULL;
			else
				return script_error(sc, "%s: argument %d must be a quoted string%s",
						    c->name, i + 1, k == 'n' ? " or NULL" : "");
			continue;
		}
		if (k == 'w') {
			if (t->kind == TOK_STR)
				return script_error(sc, "%s: argument %d must not be quoted",
						    c->name, i + 1);
			a[i].str = t->text;
			continue;
		}
		if (t->kind != TOK_WORD || !lex_number(t->text, &neg, &mag))
			return script_error(sc, "%s: argument %d: bad integer '%s'",
					    c->name, i + 1, t->text);
		switch (k) {
		case 'i':
			if (neg ? mag > 0x80000000ULL : mag > 0x7fffffffULL)
				goto range;
			a[i].i = neg ? -(long long)mag : (long long)mag;
			break;
		case 'u':
			if (neg || mag > 0xffffffffULL)
				goto range;
			a[i].u = mag;
			break;
		case 'b':
			if (neg || mag > 1)
				goto range;
			a[i].u = mag;
			break;
		case 'l':
			if (neg ? mag > (1ULL << 63) : mag > (unsigned long long)LLONG_MAX)
				goto range;
			a[i].i = neg ? (long long)(0 - mag) : (long long)mag;
			break;
		case 'L':
			if (neg && mag > (1ULL << 63))
				goto range;
			a[i].u = neg ? 0 - mag : mag;
			break;
		default:
			return script_error(sc, "internal: bad signature '%s'", c->sig);
		}
		continue;
range:
		return script_error(sc, "%s: argument %d out of range: %s", c->name,
				    i + 1, t->text);
	}
	return 0;
}

static char *resolve_path(const struct script *sc, const char *p)
{
	char *out;

	if (p[0] == '/')
		return strdup(p);
	if (asprintf(&out, "%s/%s", sc->dir, p) < 0)
		return NULL;
	return out;
}

static struct btf *find_slot(const struct script *sc, const char *name)
{
	int i;

	for (i = 0; i < sc->nslots; i++)
		if (!strcmp(sc->slots[i].name, name))
			return sc->slots[i].btf;
	return NULL;
}

#define A(n) (a[n])
#define CALL(fname, expr)                                                      \
	static int do_##fname(struct script *sc, const struct call *c, union arg *a) \
	{                                                                      \
		(void)c;                                                       \
		(void)a;                                                       \
		return (expr);                                                 \
	}

CALL(add_str, btf__add_str(sc->btf, A(0).str))
CALL(add_int, btf__add_int(sc->btf, A(0).str, A(1).u, (int)A(2).i))
CALL(add_float, btf__add_float(sc->btf, A(0).str, A(1).u))
CALL(add_ptr, btf__add_ptr(sc->btf, (int)A(0).i))
CALL(add_array, btf__add_array(sc->btf, (int)A(0).i, (int)A(1).i, (__u32)A(2).u))
CALL(add_struct, btf__add_struct(sc->btf, A(0).str, (__u32)A(1).u))
CALL(add_union, btf__add_union(sc->btf, A(0).str, (__u32)A(1).u))
CALL(add_field, btf__add_field(sc->btf, A(0).str, (int)A(1).i, (__u32)A(2).u, (__u32)A(3).u))
CALL(add_enum, btf__add_enum(sc->btf, A(0).str, (__u32)A(1).u))
CALL(add_enum_value, btf__add_enum_value(sc->btf, A(0).str, (__s64)A(1).i))
CALL(add_enum64, btf__add_enum64(sc->btf, A(0).str, (__u32)A(1).u, A(2).u != 0))
CALL(add_enum64_value, btf__add_enum64_value(sc->btf, A(0).str, (__u64)A(1).u))
CALL(add_fwd, btf__add_fwd(sc->btf, A(0).str, (enum btf_fwd_kind)A(1).i))
CALL(add_typedef, btf__add_typedef(sc->btf, A(0).str, (int)A(1).i))
CALL(add_volatile, btf__add_volatile(sc->btf, (int)A(0).i))
CALL(add_const, btf__add_const(sc->btf, (int)A(0).i))
CALL(add_restrict, btf__add_restrict(sc->btf, (int)A(0).i))
CALL(add_type_tag, btf__add_type_tag(sc->btf, A(0).str, (int)A(1).i))
CALL(add_func, btf__add_func(sc->btf, A(0).str, (enum btf_func_linkage)A(1).i, (int)A(2).i))
CALL(add_func_proto, btf__add_func_proto(sc->btf, (int)A(0).i))
CALL(add_func_param, btf__add_func_param(sc->btf, A(0).str, (int)A(1).i))
CALL(add_var, btf__add_var(sc->btf, A(0).str, (int)A(1).i, (int)A(2).i))
CALL(add_datasec, btf__add_datasec(sc->btf, A(0).str, (__u32)A(1).u))
CALL(add_datasec_var_info,
     btf__add_datasec_var_info(sc->btf, (int)A(0).i, (__u32)A(1).u, (__u32)A(2).u))
CALL(add_decl_tag, btf__add_decl_tag(sc->btf, A(0).str, (int)A(1).i, (int)A(2).i))

static bool valid_slot_name(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* load NAME FILE: not a libbpf builder call; prints 0, fatal on failure */
static int do_load(struct script *sc, const struct call *c, union arg *a)
{
	struct btf *btf;
	char *path;

	(void)c;
	if (!valid_slot_name(A(0).str))
		return script_error(sc, "load: bad slot name '%s'", A(0).str), INT_MIN;
	if (find_slot(sc, A(0).str))
		return script_error(sc, "load: slot '%s' already loaded", A(0).str), INT_MIN;
	if (sc->nslots == MAX_SLOTS)
		return script_error(sc, "load: too many slots"), INT_MIN;
	path = resolve_path(sc, A(1).str);
	if (!path)
		return script_error(sc, "out of memory"), INT_MIN;
	btf = btf__parse(path, NULL);
	if (!btf) {
		script_error(sc, "load: cannot parse BTF from '%s': %s", path, errstr(errno));
		free(path);
		return INT_MIN;
	}
	free(path);
	sc->slots[sc->nslots].name = strdup(A(0).str);
	sc->slots[sc->nslots].btf = btf;
	sc->nslots++;
	return 0;
}

static int do_add_type(struct script *sc, const struct call *c, union arg *a)
{
	struct btf *src = find_slot(sc, A(0).str);

	(void)c;
	if (!src)
		return script_error(sc, "add_type: no slot '%s'", A(0).str), INT_MIN;
	if (A(1).u >= btf__type_cnt(src))
		return script_error(sc, "add_type: slot '%s' has no type %llu", A(0).str,
				    A(1).u), INT_MIN;
	return btf__add_type(sc->btf, src, btf__type_by_id(src, (__u32)A(1).u));
}

static int do_add_btf(struct script *sc, const struct call *c, union arg *a)
{
	struct btf *src = find_slot(sc, A(0).str);

	(void)c;
	if (!src)
		return script_error(sc, "add_btf: no slot '%s'", A(0).str), INT_MIN;
	return btf__add_btf(sc->btf, src);
}

static int do_set_endianness(struct script *sc, const struct call *c, union arg *a)
{
	(void)c;
	if (!strcmp(A(0).str, "big"))
		return btf__set_endianness(sc->btf, BTF_BIG_ENDIAN);
	if (!strcmp(A(0).str, "little"))
		return btf__set_endianness(sc->btf, BTF_LITTLE_ENDIAN);
	return script_error(sc, "set_endianness: expected big or little, got '%s'",
			    A(0).str), INT_MIN;
}

static const struct call calls[] = {
	{ "add_str", "s", do_add_str },
	{ "add_int", "nui", do_add_int },
	{ "add_float", "nu", do_add_float },
	{ "add_ptr", "i", do_add_ptr },
	{ "add_array", "iiu", do_add_array },
	{ "add_struct", "nu", do_add_struct },
	{ "add_union", "nu", do_add_union },
	{ "add_field", "niuu", do_add_field },
	{ "add_enum", "nu", do_add_enum },
	{ "add_enum_value", "nl", do_add_enum_value },
	{ "add_enum64", "nub", do_add_enum64 },
	{ "add_enum64_value", "nL", do_add_enum64_value },
	{ "add_fwd", "ni", do_add_fwd },
	{ "add_typedef", "ni", do_add_typedef },
	{ "add_volatile", "i", do_add_volatile },
	{ "add_const", "i", do_add_const },
	{ "add_restrict", "i", do_add_restrict },
	{ "add_type_tag", "ni", do_add_type_tag },
	{ "add_func", "nii", do_add_func },
	{ "add_func_proto", "i", do_add_func_proto },
	{ "add_func_param", "ni", do_add_func_param },
	{ "add_var", "nii", do_add_var },
	{ "add_datasec", "nu", do_add_datasec },
	{ "add_datasec_var_info", "iuu", do_add_datasec_var_info },
	{ "add_decl_tag", "nii", do_add_decl_tag },
	{ "load", "ww", do_load },
	{ "add_type", "wu", do_add_type },
	{ "add_btf", "w", do_add_btf },
	{ "set_endianness", "w", do_set_endianness },
};

static const struct call *find_call(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(calls[i].name, name))
			return &calls[i];
	return NULL;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		complain("cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				complain("out of memory");
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	if (ferror(f) || memchr(buf, '\0', len)) {
		complain("cannot read '%s'%s", path, ferror(f) ? "" : ": NUL byte in script");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static bool ignorable(const char *line)
{
	if (line[0] == '#')
		return true;
	return strspn(line, " \t") == strlen(line);
}

/* the first statement: `new` or `new_split BASEFILE` */
static int script_header(struct script *sc, struct token *tok, int ntok)
{
	if (tok[0].kind == TOK_WORD && !strcmp(tok[0].text, "new")) {
		if (ntok != 1)
			return script_error(sc, "new takes no arguments");
		sc->btf = btf__new_empty();
		if (!sc->btf)
			return script_error(sc, "btf__new_empty: %s", errstr(errno));
		return 0;
	}
	if (tok[0].kind == TOK_WORD && !strcmp(tok[0].text, "new_split")) {
		char *path;

		if (ntok != 2 || tok[1].kind != TOK_WORD)
			return script_error(sc, "usage: new_split BASEFILE");
		path = resolve_path(sc, tok[1].text);
		if (!path)
			return script_error(sc, "out of memory");
		sc->base = btf__parse(path, NULL);
		if (!sc->base) {
			script_error(sc, "cannot parse BTF from '%s': %s", path, errstr(errno));
			free(path);
			return 1;
		}
		free(path);
		sc->btf = btf__new_empty_split(sc->base);
		if (!sc->btf)
			return script_error(sc, "btf__new_empty_split: %s", errstr(errno));
		return 0;
	}
	return script_error(sc, "the first statement must be `new` or `new_split BASEFILE`");
}

static int run_script(struct script *sc, char *text)
{
	char *line = text, *next;

	for (sc->lineno = 1; line && *line; line = next, sc->lineno++) {
		struct token tok[MAX_TOKENS];
		union arg args[MAX_TOKENS];
		const struct call *c;
		int ntok, ret;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strchr(line, '\r'))
			return script_error(sc, "carriage return (use LF line endings)");
		if (ignorable(line))
			continue;
		ntok = tokenize(sc, line, tok);
		if (ntok < 0)
			return 1;
		if (!sc->btf) {
			if (script_header(sc, tok, ntok))
				return 1;
			continue;
		}
		c = tok[0].kind == TOK_WORD ? find_call(tok[0].text) : NULL;
		if (!c)
			return script_error(sc, "unknown call '%s'", tok[0].text);
		if (parse_args(sc, c, tok, ntok, args))
			return 1;
		ret = c->fn(sc, c, args);
		if (ret == INT_MIN) /* a script error, already reported */
			return 1;
		if (ret < 0)
			printf("err %d\n", ret);
		else
			printf("%d\n", ret);
	}
	if (!sc->btf)
		return script_error(sc, "empty script (no `new` / `new_split`)");
	return 0;
}

static int cmd_script(int argc, char **argv)
{
	struct script sc = { .path = argv[0] };
	char *text, *slash;
	int rc, i;

	if (argc != 2)
		return -1;
	if (!strcmp(argv[1], "-")) /* stdout carries the per-call results */
		return complain("script: OUT must be a file, not '-'");
	text = read_text(argv[0]);
	if (!text)
		return 1;
	sc.dir = strdup(argv[0]);
	slash = strrchr(sc.dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(sc.dir, ".");
	rc = run_script(&sc, text);
	if (fflush(stdout))
		rc = complain("cannot write stdout: %s", strerror(errno));
	if (!rc)
		rc = write_btf(sc.btf, argv[1]);
	for (i = 0; i < sc.nslots; i++) {
		btf__free(sc.slots[i].btf);
		free(sc.slots[i].name);
	}
	btf__free(sc.btf);
	btf__free(sc.base);
	free(sc.dir);
	free(text);
	return rc;
}

/* ------------------------------------------------------- BTF commands */

static int cmd_dedup(int argc, char **argv)
{
	struct btf *btf;
	int err, rc;

	if (argc != 2)
		return -1;
	btf = load_btf(argv[0], NULL);
	if (!btf)
		return 1;
	err = btf__dedup(btf, NULL);
	rc = err ? complain("btf__dedup '%s': %s", argv[0], errstr(err))
		 : write_btf(btf, argv[1]);
	btf__free(btf);
	return rc;
}

static int cmd_dedup_ext(int argc, char **argv)
{
	LIBBPF_OPTS(btf_dedup_opts, opts);
	struct btf_ext *ext = NULL;
	const void *ext_data;
	struct btf *btf;
	__u32 ext_size = 0;
	int err, rc;

	if (argc != 3)
		return -1;
	btf = btf__parse_elf(argv[0], &ext);
	if (!btf)
		return complain("cannot parse ELF BTF from '%s': %s", argv[0], errstr(errno));
	if (!ext) {
		btf__free(btf);
		return complain("'%s' has no .BTF.ext section", argv[0]);
	}
	opts.btf_ext = ext;
	err = btf__dedup(btf, &opts);
	if (err) {
		rc = complain("btf__dedup '%s': %s", argv[0], errstr(err));
		goto out;
	}
	rc = write_btf(btf, argv[1]);
	if (rc)
		goto out;
	/*
	 * libbpf 1.1.2 declares btf_ext__raw_data() in btf.h but does not export
	 * it (neither libbpf.so nor libbpf.a has the symbol); the exported
	 * btf_ext__get_raw_data() (libbpf_legacy.h) is the same function.
	 */
	ext_data = btf_ext__get_raw_data(ext, &ext_size);
	rc = ext_data ? write_file(argv[2], ext_data, ext_size)
		      : complain("btf_ext__get_raw_data: %s", errstr(errno));
out:
	btf_ext__free(ext);
	btf__free(btf);
	return rc;
}

static int cmd_merge(int argc, char **argv)
{
	bool dedup = true;
	struct btf *dst;
	int i, err, rc;

	if (argc > 0 && !strcmp(argv[0], "--no-dedup")) {
		dedup = false;
		argc--;
		argv++;
	}
	if (argc < 2)
		return -1;
	dst = btf__new_empty();
	if (!dst)
		return complain("btf__new_empty: %s", errstr(errno));
	for (i = 1; i < argc; i++) {
		struct btf *src = load_btf(argv[i], NULL);

		if (!src) {
			btf__free(dst);
			return 1;
		}
		err = btf__add_btf(dst, src);
		btf__free(src);
		if (err < 0) {
			btf__free(dst);
			return complain("btf__add_btf '%s': %s", argv[i], errstr(err));
		}
	}
	err = dedup ? btf__dedup(dst, NULL) : 0;
	rc = err ? complain("btf__dedup: %s", errstr(err)) : write_btf(dst, argv[0]);
	btf__free(dst);
	return rc;
}

static int cmd_dedup_split(int argc, char **argv)
{
	struct btf *base, *btf;
	int err, rc;

	if (argc != 3)
		return -1;
	base = load_btf(argv[0], NULL);
	if (!base)
		return 1;
	btf = load_btf(argv[1], base);
	if (!btf) {
		btf__free(base);
		return 1;
	}
	err = btf__dedup(btf, NULL);
	rc = err ? complain("btf__dedup '%s': %s", argv[1], errstr(err))
		 : write_btf(btf, argv[2]);
	btf__free(btf);
	btf__free(base);
	return rc;
}

static int cmd_swap(int argc, char **argv)
{
	enum btf_endianness to;
	struct btf *btf;
	int err, rc;

	if (argc != 2)
		return -1;
	btf = load_btf(argv[0], NULL);
	if (!btf)
		return 1;
	to = btf__endianness(btf) == BTF_LITTLE_ENDIAN ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN;
	err = btf__set_endianness(btf, to);
	rc = err ? complain("btf__set_endianness: %s", errstr(err)) : write_btf(btf, argv[1]);
	btf__free(btf);
	return rc;
}

static void dump_to_stdout(void *ctx, const char *fmt, va_list ap)
{
	(void)ctx;
	vprintf(fmt, ap);
}

static int cmd_dump_c(int argc, char **argv)
{
	struct btf *base = NULL, *btf;
	struct btf_dump *d;
	__u32 id, cnt;
	int err = 0, rc = 0;

	if (argc != 1 && argc != 2)
		return -1;
	if (argc == 2) {
		base = load_btf(argv[1], NULL);
		if (!base)
			return 1;
	}
	btf = load_btf(argv[0], base);
	if (!btf) {
		btf__free(base);
		return 1;
	}
	d = btf_dump__new(btf, dump_to_stdout, NULL, NULL);
	if (!d) {
		rc = complain("btf_dump__new: %s", errstr(errno));
		goto out;
	}
	cnt = btf__type_cnt(btf);
	for (id = 1; id < cnt && !err; id++)
		err = btf_dump__dump_type(d, id);
	if (err)
		rc = complain("btf_dump__dump_type [%u]: %s", id - 1, errstr(err));
	btf_dump__free(d);
	if (fflush(stdout))
		rc = complain("cannot write stdout: %s", strerror(errno));
out:
	btf__free(btf);
	btf__free(base);
	return rc;
}

/* --------------------------------------------------------- benchmark */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * bench-dedup IN COPIES REPEATS: per repeat, parse IN, merge COPIES copies
 * into a new BTF (COPIES = 0: dedup the parsed BTF in place), dedup, raw.
 */
static int cmd_bench_dedup(int argc, char **argv)
{
	unsigned long long copies, repeats;
	unsigned int types_in = 0, types_out = 0;
	__u32 bytes_out = 0;
	double *ms[4];
	struct rusage ru;
	int r, p, rc = 0;

	if (argc != 3)
		return -1;
	if (!parse_uint(argv[1], 1000000, &copies) || !parse_uint(argv[2], 1000000, &repeats) ||
	    !repeats)
		return -1;
	for (p = 0; p < 4; p++) {
		ms[p] = calloc(repeats, sizeof(double));
		if (!ms[p])
			return complain("out of memory");
	}
	for (r = 0; r < (int)repeats && !rc; r++) {
		struct btf *src, *dst;
		unsigned long long c;
		double t0, t1, t2, t3, t4;
		int err = 0;

		t0 = now_ms();
		src = load_btf(argv[0], NULL);
		if (!src) {
			rc = 1;
			break;
		}
		t1 = now_ms();
		if (copies) {
			dst = btf__new_empty();
			if (!dst) {
				btf__free(src);
				rc = complain("btf__new_empty: %s", errstr(errno));
				break;
			}
			for (c = 0; c < copies && err >= 0; c++)
				err = btf__add_btf(dst, src);
		} else {
			dst = src;
		}
		t2 = now_ms();
		types_in = own_types(dst);
		if (err >= 0)
			err = btf__dedup(dst, NULL);
		t3 = now_ms();
		if (err < 0) {
			rc = complain("merge/dedup: %s", errstr(err));
		} else if (!btf__raw_data(dst, &bytes_out)) {
			rc = complain("btf__raw_data: %s", errstr(errno));
		}
		t4 = now_ms();
		types_out = own_types(dst);
		ms[0][r] = t1 - t0;
		ms[1][r] = t2 - t1;
		ms[2][r] = t3 - t2;
		ms[3][r] = t4 - t3;
		if (dst != src)
			btf__free(dst);
		btf__free(src);
	}
	if (!rc) {
		getrusage(RUSAGE_SELF, &ru);
		printf("{\"parse_ms\":%.3f,\"merge_ms\":%.3f,\"dedup_ms\":%.3f,\"raw_ms\":%.3f,"
		       "\"types_in\":%u,\"types_out\":%u,\"bytes_out\":%u,\"maxrss_kb\":%ld}\n",
		       median(ms[0], repeats), median(ms[1], repeats), median(ms[2], repeats),
		       median(ms[3], repeats), types_in, types_out, bytes_out, ru.ru_maxrss);
	}
	for (p = 0; p < 4; p++)
		free(ms[p]);
	return rc;
}

/* ------------------------------------------------------- BPF objects */

static struct bpf_object *open_object(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	int err = libbpf_get_error(obj);

	if (err) {
		complain("bpf_object__open_file '%s': %s%s", path, errstr(err),
			 getenv("BTFH_VERBOSE") ? "" : " (BTFH_VERBOSE=1 shows libbpf's log)");
		return NULL;
	}
	return obj;
}

static void json_string(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static int cmd_maps(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_map *map;

	if (argc != 1)
		return -1;
	obj = open_object(argv[0]);
	if (!obj)
		return 1;
	bpf_object__for_each_map(map, obj) {
		const char *type = libbpf_bpf_map_type_str(bpf_map__type(map));
		struct bpf_map *inner = bpf_map__inner_map(map);
		size_t init_size = 0;

		fputs("{\"name\":", stdout);
		json_string(bpf_map__name(map));
		fputs(",\"type\":", stdout);
		if (type)
			json_string(type);
		else
			printf("%d", (int)bpf_map__type(map));
		printf(",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"map_flags\":%u"
		       ",\"numa_node\":%u,\"map_extra\":%llu,\"internal\":%s"
		       ",\"btf_key_type_id\":%u,\"btf_value_type_id\":%u,\"pin_path\":",
		       bpf_map__key_size(map), bpf_map__value_size(map),
		       bpf_map__max_entries(map), bpf_map__map_flags(map),
		       bpf_map__numa_node(map), (unsigned long long)bpf_map__map_extra(map),
		       bpf_map__is_internal(map) ? "true" : "false",
		       bpf_map__btf_key_type_id(map), bpf_map__btf_value_type_id(map));
		json_string(bpf_map__pin_path(map));
		fputs(",\"initial_value_size\":", stdout);
		if (bpf_map__initial_value(map, &init_size))
			printf("%zu", init_size);
		else
			fputs("null", stdout);
		fputs(",\"inner_map\":", stdout);
		json_string(inner ? bpf_map__name(inner) : NULL);
		fputs("}\n", stdout);
	}
	bpf_object__close(obj);
	return fflush(stdout) ? complain("cannot write stdout: %s", strerror(errno)) : 0;
}

static int cmd_vars(int argc, char **argv)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, opts, .compact = true, .emit_zeroes = true);
	struct bpf_object *obj;
	struct btf_dump *d;
	struct bpf_map *map;
	struct btf *btf;
	int rc = 0;

	if (argc != 1)
		return -1;
	obj = open_object(argv[0]);
	if (!obj)
		return 1;
	btf = bpf_object__btf(obj);
	if (!btf) {
		bpf_object__close(obj);
		return complain("'%s' has no BTF", argv[0]);
	}
	d = btf_dump__new(btf, dump_to_stdout, NULL, NULL);
	if (!d) {
		bpf_object__close(obj);
		return complain("btf_dump__new: %s", errstr(errno));
	}
	bpf_object__for_each_map(map, obj) {
		const struct btf_var_secinfo *vsi;
		const struct btf_type *sec;
		const char *init;
		size_t size = 0;
		__u32 sec_id;
		int i;

		if (!bpf_map__is_internal(map))
			continue;
		init = bpf_map__initial_value(map, &size);
		sec_id = bpf_map__btf_value_type_id(map);
		sec = sec_id ? btf__type_by_id(btf, sec_id) : NULL;
		if (!init || !sec || !btf_is_datasec(sec))
			continue;
		vsi = btf_var_secinfos(sec);
		for (i = 0; i < btf_vlen(sec); i++, vsi++) {
			const struct btf_type *var = btf__type_by_id(btf, vsi->type);
			const char *sec_name = btf__name_by_offset(btf, sec->name_off);
			const char *var_name = var ? btf__name_by_offset(btf, var->name_off) : "?";
			int err;

			printf("%s %s = ", sec_name, var_name);
			if (!var || !btf_is_var(var)) {
				err = -EINVAL;
			} else if ((size_t)vsi->offset + vsi->size > size) {
				err = -E2BIG;
			} else {
				err = btf_dump__dump_type_data(d, var->type, init + vsi->offset,
							       vsi->size, &opts);
				err = err < 0 ? err : 0;
			}
			putchar('\n');
			if (err) {
				fflush(stdout);
				rc = complain("%s %s: %s", sec_name, var_name, errstr(err));
			}
		}
	}
	btf_dump__free(d);
	bpf_object__close(obj);
	if (fflush(stdout))
		rc = complain("cannot write stdout: %s", strerror(errno));
	return rc;
}

static int slurp_file(const char *path, char **out, size_t *out_len);

/*
 * btf_dump__dump_type_data of each type ID over the bytes of DATA, with one
 * btf_dump (compact, zeroes shown unless --no-zeroes): per ID its text, LF,
 * and `err ERRNO` LF on failure
 */
static int cmd_typed_data(int argc, char **argv)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, opts, .compact = true, .emit_zeroes = true);
	unsigned long long id;
	struct btf_dump *d;
	struct btf *btf;
	size_t len = 0;
	char *data;
	int i, err;

	if (argc > 0 && !strcmp(argv[0], "--no-zeroes")) {
		opts.emit_zeroes = false;
		argc--;
		argv++;
	}
	if (argc < 3)
		return -1;
	for (i = 2; i < argc; i++)
		if (!parse_uint(argv[i], UINT32_MAX, &id))
			return -1;
	btf = load_btf(argv[0], NULL);
	if (!btf)
		return 1;
	if (slurp_file(argv[1], &data, &len)) {
		btf__free(btf);
		return 1;
	}
	d = btf_dump__new(btf, dump_to_stdout, NULL, NULL);
	if (!d) {
		free(data);
		btf__free(btf);
		return complain("btf_dump__new: %s", errstr(errno));
	}
	for (i = 2; i < argc; i++) {
		parse_uint(argv[i], UINT32_MAX, &id);
		err = btf_dump__dump_type_data(d, id, data, len, &opts);
		putchar('\n');
		if (err < 0)
			printf("err %d\n", err);
	}
	btf_dump__free(d);
	free(data);
	btf__free(btf);
	return fflush(stdout) ? complain("cannot write stdout: %s", strerror(errno)) : 0;
}

static int cmd_fixup(int argc, char **argv)
{
	struct bpf_object *obj;
	struct btf *btf;
	int rc;

	if (argc != 2)
		return -1;
	obj = open_object(argv[0]);
	if (!obj)
		return 1;
	btf = bpf_object__btf(obj);
	rc = btf ? write_btf(btf, argv[1]) : complain("'%s' has no BTF", argv[0]);
	bpf_object__close(obj);
	return rc;
}

static int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return -1;
	printf("libbpf %s\n", libbpf_version_string());
	return 0;
}


/* ------------------------------------------------- kernel BTF loading */

/*
 * The kernel's own BTF verifier as an oracle: BPF_BTF_LOAD of raw BTF bytes
 * with log_level 1 (the whole verifier log) into a large buffer. Newer
 * kernels keep the tail of a log that does not fit and then fail with
 * ENOSPC; we load again without a log to learn the real verdict. Only BTF is
 * loaded, never a program, and every fd is closed at once.
 */
#define KLOAD_LOG_SIZE (16u << 20)

/* Reads a whole binary file; 0 on success, 1 (after a message) on failure. */
static int slurp_file(const char *path, char **out, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return complain("cannot open '%s': %s", path, strerror(errno));
	do {
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap = cap * 2 + 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				return complain("out of memory");
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return complain("cannot read '%s'", path);
	}
	fclose(f);
	*out = buf;
	*out_len = len;
	return 0;
}

static char *kload_log;

/* Prints `ok` or `err ERRNO` (+ ` log-truncated`), `log N`, N bytes of log, LF. */
static void kload_one(const void *data, size_t size)
{
	LIBBPF_OPTS(bpf_btf_load_opts, opts);
	LIBBPF_OPTS(bpf_btf_load_opts, quiet);
	int fd, err, log_err = 0;
	size_t len;

	if (!kload_log) {
		kload_log = malloc(KLOAD_LOG_SIZE);
		if (!kload_log) {
			printf("err %d\nlog 0\n\n", ENOMEM);
			return;
		}
	}
	kload_log[0] = '\0';
	opts.log_buf = kload_log;
	opts.log_size = KLOAD_LOG_SIZE;
	opts.log_level = 1;
	fd = bpf_btf_load(data, size, &opts);
	err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	if (err == ENOSPC) {
		/* the log overflowed: the verdict comes from a load without log */
		log_err = err;
		fd = bpf_btf_load(data, size, &quiet);
		err = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
	}
	kload_log[KLOAD_LOG_SIZE - 1] = '\0';
	len = strlen(kload_log);
	if (err)
		printf("err %d%s\n", err, log_err ? " log-truncated" : "");
	else
		printf("ok%s\n", log_err ? " log-truncated" : "");
	printf("log %zu\n", len);
	fwrite(kload_log, 1, len, stdout);
	putchar('\n');
	fflush(stdout);
}

static int cmd_kload(int argc, char **argv)
{
	int i;

	if (argc < 1)
		return -1;
	for (i = 0; i < argc; i++) {
		char *buf;
		size_t len;

		if (slurp_file(argv[i], &buf, &len))
			return 1;
		kload_one(buf, len);
		free(buf);
	}
	return 0;
}

/* Frames on stdin: a little-endian u32 length, then that many bytes. */
static int cmd_kload_stream(int argc, char **argv)
{
	unsigned char hdr[4];

	(void)argv;
	if (argc != 0)
		return -1;
	while (fread(hdr, 1, 4, stdin) == 4) {
		size_t len = hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (size_t)hdr[3] << 24;
		char *buf = malloc(len ? len : 1);

		if (!buf)
			return complain("out of memory");
		if (fread(buf, 1, len, stdin) != len) {
			free(buf);
			return complain("short frame on stdin");
		}
		kload_one(buf, len);
		free(buf);
	}
	return 0;
}

/*
 * Level 1's oracle: btf__new (libbpf 1.1.2's btf_new: header, string
 * section, record sizes) over frames on stdin as kload-stream reads them,
 * optionally split over BASE (btf__new_split). Prints, per frame, `ok N`
 * (N = btf__type_cnt) or `err ERRNO`.
 */
/*
 * libbpf 1.1.2 exports no btf__new_split: split BTF from bytes goes through
 * btf__parse_raw_split (fopen, magic check, then the same btf_new) on an
 * anonymous file.
 */
static struct btf *parse_split_bytes(const void *data, size_t len, struct btf *base)
{
	char path[64];
	struct btf *btf;
	int fd = memfd_create("btfh-split", 0);

	if (fd < 0)
		return NULL;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		errno = EIO;
		return NULL;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	btf = btf__parse_raw_split(path, base);
	close(fd);
	return btf;
}

static int cmd_parse_stream(int argc, char **argv)
{
	struct btf *base = NULL;
	unsigned char hdr[4];

	if (argc > 1)
		return -1;
	if (argc == 1) {
		base = btf__parse(argv[0], NULL);
		if (!base)
			return complain("cannot parse base '%s': %s", argv[0], strerror(errno));
	}
	while (fread(hdr, 1, 4, stdin) == 4) {
		size_t len = hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (size_t)hdr[3] << 24;
		char *buf = malloc(len ? len : 1);
		struct btf *btf;

		if (!buf) {
			btf__free(base);
			return complain("out of memory");
		}
		if (fread(buf, 1, len, stdin) != len) {
			free(buf);
			btf__free(base);
			return complain("short frame on stdin");
		}
		btf = base ? parse_split_bytes(buf, len, base) : btf__new(buf, len);
		if (btf)
			printf("ok %u\n", btf__type_cnt(btf));
		else
			printf("err %d\n", errno);
		btf__free(btf);
		free(buf);
	}
	fflush(stdout);
	btf__free(base);
	return 0;
}

/* Median wall time of REPEATS loads without a log (CLOCK_MONOTONIC, ms). */
static int cmd_kload_time(int argc, char **argv)
{
	double *ms;
	char *buf;
	size_t len;
	int i, n;

	if (argc != 2)
		return -1;
	n = atoi(argv[1]);
	if (n < 1)
		return -1;
	if (slurp_file(argv[0], &buf, &len))
		return 1;
	ms = calloc(n, sizeof(*ms));
	if (!ms) {
		free(buf);
		return complain("out of memory");
	}
	for (i = 0; i < n; i++) {
		struct timespec a, b;
		int fd;

		clock_gettime(CLOCK_MONOTONIC, &a);
		fd = bpf_btf_load(buf, len, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (fd < 0) {
			free(ms);
			free(buf);
			return complain("BPF_BTF_LOAD: %s", strerror(errno));
		}
		close(fd);
		ms[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	}
	qsort(ms, n, sizeof(*ms), cmp_double);
	printf("{\"median_ms\":%.3f,\"min_ms\":%.3f,\"repeats\":%d}\n", ms[n / 2], ms[0], n);
	free(ms);
	free(buf);
	return 0;
}

/* --------------------------------------------------------------- core */

/*
 * libbpf's CO-RE engine. These functions are internal to libbpf (hidden by
 * libbpf.so's version script) but exported by the static libbpf.a, which is
 * why btfh links it. Prototypes and structs as in libbpf v1.1.2's
 * src/relo_core.h (struct bpf_core_relo and struct bpf_insn are UAPI).
 */
#define CORE_SPEC_MAX_LEN 64

struct core_cand {
	const struct btf *btf;
	__u32 id;
};

struct core_cand_list {
	struct core_cand *cands;
	int len;
};

struct core_accessor {
	__u32 type_id;
	__u32 idx;
	const char *name;
};

struct core_spec {
	const struct btf *btf;
	struct core_accessor spec[CORE_SPEC_MAX_LEN];
	__u32 root_type_id;
	enum bpf_core_relo_kind relo_kind;
	int len;
	int raw_spec[CORE_SPEC_MAX_LEN];
	int raw_len;
	__u32 bit_offset;
};

struct core_relo_res {
	__u64 orig_val;
	__u64 new_val;
	bool poison;
	bool validate;
	bool fail_memsz_adjust;
	__u32 orig_sz;
	__u32 orig_type_id;
	__u32 new_sz;
	__u32 new_type_id;
};

size_t bpf_core_essential_name_len(const char *name);
int bpf_core_add_cands(struct core_cand *local_cand, size_t local_essent_len,
		       const struct btf *targ_btf, const char *targ_btf_name,
		       int targ_start_id, struct core_cand_list *cands);
int bpf_core_parse_spec(const char *prog_name, const struct btf *btf,
			const struct bpf_core_relo *relo, struct core_spec *spec);
int bpf_core_format_spec(char *buf, size_t buf_sz, const struct core_spec *spec);
int bpf_core_calc_relo_insn(const char *prog_name, const struct bpf_core_relo *relo,
			    int relo_idx, const struct btf *local_btf,
			    struct core_cand_list *cands, struct core_spec *specs_scratch,
			    struct core_relo_res *targ_res);
int bpf_core_patch_insn(const char *prog_name, struct bpf_insn *insn, int insn_idx,
			const struct bpf_core_relo *relo, int relo_idx,
			const struct core_relo_res *res);
const void *btf_ext__get_raw_data(const struct btf_ext *btf_ext, __u32 *size);

static char *core_log;
static size_t core_log_len;

static int core_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[4096];
	int n;

	(void)level;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	core_log = realloc(core_log, core_log_len + n + 1);
	if (!core_log)
		exit(1);
	memcpy(core_log + core_log_len, buf, n + 1);
	core_log_len += n;
	return n;
}

static void core_flush_log(bool show)
{
	char *p = core_log, *nl;

	if (show && p) {
		while (*p) {
			nl = strchr(p, '\n');
			if (!nl) {
				printf("log: %s\n", p);
				break;
			}
			printf("log: %.*s\n", (int)(nl - p), p);
			p = nl + 1;
		}
	}
	free(core_log);
	core_log = NULL;
	core_log_len = 0;
}

/* the bytes of ELF section NAME of OBJ (malloc'ed), or NULL */
static unsigned char *core_section(Elf *elf, const char *name, size_t *len)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *n;
		unsigned char *copy;

		if (!gelf_getshdr(scn, &sh))
			return NULL;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!n || strcmp(n, name))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		copy = malloc(d->d_size ? d->d_size : 1);
		if (!copy)
			return NULL;
		memcpy(copy, d->d_buf, d->d_size);
		*len = d->d_size;
		return copy;
	}
	return NULL;
}

/*
 * The program an instruction of section NAME belongs to, as libbpf's
 * bpf_object__add_programs cuts a section (every STT_FUNC symbol of it is a
 * program) and find_prog_by_sec_insn finds it: its name into *prog (static
 * storage; the section's name when no symbol covers the instruction) and
 * its first instruction into *start, so that log lines read as libbpf's.
 */
static void core_prog(Elf *elf, const char *name, __u32 insn_idx, const char **prog, __u32 *start)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx, sec_idx = 0;

	*prog = name;
	*start = 0;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			return;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name) && !sec_idx)
			sec_idx = elf_ndxscn(scn);
	}
	scn = NULL;
	while (sec_idx && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, cnt;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			return;
		cnt = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < cnt; i++) {
			GElf_Sym sym;

			if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx != sec_idx ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC)
				continue;
			if (insn_idx >= sym.st_value / 8 && insn_idx < (sym.st_value + sym.st_size) / 8) {
				*prog = elf_strptr(elf, sh.sh_link, sym.st_name);
				*start = (__u32)(sym.st_value / 8);
				if (!*prog)
					*prog = name;
				return;
			}
		}
	}
}

static void core_hex(const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i && i % 8 == 0)
			putchar(' ');
		printf("%02x", b[i]);
	}
}

/*
 * core [--log] OBJ TARGET [BASE]: every CO-RE record of OBJ's .BTF.ext,
 * in file order, through libbpf's candidate search (vmlinux = TARGET, or
 * BASE then TARGET as split BTF, as bpf_core_find_cands searches vmlinux
 * and then the modules), bpf_core_calc_relo_insn with one candidate cache
 * per local type id for the whole object, and bpf_core_patch_insn on a
 * copy of the instruction. One line per relocation, then `patch:`, then
 * (--log) libbpf's messages as `log: ` lines.
 */
static int cmd_core(int argc, char **argv)
{
	bool show_log = false;
	struct btf *btf = NULL, *targ = NULL, *base = NULL;
	struct btf_ext *ext = NULL;
	struct core_cand_list **cache = NULL;
	const unsigned char *raw;
	__u32 raw_len, hdr_len, off, len, rec_size, pos, end;
	const char *targ_name;
	Elf *elf = NULL;
	int fd = -1, rc = 1, n_types;

	if (argc > 0 && !strcmp(argv[0], "--log")) {
		show_log = true;
		argc--;
		argv++;
	}
	if (argc < 2 || argc > 3)
		return -1;
	targ_name = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
	btf = btf__parse_elf(argv[0], &ext);
	if (!btf || !ext) {
		complain("%s: cannot read .BTF/.BTF.ext", argv[0]);
		goto out;
	}
	if (argc == 3) {
		base = btf__parse(argv[2], NULL);
		if (!base) {
			complain("%s: %s", argv[2], errstr(-errno));
			goto out;
		}
		targ = btf__parse_split(argv[1], base);
	} else {
		targ = btf__parse(argv[1], NULL);
	}
	if (!targ) {
		complain("%s: %s", argv[1], errstr(-errno));
		goto out;
	}
	elf_version(EV_CURRENT);
	fd = open(argv[0], O_RDONLY);
	elf = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	if (!elf) {
		complain("%s: not an ELF file", argv[0]);
		goto out;
	}
	n_types = btf__type_cnt(btf);
	cache = calloc(n_types, sizeof(*cache));
	raw = btf_ext__get_raw_data(ext, &raw_len);
	memcpy(&hdr_len, raw + 4, 4);
	rc = 0;
	if (hdr_len < 32)
		goto out;
	memcpy(&off, raw + 24, 4);
	memcpy(&len, raw + 28, 4);
	if (!len)
		goto out;
	pos = hdr_len + off;
	end = pos + len;
	memcpy(&rec_size, raw + pos, 4);
	pos += 4;
	while (pos + 8 <= end) {
		__u32 sec_off, num, i;
		const char *sec;
		unsigned char *code;
		size_t code_len = 0;

		memcpy(&sec_off, raw + pos, 4);
		memcpy(&num, raw + pos + 4, 4);
		pos += 8;
		sec = btf__name_by_offset(btf, sec_off);
		code = core_section(elf, sec, &code_len);
		for (i = 0; i < num; i++, pos += rec_size) {
			struct bpf_core_relo relo;
			struct core_spec specs[3], parsed;
			struct core_relo_res res;
			struct core_cand_list *cands = NULL;
			char buf[1024];
			const char *access, *prog = sec;
			__u32 prog_start = 0;
			int err = 0;

			memcpy(&relo, raw + pos, sizeof(relo));
			core_prog(elf, sec, relo.insn_off / 8, &prog, &prog_start);
			access = btf__name_by_offset(btf, relo.access_str_off);
			printf("%s #%u insn_off=%u kind=%u local=[%u] access=%s -> ", sec, i, relo.insn_off,
			       relo.kind, relo.type_id, access ? access : "<?>");
			if (relo.type_id == 0 || (int)relo.type_id >= n_types || !code ||
			    relo.insn_off % 8 || relo.insn_off + 8 > code_len) {
				printf("error=-22\npatch: none\n");
				continue;
			}
			libbpf_set_print(core_print);
			if (relo.kind != BPF_CORE_TYPE_ID_LOCAL && !cache[relo.type_id]) {
				const struct btf_type *t = btf__type_by_id(btf, relo.type_id);
				const char *name = btf__name_by_offset(btf, t->name_off);
				struct core_cand local = { .btf = btf, .id = relo.type_id };
				size_t ess;

				if (!name || !*name) {
					err = -EINVAL;
					goto done;
				}
				ess = bpf_core_essential_name_len(name);
				cands = calloc(1, sizeof(*cands));
				if (base) {
					err = bpf_core_add_cands(&local, ess, base, "vmlinux", 1, cands);
					if (!err && !cands->len)
						err = bpf_core_add_cands(&local, ess, targ, targ_name,
									 btf__type_cnt(base), cands);
				} else {
					err = bpf_core_add_cands(&local, ess, targ, "vmlinux", 1, cands);
				}
				cache[relo.type_id] = cands;
				if (err)
					goto done;
			}
			cands = cache[relo.type_id];
			memset(specs, 0, sizeof(specs));
			memset(&res, 0, sizeof(res));
			err = bpf_core_calc_relo_insn(prog, &relo, i, btf, cands, specs, &res);
done:
			libbpf_set_print(NULL);
			if (err) {
				printf("error=%d", err);
			} else {
				printf("%s orig=%llu new=%llu orig_sz=%u new_sz=%u orig_type=%u new_type=%u validate=%d memsz_adj_fail=%d",
				       res.poison ? "poison" : "ok", (unsigned long long)res.orig_val,
				       (unsigned long long)res.new_val, res.orig_sz, res.new_sz, res.orig_type_id,
				       res.new_type_id, res.validate, res.fail_memsz_adjust);
			}
			memset(&parsed, 0, sizeof(parsed));
			if ((relo.kind == BPF_CORE_TYPE_ID_LOCAL || cache[relo.type_id]) &&
			    bpf_core_parse_spec(prog, btf, &relo, &parsed) == 0) {
				bpf_core_format_spec(buf, sizeof(buf), &parsed);
				printf(" spec_local=%s", buf);
			}
			if (!err && specs[2].btf) {
				bpf_core_format_spec(buf, sizeof(buf), &specs[2]);
				printf(" spec_target=%s", buf);
			}
			putchar('\n');
			if (err) {
				printf("patch: none\n");
			} else {
				size_t n = code[relo.insn_off] == 0x18 && relo.insn_off + 16 <= code_len ? 16 : 8;
				unsigned char insn[16];
				int perr;

				memcpy(insn, code + relo.insn_off, n);
				printf("patch: insn #%u: ", relo.insn_off / 8);
				core_hex(insn, n);
				libbpf_set_print(core_print);
				perr = bpf_core_patch_insn(prog, (struct bpf_insn *)insn, relo.insn_off / 8 - prog_start,
							   &relo, i, &res);
				libbpf_set_print(NULL);
				printf(" -> ");
				core_hex(insn, n);
				if (perr)
					printf(" error=%d", perr);
				putchar('\n');
			}
			core_flush_log(show_log);
		}
		free(code);
	}
out:
	if (cache) {
		int k;

		for (k = 0; k < n_types; k++) {
			if (cache[k]) {
				free(cache[k]->cands);
				free(cache[k]);
			}
		}
		free(cache);
	}
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	btf_ext__free(ext);
	btf__free(btf);
	btf__free(targ);
	btf__free(base);
	return rc;
}

/* ------------------------------------------------------------- main */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
} commands[] = {
	{ "script", cmd_script, "SCRIPT OUT" },
	{ "dedup", cmd_dedup, "IN OUT" },
	{ "dedup-ext", cmd_dedup_ext, "OBJ OUT_BTF OUT_EXT" },
	{ "merge", cmd_merge, "[--no-dedup] OUT IN..." },
	{ "dedup-split", cmd_dedup_split, "BASE IN OUT" },
	{ "swap", cmd_swap, "IN OUT" },
	{ "maps", cmd_maps, "OBJ" },
	{ "vars", cmd_vars, "OBJ" },
	{ "typed-data", cmd_typed_data, "[--no-zeroes] IN DATA ID..." },
	{ "fixup", cmd_fixup, "OBJ OUT" },
	{ "dump-c", cmd_dump_c, "IN [BASE]" },
	{ "bench-dedup", cmd_bench_dedup, "IN COPIES REPEATS" },
	{ "version", cmd_version, "" },
	{ "kload", cmd_kload, "RAW_BTF..." },
	{ "kload-stream", cmd_kload_stream, "" },
	{ "kload-time", cmd_kload_time, "RAW_BTF REPEATS" },
	{ "core", cmd_core, "[--log] OBJ TARGET [BASE]" },
	{ "parse-stream", cmd_parse_stream, "[BASE]" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int usage(FILE *f)
{
	size_t i;

	fputs("usage: btfh COMMAND ARGS (OUT may be '-' for stdout)\n", f);
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  btfh %s %s\n", commands[i].name, commands[i].args);
	return 2;
}

int main(int argc, char **argv)
{
	const char *v = getenv("BTFH_VERBOSE");
	size_t i;

	libbpf_set_print(v && !strcmp(v, "1") ? log_libbpf : NULL);
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NR_COMMANDS; i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			int rc = commands[i].fn(argc - 2, argv + 2);

			if (rc < 0) {
				fprintf(stderr, "usage: btfh %s %s\n", commands[i].name,
					commands[i].args);
				return 2;
			}
			return rc;
		}
	}
	complain("unknown command '%s'", argv[1]);
	return usage(stderr);
}
