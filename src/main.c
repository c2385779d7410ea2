/*
 * salvo's entry point: parse the command line, resolve the network, run the
 * scan.  The only place that prints a fatal error and chooses the exit
 * status: 0 on success (also when interrupted cleanly), 1 on any error, and
 * death by SIGPIPE (a shell's 141) when the output's reader went away, as any
 * writer in a pipeline ends (after the checkpoint, without an error line).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "scan/scan.h"
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

int main(int argc, char **argv)
{
	static struct cli_config cfg;
	static struct scan scan;
	char err[CLI_ERRLEN > SCAN_ERRLEN ? CLI_ERRLEN : SCAN_ERRLEN] = "";
	struct sigaction sa;
	int ret;

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
