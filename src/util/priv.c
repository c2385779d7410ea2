/*
 * priv_drop: lowering capabilities (libcap) and switching user after set-up.  A scanner that
 * parses untrusted packets should hold no capability it does not need while it does.
 */
#include "util/priv.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The capabilities of keep that this thread holds as permitted now. */
static int priv_held(uint64_t keep, cap_value_t *list, int max)
{
	cap_t now = cap_get_proc();
	int n = 0;

	if (!now)
		return -errno;
	for (cap_value_t c = 0; c <= CAP_LAST_CAP && c < 64 && n < max; c++) {
		cap_flag_value_t v = CAP_CLEAR;

		if ((keep & PRIV_CAP(c)) && cap_get_flag(now, c, CAP_PERMITTED, &v) == 0 &&
		    v == CAP_SET)
			list[n++] = c;
	}
	cap_free(now);
	return n;
}

int priv_effective(int cap)
{
	cap_t now = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (now) {
		(void)cap_get_flag(now, (cap_value_t)cap, CAP_EFFECTIVE, &v);
		cap_free(now);
	}
	return v == CAP_SET;
}

int priv_drop(uint64_t keep, unsigned uid, unsigned gid, char *err, size_t errlen)
{
	cap_value_t list[64];
	cap_t caps;
	int n, ret = 0;

	if (keep == PRIV_ALL && uid == (unsigned)-1)
		return 0;
	if ((n = priv_held(keep, list, 64)) < 0) {
		snprintf(err, errlen, "capabilities: %s", strerror(-n));
		return n;
	}
	if (uid != (unsigned)-1) {
		/* Keep the permitted set across setuid; the effective set is set again below. */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) || setgid(gid) ||
		    setuid(uid)) {
			ret = -errno;
			snprintf(err, errlen, "--user: cannot become uid %u gid %u: %s%s", uid, gid,
				 strerror(-ret),
				 ret == -EPERM ? " (needs root, or CAP_SETUID and CAP_SETGID)"
					       : "");
			return ret;
		}
		(void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	}
	if (keep == PRIV_ALL)
		return 0;
	/* Nothing inherited by anything salvo might run, nothing ambient. */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (!(caps = cap_init())) {
		snprintf(err, errlen, "capabilities: %s", strerror(errno));
		return -errno;
	}
	if (n && (cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) ||
		  cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET)))
		ret = -errno;
	if (!ret && cap_set_proc(caps))
		ret = -errno;
	cap_free(caps);
	if (ret)
		snprintf(err, errlen, "capabilities: dropping them failed: %s", strerror(-ret));
	return ret;
}
