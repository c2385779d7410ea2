/*
 * What salvo tells people and programs while and after it scans: once a second a status
 * line on stderr (unless -q; ZMap's, the orchestrator's legacy progress line, or JSON) and a
 * line of the -u status-updates CSV; at the end, the summary.  Called by the monitor thread
 * and at the end of the scan, never per packet.
 */
#ifndef SALVO_SCAN_STATUS_H
#define SALVO_SCAN_STATUS_H

#include "scan/totals.h"

struct scan;

/* Open the -u file (if asked) and write its header; 0, or -errno with a line in err. */
int scan_status_open(struct scan *s, char *err, size_t errlen);

/* One second's lines: now and prev are the totals at the end and start of the interval. */
void scan_status_tick(struct scan *s, const struct scan_totals *now, const struct scan_totals *prev,
		      double interval_s);

/* Close the -u file; 0 or -errno. */
int scan_status_close(struct scan *s);

/* The one-line summary on stderr. */
void scan_summary(struct scan *s);

#endif
