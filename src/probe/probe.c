/* The table of probe modules: the only place that names them. */
#include "probe/probe.h"
#include "util/join.h"

#include <stdio.h>
#include <string.h>

extern const struct probe_ops probe_tcp_synscan_ops;
extern const struct probe_ops probe_udp_ops;
extern const struct probe_ops probe_icmp_echoscan_ops;
extern const struct probe_ops probe_tcp_synackscan_ops;
extern const struct probe_ops probe_icmp_echo_time_ops;
extern const struct probe_ops probe_dns_ops;
extern const struct probe_ops probe_ntp_ops;
extern const struct probe_ops probe_upnp_ops;
extern const struct probe_ops probe_bacnet_ops;

/* One module a line, as a module is added (clang-format would pack five or more a line). */
/* clang-format off */
static const struct probe_ops *const probes[] = {
	&probe_tcp_synscan_ops,
	&probe_udp_ops,
	&probe_icmp_echoscan_ops,
	/* Host discovery: a SYN-ACK any host answers with a RST; an echo timing its round trip. */
	&probe_tcp_synackscan_ops,
	&probe_icmp_echo_time_ops,
	&probe_dns_ops,
	&probe_ntp_ops,
	&probe_upnp_ops,
	&probe_bacnet_ops,
};
/* clang-format on */

#define PROBE_COUNT (sizeof(probes) / sizeof(probes[0]))

/* Short names orchestrators pass (--probe-module tcp|udp|icmp). */
static const struct {
	const char *alias, *name;
} probe_aliases[] = {
	{ "tcp", "tcp_synscan" },
	{ "icmp", "icmp_echoscan" },
	/* The TUM fork's IPv6 module names: salvo's modules probe both families. */
	{ "ipv6_tcp_synscan", "tcp_synscan" },
	{ "ipv6_udp", "udp" },
	{ "icmp6_echoscan", "icmp_echoscan" },
	{ "ipv6_dns", "dns" }, /* the same TYPE,NAME --probe-args */
};

/* ZMap's modules salvo will not have, and why (-M names one: the error says so). */
static const struct {
	const char *name, *why;
} probes_refused[] = {
	{ "ipip", "its probe is an IP-in-IP packet whose inner header has the target's address "
		  "as its source, for open tunnels to forward back; salvo sends no source "
		  "address but its own" },
};

const char *probe_refused_reason(const char *name)
{
	for (size_t i = 0; i < sizeof(probes_refused) / sizeof(probes_refused[0]); i++)
		if (strcmp(probes_refused[i].name, name) == 0)
			return probes_refused[i].why;
	return NULL;
}

const struct probe_ops *probe_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(probe_aliases) / sizeof(probe_aliases[0]); i++)
		if (strcmp(probe_aliases[i].alias, name) == 0)
			name = probe_aliases[i].name;
	for (size_t i = 0; i < PROBE_COUNT; i++)
		if (strcmp(probes[i]->name, name) == 0)
			return probes[i];
	return NULL;
}

void probe_modules_describe(FILE *f)
{
	for (size_t i = 0; i < PROBE_COUNT; i++)
		fprintf(f, "%-14s %s; --probe-args: %s\n", probes[i]->name, probes[i]->help,
			probes[i]->args_help ? probes[i]->args_help : "none");
}

const struct probe_ops *probe_at(size_t i)
{
	return i < PROBE_COUNT ? probes[i] : NULL;
}

const char *probe_names_all(void)
{
	static char buf[256];

	if (buf[0])
		return buf;
	for (size_t i = 0; i < PROBE_COUNT; i++)
		join_append(buf, sizeof(buf), probes[i]->name);
	for (size_t i = 0; i < sizeof(probe_aliases) / sizeof(probe_aliases[0]); i++)
		join_append(buf, sizeof(buf), probe_aliases[i].alias);
	return buf;
}

const char *probe_list(void)
{
	static char buf[256];

	if (buf[0])
		return buf;
	for (size_t i = 0; i < PROBE_COUNT; i++)
		join_append(buf, sizeof(buf), probes[i]->name);
	return buf;
}
