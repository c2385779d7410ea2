/*
 * -C/--config FILE: ZMap-style "key value" lines, the key a long option name, read before
 * the command line and turned into arguments placed before it, so that the command line
 * overrides the file.  Errors name the file and the line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/parse.h"

/* A config file may be this large: far more than any real one, small enough to read whole. */
#define CLI_CONFIG_MAX (1 << 20)

/* The -C/--config value on the command line (before any "--"), or NULL. */
char *cli_config_find(int argc, char **argv)
{
	char *found = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "-C") == 0 || strcmp(argv[i], "--config") == 0) &&
		    i + 1 < argc)
			found = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			found = argv[i] + 9;
		else if (strncmp(argv[i], "-C", 2) == 0)
			found = argv[i] + 2;
	}
	return found;
}

/* The whole file into a new NUL-terminated buffer (*text, length *len); 0 or -errno + err. */
static int config_read(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	struct stat st = { 0 };
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "--config: %s: %s", path, strerror(errno));
		return -EINVAL;
	}
	/* A directory reads as an error; /dev/null as an empty file; /dev/zero is cut at 1 MiB. */
	if (fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--config: %s: expected a file of key value lines%s", path,
			 S_ISDIR(st.st_mode) ? " (this is a directory)" : "");
		fclose(f);
		return -EINVAL;
	}
	if (!(*text = malloc(CLI_CONFIG_MAX + 1))) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*len = fread(*text, 1, CLI_CONFIG_MAX + 1, f);
	if (ferror(f) || *len > CLI_CONFIG_MAX || memchr(*text, '\0', *len)) {
		snprintf(err, errlen, "--config: %s: %s", path,
			 ferror(f) ? strerror(errno)
			 : *len > CLI_CONFIG_MAX
				 ? "expected a file of key value lines of at most 1 MiB"
				 : "expected text, found a NUL byte");
		free(*text);
		*text = NULL;
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	(*text)[*len] = '\0';
	return 0;
}

/*
 * One line, cut in place: *key and *value (trailing blanks and a CRLF's CR dropped); 0 for
 * a blank or comment line, 1 for an option line.
 */
static int config_split(char *line, char **key, char **value)
{
	char *end;

	*key = line + strspn(line, " \t\r");
	if (**key == '\0' || **key == '#')
		return 0;
	end = *key + strcspn(*key, " \t\r");
	*value = end + strspn(end, " \t");
	*end = '\0';
	for (char *t = *value + strlen(*value); t > *value && strchr(" \t\r", t[-1]);)
		*--t = '\0';
	return 1;
}

int cli_config_load(const char *path, int argc, char **argv, struct cli_config *cfg,
		    struct cli_origin *origin, int *new_argc, char *err, size_t errlen)
{
	size_t len, lines = 1, out = 0;
	char *text, *arena, *p, *eol, **args, *key, *value;
	unsigned *line_of, lineno = 0;
	int n = 1, ret;

	if ((ret = config_read(path, &text, &len, err, errlen)))
		return ret;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	/* Each line becomes at most one argument of its length plus "--" and a NUL. */
	cfg->config_text = text;
	cfg->config_arena = arena = malloc(len + 3 * lines + 1);
	cfg->config_argv = args = calloc((size_t)argc + lines + 1, sizeof(*args));
	cfg->config_lines = line_of = calloc((size_t)argc + lines + 1, sizeof(*line_of));
	if (!arena || !args || !line_of) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	args[0] = argv[0];
	for (p = text; p; p = eol ? eol + 1 : NULL) {
		const struct cli_option *o;

		if ((eol = strchr(p, '\n')))
			*eol = '\0';
		lineno++;
		if (!config_split(p, &key, &value))
			continue;
		/* Keys are whole option names: no abbreviations, and a value where one is due. */
		o = cli_option_find(key);
		if (!o || (o->arg && !*value) || (!o->arg && *value)) {
			snprintf(err, errlen, "--config %s line %u: '%s%s%s': %s", path, lineno,
				 key, *value ? " " : "", value,
				 !o ? "unknown option (keys are long option names, e.g. rate 10000)"
				 : *value ? "this option takes no value"
					  : "needs a value (key value)");
			return -EINVAL;
		}
		line_of[n] = lineno;
		args[n++] = arena + out;
		out += (size_t)snprintf(arena + out, len + 3 * lines + 1 - out, "--%s%s%s", key,
					*value ? "=" : "", value) +
		       1;
	}
	origin->file_args = n - 1;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	origin->path = path;
	origin->line = line_of;
	*new_argc = n;
	return 0;
}
