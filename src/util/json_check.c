/* A JSON syntax check by recursive descent over RFC 8259's grammar; see json_check.h. */
#include "util/json_check.h"

#include <string.h>

struct json_cursor {
	const char *p;
	unsigned depth;
};

static int check_value(struct json_cursor *c);

static void skip_space(struct json_cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
		c->p++;
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_hex(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static int check_string(struct json_cursor *c)
{
	c->p++; /* the opening quote */
	for (;;) {
		unsigned char ch = (unsigned char)*c->p;

		if (ch == '"') {
			c->p++;
			return 0;
		}
		if (ch < 0x20) /* the end of the text, or a control byte */
			return -1;
		c->p++;
		if (ch != '\\')
			continue;
		if (*c->p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!is_hex(c->p[i]))
					return -1;
			c->p += 5;
		} else if (*c->p && strchr("\"\\/bfnrt", *c->p)) {
			c->p++;
		} else {
			return -1;
		}
	}
}

static int check_number(struct json_cursor *c)
{
	if (*c->p == '-')
		c->p++;
	if (*c->p == '0')
		c->p++;
	else if (is_digit(*c->p))
		while (is_digit(*c->p))
			c->p++;
	else
		return -1;
	if (*c->p == '.') {
		if (!is_digit(*++c->p))
			return -1;
		while (is_digit(*c->p))
			c->p++;
	}
	if (*c->p == 'e' || *c->p == 'E') {
		c->p++;
		if (*c->p == '+' || *c->p == '-')
			c->p++;
		if (!is_digit(*c->p))
			return -1;
		while (is_digit(*c->p))
			c->p++;
	}
	return 0;
}

/* An object or an array: open is at c->p; members are "key": value for an object. */
static int check_container(struct json_cursor *c, char close, int object)
{
	if (++c->depth > JSON_CHECK_DEPTH_MAX)
		return -1;
	c->p++;
	skip_space(c);
	if (*c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	for (;;) {
		if (object) {
			if (*c->p != '"' || check_string(c))
				return -1;
			skip_space(c);
			if (*c->p++ != ':')
				return -1;
		}
		if (check_value(c))
			return -1;
		if (*c->p == close) {
			c->p++;
			c->depth--;
			return 0;
		}
		if (*c->p++ != ',')
			return -1;
		skip_space(c);
	}
}

static int check_word(struct json_cursor *c, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(c->p, word, n))
		return -1;
	c->p += n;
	return 0;
}

/* A value with the white space around it. */
static int check_value(struct json_cursor *c)
{
	int ret;

	skip_space(c);
	switch (*c->p) {
	case '{':
		ret = check_container(c, '}', 1);
		break;
	case '[':
		ret = check_container(c, ']', 0);
		break;
	case '"':
		ret = check_string(c);
		break;
	case 't':
		ret = check_word(c, "true");
		break;
	case 'f':
		ret = check_word(c, "false");
		break;
	case 'n':
		ret = check_word(c, "null");
		break;
	default:
		ret = check_number(c);
		break;
	}
	skip_space(c);
	return ret;
}

int json_check(const char *text, size_t *where)
{
	struct json_cursor c = { .p = text, .depth = 0 };

	if (check_value(&c) == 0 && *c.p == '\0')
		return 0;
	*where = (size_t)(c.p - text);
	return -1;
}
