/*
 * The control socket (--control PATH): a Unix stream socket on which an
 * orchestrator changes a running scan without restarting it.  One command
 * per connection, one line each way:
 *     rate N     -> "ok rate N"       the pacer's rate from now on
 *     pause      -> "ok paused"       senders stop sending (the scan stays)
 *     resume     -> "ok resumed"      and go on, without a burst
 *     status     -> "ok sent N rate N paused 0|1"
 * anything else  -> "error: ..."
 * Served by the monitor thread between its ticks; never per packet.
 */
#include "scan/scan.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/log.h"

int scan_control_open(struct scan *s, char err[SCAN_ERRLEN])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = s->cfg->control_path;
	int fd;

	s->control_fd = -1;
	if (!path)
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, SCAN_ERRLEN, "--control: %s: longer than %zu bytes", path,
			 sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, SCAN_ERRLEN, "--control: socket: %s", strerror(errno));
		return -errno;
	}
	/* A socket file left by an earlier run is replaced; anything else is refused by bind. */
	if (access(path, F_OK) == 0) {
		struct stat st;

		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		int e = errno;

		snprintf(err, SCAN_ERRLEN, "--control: %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	s->control_fd = fd;
	return 0;
}

void scan_control_close(struct scan *s)
{
	if (s->control_fd >= 0) {
		close(s->control_fd);
		unlink(s->cfg->control_path);
	}
	s->control_fd = -1;
}

static void control_reply(int fd, const char *text)
{
	size_t len = strlen(text);

	/* The client asked and waits: a short blocking write of one line. */
	if (write(fd, text, len) != (ssize_t)len)
		return;
}

static void control_command(struct scan *s, char *line, int fd)
{
	char reply[128];
	char *end;

	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "rate ", 5) == 0) {
		unsigned long long rate = strtoull(line + 5, &end, 10);

		if (line[5] < '0' || line[5] > '9' || *end || rate == 0 || rate > 1000000000ULL) {
			snprintf(reply, sizeof(reply),
				 "error: rate: '%.40s': expected packets per second, 1 or more\n",
				 line + 5);
		} else {
			pace_set_rate(&s->pace, rate, clock_mono_ns());
			snprintf(reply, sizeof(reply), "ok rate %llu\n", rate);
			if (!s->cfg->quiet)
				log_msg(LOG_INFO, "control: rate now %llu pps", rate);
		}
	} else if (strcmp(line, "pause") == 0) {
		__atomic_store_n(&s->paused, 1, __ATOMIC_RELEASE);
		snprintf(reply, sizeof(reply), "ok paused\n");
	} else if (strcmp(line, "resume") == 0) {
		if (__atomic_load_n(&s->paused, __ATOMIC_ACQUIRE)) {
			/* Rebase the schedule: the pause must not be made up in a burst. */
			pace_set_rate(&s->pace, pace_rate(&s->pace), clock_mono_ns());
			__atomic_store_n(&s->paused, 0, __ATOMIC_RELEASE);
		}
		snprintf(reply, sizeof(reply), "ok resumed\n");
	} else if (strcmp(line, "status") == 0) {
		struct scan_totals t;

		scan_totals(s, &t);
		snprintf(reply, sizeof(reply), "ok sent %llu rate %llu paused %d\n",
			 (unsigned long long)(t.io.tx_completed - s->base.sent),
			 (unsigned long long)pace_rate(&s->pace),
			 __atomic_load_n(&s->paused, __ATOMIC_ACQUIRE));
	} else {
		snprintf(reply, sizeof(reply),
			 "error: '%.40s': expected rate N, pause, resume or status\n", line);
	}
	control_reply(fd, reply);
}

void scan_control_poll(struct scan *s)
{
	int fd;

	if (s->control_fd < 0)
		return;
	while ((fd = accept4(s->control_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char line[128];
		ssize_t n = 0;

		/* A client that connects and says nothing gets 200 ms, not the monitor. */
		if (poll(&pfd, 1, 200) == 1 && (n = read(fd, line, sizeof(line) - 1)) > 0) {
			line[n] = '\0';
			control_command(s, line, fd);
		}
		close(fd);
	}
}
