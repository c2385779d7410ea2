/*
 * Unit test of netif (IPv4) against the kernel: two namespaces made here for the test (and
 * removed on every way out: group teardown, atexit, SIGINT/SIGTERM), joined by two veth
 * pairs, set up as a host with a NIC per subnet is: the second NIC's traffic is routed by a
 * rule on its source address.  No static neighbour entries.
 *
 *   a: va  198.18.0.1/24, 198.18.1.0/24 via 198.18.0.2       b: vb  198.18.0.2/24
 *      va2 198.18.2.1/24, "from 198.18.2.1 table 102",           vb2 198.18.2.2/24
 *          table 102: default via 198.18.2.2 dev va2              lo  local 198.18.1.0/24
 *
 * The test process enters a with setns(2) before each case and calls netif there, so every
 * packet it causes (salvo's ARP requests) stays on those veths; IPv6 is off in both, so that
 * b's counters see nothing else.  Every address is in 198.18.0.0/15 (RFC 2544).  Needs root:
 * skipped otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/netif.h"

#define A1   0xc6120001u /* 198.18.0.1, a's first NIC */
#define B1   0xc6120002u /* 198.18.0.2, the first gateway */
#define A2   0xc6120201u /* 198.18.2.1, a's second NIC */
#define B2   0xc6120202u /* 198.18.2.2, the second gateway */
#define T5   0xc6120105u /* 198.18.1.5, a target behind both */
#define NONE 0xc6120063u /* 198.18.0.99: nobody's */

static char ns_a[32], ns_b[32];
static int ns_made;	 /* the namespaces may exist: cleanup must remove them */
static int home_fd = -1; /* the network namespace the test started in */

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	if (status != 0)
		fprintf(stderr, "test_netif: %s: status %d\n", cmd, status);
	return status;
}

/* Back home, then both namespaces removed; safe to call twice, and from a signal. */
static void cleanup(void)
{
	if (home_fd >= 0)
		setns(home_fd, CLONE_NEWNET);
	if (!ns_made)
		return;
	ns_made = 0;
	sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null; true", ns_a, ns_b);
}

static void on_signal(int sig)
{
	cleanup();
	_exit(128 + sig);
}

static int make_namespaces(void)
{
	const char *a = ns_a, *b = ns_b;

	ns_made = 1;
	return sh("ip netns add %s", a) || sh("ip netns add %s", b) ||
	       sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
		  "net.ipv6.conf.default.disable_ipv6=1",
		  a) ||
	       sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
		  "net.ipv6.conf.default.disable_ipv6=1",
		  b) ||
	       sh("ip -n %s link add va type veth peer name vb netns %s", a, b) ||
	       sh("ip -n %s link add va2 type veth peer name vb2 netns %s", a, b) ||
	       sh("ip -n %s link set lo up", a) || sh("ip -n %s link set lo up", b) ||
	       sh("ip -n %s addr add 198.18.0.1/24 dev va", a) ||
	       sh("ip -n %s addr add 198.18.2.1/24 dev va2", a) ||
	       sh("ip -n %s addr add 198.18.0.2/24 dev vb", b) ||
	       sh("ip -n %s addr add 198.18.2.2/24 dev vb2", b) ||
	       sh("ip -n %s link set va up", a) || sh("ip -n %s link set va2 up", a) ||
	       sh("ip -n %s link set vb up", b) || sh("ip -n %s link set vb2 up", b) ||
	       sh("ip -n %s route add 198.18.1.0/24 via 198.18.0.2", a) ||
	       sh("ip -n %s rule add from 198.18.2.1 table 102", a) ||
	       sh("ip -n %s route add default via 198.18.2.2 dev va2 table 102", a) ||
	       sh("ip -n %s route add local 198.18.1.0/24 dev lo", b);
}

static int group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0 || system("ip -V >/dev/null 2>&1") != 0)
		return 0;
	snprintf(ns_a, sizeof(ns_a), "salvo-n4-%d-a", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "salvo-n4-%d-b", (int)getpid());
	home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home_fd < 0)
		return -1;
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (make_namespaces()) {
		cleanup();
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	cleanup();
	if (home_fd >= 0)
		close(home_fd);
	home_fd = -1;
	return 0;
}

/* Every case runs in a, with a's neighbour tables empty. */
static int in_a(void **state)
{
	char path[64];
	int fd, ret;

	(void)state;
	if (!ns_made)
		return 0; /* not root: each case skips */
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns_a);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	if (ret)
		return ret;
	return sh("ip -n %s neigh flush dev va; ip -n %s neigh flush dev va2", ns_a, ns_a);
}

/* Without root there are no namespaces: the case is skipped, not failed. */
static void need_namespaces(void)
{
	if (!ns_made)
		skip();
}

static int ifindex_of(const char *ifname)
{
	int i = (int)if_nametoindex(ifname);

	assert_int_not_equal(i, 0);
	return i;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* One line of `ip netns exec b CMD`, read as what fmt says. */
static void read_in_b(const char *cmd, const char *fmt, void *out, int fields)
{
	char line[160];
	FILE *f;

	snprintf(line, sizeof(line), "ip netns exec %s %s", ns_b, cmd);
	f = popen(line, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, fmt, out), fields);
	assert_int_equal(pclose(f), 0);
}

static void mac_of_b(const char *ifname, uint8_t mac[6])
{
	char cmd[64], text[32];
	unsigned m[6];

	snprintf(cmd, sizeof(cmd), "cat /sys/class/net/%s/address", ifname);
	read_in_b(cmd, "%31s", text, 1);
	assert_int_equal(
		sscanf(text, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]), 6);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
}

/* Frames b's vb has received so far. */
static unsigned long b_received(void)
{
	unsigned long n;

	read_in_b("cat /sys/class/net/vb/statistics/rx_packets", "%lu", &n, 1);
	return n;
}

static void route_lookup_gives_interface_gateway_and_source(void **state)
{
	struct netif_route r;

	(void)state;
	need_namespaces();
	assert_int_equal(netif_route_lookup(T5, 0, 0, &r), 0);
	assert_int_equal(r.ifindex, ifindex_of("va"));
	assert_int_equal(r.gateway, B1);
	assert_int_equal(r.prefsrc, A1);
}

/*
 * The second NIC as ip route get 198.18.1.5 from 198.18.2.1 oif va2 sees it: the rule on the
 * source picks table 102 and its gateway.  Asked from the main table alone (no source), the
 * kernel takes the target for on-link on va2: the lookup salvo made before.
 */
static void route_lookup_from_a_source_follows_its_rule(void **state)
{
	struct netif_route r;

	(void)state;
	need_namespaces();
	assert_int_equal(netif_route_lookup(T5, A2, ifindex_of("va2"), &r), 0);
	assert_int_equal(r.ifindex, ifindex_of("va2"));
	assert_int_equal(r.gateway, B2);
	assert_int_equal(r.prefsrc, A2);

	assert_int_equal(netif_route_lookup(T5, A2, 0, &r), 0);
	assert_int_equal(r.ifindex, ifindex_of("va2"));
	assert_int_equal(r.gateway, B2);

	assert_int_equal(netif_route_lookup(T5, 0, ifindex_of("va2"), &r), 0);
	assert_int_equal(r.ifindex, ifindex_of("va2"));
	assert_int_equal(r.gateway, 0);
}

static void route_lookup_from_an_address_not_ours_is_enetunreach(void **state)
{
	struct netif_route r;

	(void)state;
	need_namespaces();
	assert_int_equal(netif_route_lookup(T5, NONE, 0, &r), -ENETUNREACH);
}

/*
 * A cold table: salvo's own ARP request finds the gateway at once, and carried our address
 * and MAC (b learned them from it).  Salvo's answer does not go into a's table.
 */
static void neigh_resolve_asks_with_arp_when_the_table_is_cold(void **state)
{
	uint8_t want[6], mac[6] = { 0 }, ours[6];
	char cmd[96], learned[32];
	struct timespec t0;
	int va2 = ifindex_of("va2");

	(void)state;
	need_namespaces();
	assert_int_equal(netif_hwaddr("va2", ours), 0);
	mac_of_b("vb2", want);
	assert_int_equal(netif_neigh_lookup(va2, B2, mac), -ENOENT);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(netif_neigh_resolve(va2, ours, A2, B2, mac, 3, 1000), 0);
	assert_true(ms_since(&t0) < 900.0);
	assert_memory_equal(mac, want, 6);

	snprintf(cmd, sizeof(cmd), "ip neigh show 198.18.2.1 dev vb2 | cut -d' ' -f3");
	read_in_b(cmd, "%31s", learned, 1);
	snprintf(cmd, sizeof(cmd), "%02x:%02x:%02x:%02x:%02x:%02x", ours[0], ours[1], ours[2],
		 ours[3], ours[4], ours[5]);
	assert_string_equal(learned, cmd);
}

/* Nobody answers: tries requests, interval apart, then -EHOSTUNREACH and no MAC. */
static void neigh_resolve_of_an_address_nobody_has_tries_then_gives_up(void **state)
{
	uint8_t mac[6] = { 0 }, zero[6] = { 0 }, ours[6];
	unsigned long before;
	struct timespec t0;
	double ms;
	int va = ifindex_of("va");

	(void)state;
	need_namespaces();
	assert_int_equal(netif_hwaddr("va", ours), 0);
	before = b_received();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(netif_neigh_resolve(va, ours, A1, NONE, mac, 3, 300), -EHOSTUNREACH);
	ms = ms_since(&t0);
	assert_true(ms >= 900.0);
	assert_true(ms < 1500.0);
	assert_memory_equal(mac, zero, 6);
	assert_int_equal(b_received() - before, 3);
}

/* An entry in the table is taken as it is: nothing is sent. */
static void neigh_resolve_takes_the_table_entry_without_asking(void **state)
{
	const uint8_t want[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	uint8_t mac[6], ours[6];
	unsigned long before;
	int va = ifindex_of("va");

	(void)state;
	need_namespaces();
	assert_int_equal(sh("ip -n %s neigh replace 198.18.0.99 lladdr 02:00:00:00:00:77 dev va "
			    "nud permanent",
			    ns_a),
			 0);
	assert_int_equal(netif_hwaddr("va", ours), 0);
	before = b_received();
	assert_int_equal(netif_neigh_resolve(va, ours, A1, NONE, mac, 3, 1000), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(b_received() - before, 0);
	assert_int_equal(sh("ip -n %s neigh del 198.18.0.99 dev va", ns_a), 0);
}

/* Nothing is sent for these, and each answer comes at once. */
static void neigh_resolve_refuses_what_is_nobodys_address(void **state)
{
	const uint32_t refused[] = { 0, 0x00000001u, 0xe0000001u, 0xefffffffu, 0xffffffffu };
	uint8_t mac[6], ours[6];
	unsigned long before;
	struct timespec t0;
	int va = ifindex_of("va");

	(void)state;
	need_namespaces();
	assert_int_equal(netif_hwaddr("va", ours), 0);
	before = b_received();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(netif_neigh_resolve(va, ours, A1, refused[i], mac, 3, 1000),
				 -EINVAL);
	assert_int_equal(netif_neigh_resolve(0, ours, A1, B1, mac, 3, 1000), -EINVAL);
	assert_true(ms_since(&t0) < 500.0);
	assert_int_equal(b_received() - before, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(route_lookup_gives_interface_gateway_and_source, in_a),
		cmocka_unit_test_setup(route_lookup_from_a_source_follows_its_rule, in_a),
		cmocka_unit_test_setup(route_lookup_from_an_address_not_ours_is_enetunreach, in_a),
		cmocka_unit_test_setup(neigh_resolve_asks_with_arp_when_the_table_is_cold, in_a),
		cmocka_unit_test_setup(neigh_resolve_of_an_address_nobody_has_tries_then_gives_up,
				       in_a),
		cmocka_unit_test_setup(neigh_resolve_takes_the_table_entry_without_asking, in_a),
		cmocka_unit_test_setup(neigh_resolve_refuses_what_is_nobodys_address, in_a),
	};

	return cmocka_run_group_tests_name("netif", tests, group_setup, group_teardown);
}
