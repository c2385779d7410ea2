/*
 * salvo's entry point: parse the command line, resolve the network, run the
 * scan; or, run under a tool's name (salvo-iterate, ziterate, ...), the tool.
 * The only place that prints a fatal error and chooses the exit status: 0 on
 * success (also when interrupted cleanly), 1 on any error, and death by
 * SIGPIPE (a shell's 141) when the output's reader went away, as any writer
 * in a pipeline ends (after the checkpoint, without an error line).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "scan/scan.h"
#include "tools/tools.h"
#include "util/log.h"

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		scan_rate_ups++;
	else if (sig == SIGUSR2)
		scan_rate_downs++;
	else
		scan_signals++;
}

/* A tool: its command line, its messages and its run, as salvo's below. */
static int tool_main(const struct tool_ops *tool, int argc, char **argv)
{
	static struct cli_config cfg;
	char err[CLI_ERRLEN] = "";
	int ret;

	log_set_name(tool->program.name);
	ret = cli_parse_program(&tool->program, argc, argv, &cfg, err, sizeof(err));
	if (ret == 1)
		return 0;
	if (ret) {
		fprintf(stderr, "%s: %s\n", tool->program.name, err);
		return 1;
	}
	ret = log_open(cfg.scan.verbosity, cfg.scan.log_file, NULL, err, sizeof(err));
	if (!ret)
		ret = tool_run(tool, &cfg, err, sizeof(err));
	cli_config_free(&cfg);
	if (ret)
		log_msg(LOG_FATAL, "%s", err);
	log_close();
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct cli_config cfg;
	static struct scan scan;
	const struct tool_ops *tool = argc > 0 ? tool_by_name(argv[0]) : NULL;
	char err[CLI_ERRLEN > SCAN_ERRLEN ? CLI_ERRLEN : SCAN_ERRLEN] = "";
	struct sigaction sa;
	int ret;

	if (tool)
		return tool_main(tool, argc, argv);
	ret = cli_parse(argc, argv, &cfg, err, sizeof(err));
	if (ret == 1)
		return 0;
	if (ret) {
		fprintf(stderr, "salvo: %s\n", err);
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	/* A reader that goes away is EPIPE from write(2), for the writer to stop the scan in
	 * order (checkpoint, results taken back), not a process killed mid-write. */
	signal(SIGPIPE, SIG_IGN);

	scan.cfg = &cfg.scan;
	ret = log_open(cfg.scan.verbosity, cfg.scan.log_file, cfg.scan.log_directory, err,
		       sizeof(err));
	if (!ret)
		ret = scan_resolve_network(&scan, &cfg.scan, err);
	if (!ret)
		ret = scan_run(&scan, err);
	cli_config_free(&cfg);
	if (ret && ret != -EPIPE)
		log_msg(LOG_FATAL, "%s", err);
	log_close();
	if (ret == -EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	return ret ? 1 : 0;
}
