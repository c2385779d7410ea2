/* The --output-filter parser (recursive descent) and matcher; the language is in filter.h. */
#include "output/filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/target.h"
#include "target/target6.h"

struct parser {
	const char *text;
	const char *p;
	struct output_filter *f;
	char *err;
	size_t errlen;
	int failed;
};

static void skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static int fail(struct parser *ps, const char *why)
{
	/* The reason first: the expression may be long, and the rest shows where. */
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "%s at '%.40s%s'", why, *ps->p ? ps->p : "the end",
			 strlen(ps->p) > 40 ? "..." : "");
	ps->failed = 1;
	return -1;
}

static int new_node(struct parser *ps, enum filter_node_kind kind)
{
	if (ps->f->count == FILTER_MAX_NODES)
		return fail(ps, "too long an expression");
	memset(&ps->f->nodes[ps->f->count], 0, sizeof(ps->f->nodes[0]));
	ps->f->nodes[ps->f->count].kind = kind;
	return (int)ps->f->count++;
}

static int parse_or(struct parser *ps);

static int field_kind_is_address(enum output_field id)
{
	return id == OUTPUT_FIELD_SADDR || id == OUTPUT_FIELD_DADDR;
}

/* The operator: =, ==, !=, <, <=, > or >=; 0 or -1 (the parser's error set). */
static int parse_operator(struct parser *ps, struct filter_node *node)
{
	static const struct {
		const char *text;
		int op;
	} ops[] = { { "==", FILTER_EQ }, { "!=", FILTER_NE }, { "<=", FILTER_LE },
		    { ">=", FILTER_GE }, { "=", FILTER_EQ },  { "<", FILTER_LT },
		    { ">", FILTER_GT } }; /* two-character operators first */

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = strlen(ops[i].text);

		if (strncmp(ps->p, ops[i].text, len) == 0) {
			node->op = ops[i].op;
			ps->p += len;
			return 0;
		}
	}
	return fail(ps, "expected =, !=, <, <=, > or >=");
}

/* A "quoted string" or a bare word (number, address, name) into value; its length or -1. */
static int parse_value(struct parser *ps, char value[FILTER_MAX_STRING])
{
	size_t n = 0;

	if (*ps->p == '"') {
		ps->p++;
		while (*ps->p && *ps->p != '"') {
			if (n + 1 >= FILTER_MAX_STRING)
				return fail(ps, "a string is too long");
			value[n++] = *ps->p++;
		}
		if (*ps->p != '"')
			return fail(ps, "a string is not closed");
		ps->p++;
	} else {
		while ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' || *ps->p == ':' ||
		       (*ps->p >= 'a' && *ps->p <= 'z') || (*ps->p >= 'A' && *ps->p <= 'F') ||
		       *ps->p == '-' || *ps->p == '_') {
			if (n + 1 >= FILTER_MAX_STRING)
				return fail(ps, "a value is too long");
			value[n++] = *ps->p++;
		}
	}
	value[n] = '\0';
	return n ? (int)n : fail(ps, "expected a value");
}

/* The value as the field's kind takes it: a string, an address or a number. */
static int set_value(struct parser *ps, struct filter_node *node, const char *value, size_t n)
{
	char *end;
	uint32_t a;

	if (field_kind_is_address(node->field)) {
		struct target6_addr a6;

		if (strchr(value, ':')) {
			if (target6_parse_addr(value, &a6))
				return fail(ps, "expected an IPv4 or IPv6 address");
			target6_to_bytes(a6, node->addr6);
			node->family = 6;
			return 0;
		}
		if (target_parse_ipv4(value, &a))
			return fail(ps, "expected an IPv4 or IPv6 address");
		node->number = a;
		node->family = 4;
		return 0;
	}
	if (output_field_type(node->field) == OUTPUT_TYPE_STRING) {
		if (node->op != FILTER_EQ && node->op != FILTER_NE)
			return fail(ps, "strings compare only with = and !=");
		memcpy(node->string, value, n + 1);
		return 0;
	}
	errno = 0;
	node->number = strtoull(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end || errno)
		return fail(ps, "expected a number");
	return 0;
}

/* field op value; the node's index or -1. */
static int parse_comparison(struct parser *ps)
{
	char name[32], value[FILTER_MAX_STRING], ferr[160];
	struct output_fields one;
	struct filter_node *node;
	size_t n = 0;
	int idx, len;

	while ((*ps->p >= 'a' && *ps->p <= 'z') || *ps->p == '_') {
		if (n + 1 >= sizeof(name))
			return fail(ps, "a field name is too long");
		name[n++] = *ps->p++;
	}
	name[n] = '\0';
	if (n == 0)
		return fail(ps, "expected a field name");
	if (output_fields_parse(name, NULL, &one, ferr, sizeof(ferr)))
		return fail(ps, "unknown field");
	/* Replies are filtered before they are stamped. */
	if (one.id[0] == OUTPUT_FIELD_TIMESTAMP || one.id[0] == OUTPUT_FIELD_TIMESTAMP_STR ||
	    one.id[0] == OUTPUT_FIELD_TIMESTAMP_TS || one.id[0] == OUTPUT_FIELD_TIMESTAMP_US)
		return fail(ps, "timestamp cannot be filtered on");
	if ((idx = new_node(ps, FILTER_CMP)) < 0)
		return -1;
	node = &ps->f->nodes[idx];
	node->field = (enum output_field)one.id[0];
	skip_space(ps);
	if (parse_operator(ps, node))
		return -1;
	skip_space(ps);
	if ((len = parse_value(ps, value)) < 0 || set_value(ps, node, value, (size_t)len))
		return -1;
	return idx;
}

static int parse_unary(struct parser *ps)
{
	int idx, inner;

	skip_space(ps);
	if (*ps->p == '!' && ps->p[1] != '=') {
		ps->p++;
		if ((inner = parse_unary(ps)) < 0 || (idx = new_node(ps, FILTER_NOT)) < 0)
			return -1;
		ps->f->nodes[idx].left = (uint8_t)inner;
		return idx;
	}
	if (*ps->p == '(') {
		ps->p++;
		if ((inner = parse_or(ps)) < 0)
			return -1;
		skip_space(ps);
		if (*ps->p != ')')
			return fail(ps, "expected ')'");
		ps->p++;
		return inner;
	}
	return parse_comparison(ps);
}

static int parse_binary(struct parser *ps, const char *token, enum filter_node_kind kind,
			int (*operand)(struct parser *))
{
	int left = operand(ps);

	while (left >= 0) {
		int right, idx;

		skip_space(ps);
		if (strncmp(ps->p, token, 2) != 0)
			break;
		ps->p += 2;
		if ((right = operand(ps)) < 0 || (idx = new_node(ps, kind)) < 0)
			return -1;
		ps->f->nodes[idx].left = (uint8_t)left;
		ps->f->nodes[idx].right = (uint8_t)right;
		left = idx;
	}
	return left;
}

static int parse_and(struct parser *ps)
{
	return parse_binary(ps, "&&", FILTER_AND, parse_unary);
}

static int parse_or(struct parser *ps)
{
	return parse_binary(ps, "||", FILTER_OR, parse_and);
}

int output_filter_parse(const char *text, struct output_filter *f, char *err, size_t errlen)
{
	struct parser ps = { .text = text, .p = text, .f = f, .err = err, .errlen = errlen };
	int root;

	f->count = 0;
	root = parse_or(&ps);
	skip_space(&ps);
	if (root >= 0 && *ps.p)
		root = fail(&ps, "unexpected text");
	if (root < 0)
		return -EINVAL;
	f->root = (unsigned)root;
	return 0;
}

static uint64_t number_of(enum output_field id, const struct probe_result *r)
{
	switch (id) {
	case OUTPUT_FIELD_SADDR:
		return r->saddr;
	case OUTPUT_FIELD_DADDR:
		return r->daddr;
	case OUTPUT_FIELD_SPORT:
		return r->sport;
	case OUTPUT_FIELD_DPORT:
		return r->dport;
	case OUTPUT_FIELD_SUCCESS:
		return r->success;
	case OUTPUT_FIELD_TTL:
		return r->ttl;
	case OUTPUT_FIELD_IPID:
		return r->ipid;
	case OUTPUT_FIELD_WINDOW:
		return r->window;
	case OUTPUT_FIELD_REPEAT:
		return r->repeat;
	case OUTPUT_FIELD_SADDR_RAW:
		return __builtin_bswap32(r->saddr);
	case OUTPUT_FIELD_DADDR_RAW:
		return __builtin_bswap32(r->daddr);
	case OUTPUT_FIELD_COOLDOWN:
		return r->cooldown;
	default:
		return 0;
	}
}

/* -1, 0 or 1: how a reply's address compares with an IPv6 one (the bytes in order). */
static int compare_addr6(const struct filter_node *n, const struct probe_result *r)
{
	int c = memcmp(n->field == OUTPUT_FIELD_SADDR ? r->saddr6 : r->daddr6, n->addr6, 16);

	return (c > 0) - (c < 0);
}

static int match_op(enum filter_op op, int cmp)
{
	switch (op) {
	case FILTER_EQ:
		return cmp == 0;
	case FILTER_NE:
		return cmp != 0;
	case FILTER_LT:
		return cmp < 0;
	case FILTER_LE:
		return cmp <= 0;
	case FILTER_GT:
		return cmp > 0;
	case FILTER_GE:
		return cmp >= 0;
	}
	return 0;
}

static int match_node(const struct output_filter *f, unsigned i, const struct probe_result *r)
{
	const struct filter_node *n = &f->nodes[i];

	switch (n->kind) {
	case FILTER_AND:
		return match_node(f, n->left, r) && match_node(f, n->right, r);
	case FILTER_OR:
		return match_node(f, n->left, r) || match_node(f, n->right, r);
	case FILTER_NOT:
		return !match_node(f, n->left, r);
	case FILTER_CMP:
		break;
	}
	if (n->field == OUTPUT_FIELD_CLASSIFICATION || n->field == OUTPUT_FIELD_PROBE) {
		const char *v = n->field == OUTPUT_FIELD_PROBE ? r->probe : r->classification;
		int eq = strcmp(v ? v : "", n->string) == 0;

		return n->op == FILTER_EQ ? eq : !eq;
	}
	/* An address of the other family is unequal to the value, and neither below nor above. */
	if (field_kind_is_address(n->field) && n->family != (r->family == 6 ? 6 : 4))
		return n->op == FILTER_NE;
	if (field_kind_is_address(n->field) && n->family == 6)
		return match_op(n->op, compare_addr6(n, r));
	uint64_t v = number_of(n->field, r);

	return match_op(n->op, (v > n->number) - (v < n->number));
}

int output_filter_match(const struct output_filter *f, const struct probe_result *r)
{
	return match_node(f, f->root, r);
}
