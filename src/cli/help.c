/*
 * What is written from the option table: --help, and --list-options, from which the build
 * makes the man pages' option sections and the bash completions (scripts/gen-docs.sh).
 */
#include "cli/options.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/join.h"
#include "version.h"

static const char *const group_titles[CLI_GROUPS] = { "target", "network", "scan", "output",
						      "running" };

/* "-p, --target-ports=LIST" */
static void option_spelling(const struct cli_option *o, char *buf, size_t len)
{
	if (o->letter)
		snprintf(buf, len, "-%c, --%s%s%s", o->letter, o->name, o->arg ? "=" : "",
			 o->arg ? o->arg : "");
	else
		snprintf(buf, len, "    --%s%s%s", o->name, o->arg ? "=" : "",
			 o->arg ? o->arg : "");
}

/* "--port": the aliases of o, or "" if none. */
static void option_aliases(const struct cli_option *o, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < cli_option_count; i++)
		if (cli_options[i].alias_of && strcmp(cli_options[i].alias_of, o->name) == 0)
			join_append(buf, len, cli_options[i].name);
}

/* The help text with its list in, the default and the aliases after it. */
static void option_help(const struct cli_option *o, char *buf, size_t len)
{
	char aliases[64];
	/* Only a help with a list is a format: the others may say "P%". */
	size_t n = o->list ? (size_t)snprintf(buf, len, o->help, o->list())
			   : (size_t)snprintf(buf, len, "%s", o->help);

	option_aliases(o, aliases, sizeof(aliases));
	if (o->def && n < len)
		n += (size_t)snprintf(buf + n, len - n, " (default %s)", o->def);
	if (aliases[0] && n < len)
		snprintf(buf + n, len - n, " (alias --%s)", aliases);
}

/* Words of text at most width wide a line, lines after the first indented by indent. */
static void print_wrapped(FILE *f, const char *text, int indent, int width)
{
	int col = 0;

	while (*text) {
		size_t word = strcspn(text, " ");

		if (col && col + 1 + (int)word > width) {
			fprintf(f, "\n%*s", indent, "");
			col = 0;
		} else if (col) {
			fputc(' ', f);
			col++;
		}
		fwrite(text, 1, word, f);
		col += (int)word;
		text += word;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void cli_usage(FILE *f, const struct cli_program *prog)
{
	char spelling[64], help[1024];

	cli_options_init();
	fprintf(f, "%s %s: %s\n\n%s", prog->name, SALVO_VERSION, prog->summary, prog->usage);
	for (int g = 0; g < CLI_GROUPS; g++) {
		int title = 0;

		for (size_t i = 0; i < cli_option_count; i++) {
			const struct cli_option *o = &cli_options[i];

			if (o->alias_of || o->group != (enum cli_group)g ||
			    !cli_option_in(o, prog->bit))
				continue;
			if (!title++)
				fprintf(f, "\n%s options:\n", group_titles[g]);
			option_spelling(o, spelling, sizeof(spelling));
			option_help(o, help, sizeof(help));
			fprintf(f, "  %-27s ", spelling);
			if (strlen(spelling) > 27)
				fprintf(f, "\n%30s", "");
			print_wrapped(f, help, 30, 68);
		}
	}
	if (prog->epilog)
		fprintf(f, "\n%s", prog->epilog);
}

/* What the completion offers for a value: "files", "interfaces", "users", "words: a b c". */
static void option_completion(const struct cli_option *o, char *buf, size_t len)
{
	static const char *const fixed[] = { [CLI_COMPLETE_FILE] = "files",
					     [CLI_COMPLETE_IFACE] = "interfaces",
					     [CLI_COMPLETE_USER] = "users" };
	const char *const *words = o->complete_words ? o->complete_words : o->words;
	const char *list = o->complete_list ? o->complete_list() : "";
	size_t n;

	if (o->complete != CLI_COMPLETE_NONE && o->complete != CLI_COMPLETE_WORDS) {
		snprintf(buf, len, "%s", fixed[o->complete]);
		return;
	}
	if (!words && !*list) {
		snprintf(buf, len, "%s", o->arg ? "value" : "-");
		return;
	}
	n = (size_t)snprintf(buf, len, "words:");
	for (size_t i = 0; words && words[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s", words[i]);
	/* A list of names reads "a, b, c". */
	while (*list && n < len) {
		size_t w = strcspn(list, ", ");

		n += (size_t)snprintf(buf + n, len - n, " %.*s", (int)w, list);
		list += w;
		list += strspn(list, ", ");
	}
}

/*
 * --list-options: a line an option (aliases included), fields separated by tabs:
 *   long name, short letter (- if none), value name (- if none), group, the option it is an
 *   alias of (-), completion (files, interfaces, users, words: ..., value, -), help, man text.
 * The build makes the man page's option sections and the bash completion from it.
 */
void cli_list_options(FILE *f, const struct cli_program *prog)
{
	char help[1024], complete[512];

	cli_options_init();
	for (size_t i = 0; i < cli_option_count; i++) {
		const struct cli_option *o = &cli_options[i];
		const struct cli_option *c = cli_option_canonical(o);

		if (!cli_option_in(o, prog->bit))
			continue;
		option_help(c, help, sizeof(help));
		option_completion(c, complete, sizeof(complete));
		fprintf(f, "%s\t%c\t%s\t%s\t%s\t%s\t%s\t%s\n", o->name, o->letter ? o->letter : '-',
			c->arg ? c->arg : "-", group_titles[c->group],
			o->alias_of ? o->alias_of : "-", complete, help, c->man ? c->man : "-");
	}
}
