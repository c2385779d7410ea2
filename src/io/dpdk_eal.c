/*
 * The dpdk engine's EAL (see dpdk_eal.h): its argv from --dpdk-eal-args and what salvo adds,
 * its one start, its cleanup and the runtime directories of salvo processes that are gone,
 * and the quieting of stderr while DPDK's drivers talk.
 */
#ifdef SALVO_HAVE_DPDK

#include "io/dpdk_eal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "io/dpdk_options.h"

#define DPDK_EAL_ARGS_MAX 64
/*
 * EAL's memory without hugepages: a 4 KiB page an mbuf (with its headers an mbuf is over half
 * a page, and a pool's object may not cross a page: one to a page), and room for EAL's own
 * heap, the pool's ring and caches and the queues.  Measured (net_null, before receive queues
 * counted twice): 4,288 mbufs needed -m 19; 15,776 -m 64; 30,112 -m 120.
 */
#define DPDK_EAL_MEM_PER_MBUF 4096
#define DPDK_EAL_MEM_BASE_MB  16

/* EAL's one start and cleanup (see dpdk_eal.h). */
static struct {
	int tried, ret, cleaned;
	int verbose;	     /* --log-level in --dpdk-eal-args: EAL's and its drivers' messages */
	char err[IO_ERRLEN]; /* why it would not start */
	char prefix[32];     /* EAL's file prefix, a runtime directory to remove at the end */
} dpdk_eal;

unsigned dpdk_pool_mbufs(unsigned tx_queues, unsigned rx_queues, unsigned nb_tx, unsigned nb_rx)
{
	return tx_queues * (nb_tx + 2 * DPDK_TX_BATCH) + rx_queues * 2 * nb_rx +
	       (tx_queues + rx_queues + 1) * (DPDK_POOL_CACHE * 3 / 2) + DPDK_POOL_SPARE;
}

/* Does argv hold an EAL option starting with name? */
static int eal_has(char **argv, int argc, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], name, strlen(name)) == 0)
			return 1;
	return 0;
}

/* Hugepages reserved in the system, from /proc/meminfo (-1 if it cannot be read). */
static long hugepages_total(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "HugePages_Total: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * Without hugepages EAL takes all its memory at start (-m, 64 MiB if not given) and cannot
 * grow: the pool of the queues salvo will ask for (the most it may ask: -T and --receivers,
 * or the engine's counts when given), with room for EAL's own, in MiB.
 */
static unsigned dpdk_eal_memory_mb(const struct io_config *cfg)
{
	const char *txq = cfg->options[DPDK_NUM_TXQ], *rxq = cfg->options[DPDK_NUM_RXQ];
	unsigned tx = txq ? (unsigned)strtoul(txq, NULL, 10) : cfg->tx_queues;
	unsigned rx = rxq ? (unsigned)strtoul(rxq, NULL, 10) : cfg->rx_queues;
	uint64_t bytes =
		(uint64_t)dpdk_pool_mbufs(tx + 1, rx, DPDK_DESC, DPDK_DESC) * DPDK_EAL_MEM_PER_MBUF;

	return (unsigned)((bytes + (1 << 20) - 1) >> 20) + DPDK_EAL_MEM_BASE_MB;
}

/*
 * EAL's argv: salvo's name, --dpdk-eal-args split at blanks, then what salvo adds unless the
 * user said otherwise: a file prefix of this process's own (several salvo processes on one
 * machine must not share EAL's runtime files), no shared config files, no telemetry socket,
 * EAL's logs at errors only, and without hugepages the memory the scan's pool needs (memory),
 * not EAL's fixed 64 MiB nor a guess: every page of it is set up at start.
 */
static int dpdk_eal_argv(char *args, char **argv, char *memory, char err[IO_ERRLEN])
{
	int argc = 0;

	argv[argc++] = "salvo";
	for (char *tok = strtok_r(args, " \t", &args); tok; tok = strtok_r(NULL, " \t", &args)) {
		if (argc >= DPDK_EAL_ARGS_MAX - 8) {
			snprintf(err, IO_ERRLEN, "dpdk: --dpdk-eal-args: more than %d arguments",
				 DPDK_EAL_ARGS_MAX - 9);
			return -EINVAL;
		}
		argv[argc++] = tok;
	}
	if (!eal_has(argv, argc, "--file-prefix") && !eal_has(argv, argc, "--in-memory")) {
		snprintf(dpdk_eal.prefix, sizeof(dpdk_eal.prefix), "salvo-%d", (int)getpid());
		argv[argc++] = "--file-prefix";
		argv[argc++] = dpdk_eal.prefix;
		if (!eal_has(argv, argc, "--no-shconf"))
			argv[argc++] = "--no-shconf";
	}
	if (!eal_has(argv, argc, "--no-telemetry"))
		argv[argc++] = "--no-telemetry";
	if (!eal_has(argv, argc, "--log-level"))
		argv[argc++] = "--log-level=*:error";
	if (eal_has(argv, argc, "--no-huge") && !eal_has(argv, argc, "-m") &&
	    !eal_has(argv, argc, "--socket-mem")) {
		argv[argc++] = "-m";
		argv[argc++] = memory;
	}
	argv[argc] = NULL;
	return argc;
}

/*
 * The libraries under DPDK's drivers (libbpf and libxdp under net_af_xdp) print to stderr
 * while the devices are probed, the port starts and stops, whatever EAL's log level: unless
 * the user asked for EAL's logs, stderr points at /dev/null meanwhile (salvo's own error line
 * comes after).  Returns the saved stderr, or -1.
 */
int dpdk_quiet_begin(void)
{
	int saved, null;

	if (dpdk_eal.verbose)
		return -1;
	if ((saved = dup(STDERR_FILENO)) < 0)
		return -1;
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		close(saved);
		return -1;
	}
	fflush(stderr);
	dup2(null, STDERR_FILENO);
	close(null);
	return saved;
}

void dpdk_quiet_end(int saved)
{
	if (saved < 0)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

static int dpdk_eal_start(const struct io_config *cfg, char err[IO_ERRLEN])
{
	const char *given = cfg->options[DPDK_EAL_ARGS] ? cfg->options[DPDK_EAL_ARGS] : "";
	char args[4096], *argv[DPDK_EAL_ARGS_MAX], memory[16];
	cpu_set_t cpus;
	int argc, ret;

	snprintf(args, sizeof(args), "%s", given);
	snprintf(memory, sizeof(memory), "%u", dpdk_eal_memory_mb(cfg));
	if ((argc = dpdk_eal_argv(args, argv, memory, err)) < 0)
		return argc;
	if (!eal_has(argv, argc, "--no-huge") && hugepages_total() == 0) {
		snprintf(err, IO_ERRLEN,
			 "dpdk: no hugepages are reserved: reserve some (dpdk-hugepages.py --setup "
			 "2G) "
			 "or add --no-huge to --dpdk-eal-args");
		return -ENOMEM;
	}
	/* EAL pins the calling thread to its main lcore, and salvo's threads, started from it
	 * later, would all inherit one CPU: the thread's CPUs are put back afterwards. */
	pthread_getaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	if ((ret = rte_eal_init(argc, argv)) < 0) {
		snprintf(err, IO_ERRLEN,
			 "dpdk: EAL would not start (%s): check --dpdk-eal-args '%s' (to see EAL's "
			 "messages, add --log-level=*:info to it)",
			 rte_strerror(rte_errno), given);
		return -EINVAL;
	}
	pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	return 0;
}

void dpdk_eal_cleanup(void)
{
	char dir[64];

	if (!dpdk_eal.tried || dpdk_eal.ret || dpdk_eal.cleaned)
		return;
	dpdk_eal.cleaned = 1;
	rte_eal_cleanup();
	/* With --no-shconf EAL leaves only its empty runtime directory behind. */
	if (dpdk_eal.prefix[0] &&
	    snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", dpdk_eal.prefix) < (int)sizeof(dir))
		(void)rmdir(dir);
}

/*
 * The runtime directories of salvo processes that are gone (killed with SIGKILL, which no
 * cleanup survives): removed when empty, as EAL leaves them with --no-shconf.
 */
static void dpdk_eal_remove_stale(void)
{
	DIR *d = opendir("/var/run/dpdk");
	struct dirent *ent;
	char path[300];
	int pid, end;

	if (!d)
		return;
	while ((ent = readdir(d))) {
		end = 0;
		if (sscanf(ent->d_name, "salvo-%d%n", &pid, &end) != 1 || ent->d_name[end] ||
		    pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue; /* alive, or not ours to tell */
		if (snprintf(path, sizeof(path), "/var/run/dpdk/%s", ent->d_name) <
		    (int)sizeof(path))
			(void)rmdir(path);
	}
	closedir(d);
}

int dpdk_eal_once(const struct io_config *cfg, char err[IO_ERRLEN])
{
	if (!dpdk_eal.tried) {
		int quiet;

		dpdk_eal.tried = 1;
		dpdk_eal_remove_stale();
		dpdk_eal.verbose = cfg->options[DPDK_EAL_ARGS] &&
				   strstr(cfg->options[DPDK_EAL_ARGS], "--log-level");
		quiet = dpdk_quiet_begin();
		dpdk_eal.ret = dpdk_eal_start(cfg, dpdk_eal.err);
		dpdk_quiet_end(quiet);
		if (!dpdk_eal.ret)
			atexit(dpdk_eal_cleanup);
	}
	if (dpdk_eal.ret)
		snprintf(err, IO_ERRLEN, "%s", dpdk_eal.err);
	return dpdk_eal.ret;
}

#endif /* SALVO_HAVE_DPDK */
