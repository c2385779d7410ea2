/*
 * Unit test of netif6 against the kernel: two namespaces made here for the test (and removed
 * on every way out: group teardown, atexit, SIGINT/SIGTERM), joined by a veth.
 *
 *   a: va 2001:2:0:a::1/64, default via 2001:2:0:a::2     b: vb 2001:2:0:a::2/64
 *      lo 2001:2:0:5::1, 2001:2:0:2::/64 via ::2 src it       lo local 2001:2:0:1::/64
 *      from 2001:2:0:a::1 table 106: 2001:2:0:7::/64 via ::3
 *
 * The test process enters a (or b) with setns(2) before each case and calls netif6 there, so
 * every packet it causes (one echo request and the kernel's Neighbor Discovery) stays on that
 * veth, and only addresses of 2001:2::/48 (RFC 5180) are asked for.  Needs root: skipped
 * otherwise.
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

#include "io/netif6.h"

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
		fprintf(stderr, "test_netif6: %s: status %d\n", cmd, status);
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
	       sh("ip -n %s link add va type veth peer name vb netns %s", a, b) ||
	       sh("ip -n %s link set lo up", a) || sh("ip -n %s link set lo up", b) ||
	       sh("ip -n %s link set va up", a) || sh("ip -n %s link set vb up", b) ||
	       sh("ip -n %s -6 addr add 2001:2:0:a::1/64 dev va nodad", a) ||
	       sh("ip -n %s -6 addr add 2001:2:0:a::2/64 dev vb nodad", b) ||
	       sh("ip -n %s -6 route add default via 2001:2:0:a::2 dev va", a) ||
	       sh("ip -n %s -6 route add local 2001:2:0:1::/64 dev lo", b) ||
	       /* A route naming its own source, an address on lo. */
	       sh("ip -n %s -6 addr add 2001:2:0:5::1/128 dev lo", a) ||
	       sh("ip -n %s -6 route add 2001:2:0:2::/64 via 2001:2:0:a::2 dev va"
		  " src 2001:2:0:5::1",
		  a) ||
	       /* A rule on a source, with a table of its own: another gateway for ::7/64. */
	       sh("ip -n %s -6 rule add from 2001:2:0:a::1 table 106", a) ||
	       sh("ip -n %s -6 route add 2001:2:0:7::/64 via 2001:2:0:a::3 dev va table 106", a) ||
	       /* Two addresses the kernel lists before ::1 that may not source packets: a
		  deprecated one, and one left tentative by a duplicate address detection of
		  100 s. */
	       sh("ip -n %s -6 addr add 2001:2:0:a::d/64 dev va nodad preferred_lft 0", a) ||
	       sh("ip netns exec %s sysctl -qw net.ipv6.conf.va.dad_transmits=100", a) ||
	       sh("ip -n %s -6 addr add 2001:2:0:a::7/64 dev va", a);
}

static int group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0 || system("ip -V >/dev/null 2>&1") != 0)
		return 0;
	snprintf(ns_a, sizeof(ns_a), "salvo-n6-%d-a", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "salvo-n6-%d-b", (int)getpid());
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

static int enter(const char *ns)
{
	char path[64];
	int fd, ret;

	if (!ns_made)
		return 0; /* not root: each case skips */
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	return ret;
}

static int in_a(void **state)
{
	(void)state;
	return enter(ns_a);
}

static int in_b(void **state)
{
	(void)state;
	return enter(ns_b);
}

/* Without root there are no namespaces: the case is skipped, not failed. */
static void need_namespaces(void)
{
	if (!ns_made)
		skip();
}

static void addr6(const char *text, uint8_t a[16])
{
	assert_int_equal(inet_pton(AF_INET6, text, a), 1);
}

static void assert_addr6(const uint8_t got[16], const char *want)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, got, text, sizeof(text));
	assert_string_equal(text, want);
}

/* The current namespace's index of ifname. */
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

/* b's veth MAC, from its /sys (which `ip netns exec` mounts for b). */
static void mac_of_b(uint8_t mac[6])
{
	char cmd[128];
	FILE *f;
	int n;

	snprintf(cmd, sizeof(cmd), "ip netns exec %s cat /sys/class/net/vb/address", ns_b);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fscanf(f, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
		   &mac[5]);
	assert_int_equal(pclose(f), 0);
	assert_int_equal(n, 6);
}

static void route_lookup_gives_interface_gateway_and_chosen_source(void **state)
{
	struct netif_route6 r;
	uint8_t d[16];

	(void)state;
	need_namespaces();
	addr6("2001:2:0:1::5", d);
	assert_int_equal(netif_route6_lookup(d, NULL, 0, &r), 0);
	assert_int_equal(r.ifindex, ifindex_of("va"));
	assert_addr6(r.gateway, "2001:2:0:a::2");
	assert_addr6(r.prefsrc, "2001:2:0:a::1");

	memset(&r, 0xaa, sizeof(r));
	assert_int_equal(netif_route6_lookup(d, NULL, ifindex_of("va"), &r), 0);
	assert_int_equal(r.ifindex, ifindex_of("va"));
	assert_addr6(r.gateway, "2001:2:0:a::2");
	assert_addr6(r.prefsrc, "2001:2:0:a::1");
}

static void route_lookup_of_an_on_link_address_has_no_gateway(void **state)
{
	struct netif_route6 r;
	uint8_t d[16];

	(void)state;
	need_namespaces();
	addr6("2001:2:0:a::2", d);
	assert_int_equal(netif_route6_lookup(d, NULL, 0, &r), 0);
	assert_int_equal(r.ifindex, ifindex_of("va"));
	assert_addr6(r.gateway, "::");
	assert_addr6(r.prefsrc, "2001:2:0:a::1");
}

static void route_lookup_gives_the_source_a_route_names(void **state)
{
	struct netif_route6 r;
	uint8_t d[16];

	(void)state;
	need_namespaces();
	addr6("2001:2:0:2::9", d);
	assert_int_equal(netif_route6_lookup(d, NULL, 0, &r), 0);
	assert_addr6(r.gateway, "2001:2:0:a::2");
	assert_addr6(r.prefsrc, "2001:2:0:5::1");
}

/* As ip -6 route get 2001:2:0:7::9 from 2001:2:0:a::1: the rule on the source picks its table. */
static void route_lookup_from_a_source_follows_its_rule(void **state)
{
	struct netif_route6 r;
	uint8_t d[16], src[16];

	(void)state;
	need_namespaces();
	addr6("2001:2:0:7::9", d);
	addr6("2001:2:0:a::1", src);
	assert_int_equal(netif_route6_lookup(d, NULL, 0, &r), 0);
	assert_addr6(r.gateway, "2001:2:0:a::2");
	assert_int_equal(netif_route6_lookup(d, src, ifindex_of("va"), &r), 0);
	assert_int_equal(r.ifindex, ifindex_of("va"));
	assert_addr6(r.gateway, "2001:2:0:a::3");
}

/* In b, which has no default route. */
static void route_lookup_without_a_route_is_enetunreach(void **state)
{
	struct netif_route6 r;
	uint8_t d[16];

	(void)state;
	need_namespaces();
	addr6("2001:2:0:dead::1", d);
	assert_int_equal(netif_route6_lookup(d, NULL, 0, &r), -ENETUNREACH);
}

static void route_lookup_through_an_interface_without_a_route_is_enetunreach(void **state)
{
	struct netif_route6 r;
	uint8_t d[16];

	(void)state;
	need_namespaces();
	addr6("2001:2:0:1::5", d);
	assert_int_equal(netif_route6_lookup(d, NULL, ifindex_of("lo"), &r), -ENETUNREACH);
}

static void neigh_resolve_asks_the_kernel_and_lookup_then_finds_it(void **state)
{
	uint8_t gw[16], want[6], mac[6];
	int va;

	(void)state;
	need_namespaces();
	addr6("2001:2:0:a::2", gw);
	va = ifindex_of("va");
	mac_of_b(want);
	assert_int_equal(sh("ip -n %s -6 neigh flush dev va", ns_a), 0);
	assert_int_equal(netif_neigh6_lookup(va, gw, mac), -ENOENT);

	memset(mac, 0, sizeof(mac));
	assert_int_equal(netif_neigh6_resolve(va, gw, mac, 2000), 0);
	assert_memory_equal(mac, want, 6);

	memset(mac, 0, sizeof(mac));
	assert_int_equal(netif_neigh6_lookup(va, gw, mac), 0);
	assert_memory_equal(mac, want, 6);
}

/* The entry stays INCOMPLETE, then FAILED: neither is usable. */
static void neigh_resolve_of_an_address_nobody_has_times_out(void **state)
{
	uint8_t nobody[16], mac[6] = { 0 }, zero[6] = { 0 };
	struct timespec t0;
	double ms;
	int va;

	(void)state;
	need_namespaces();
	addr6("2001:2:0:a::99", nobody);
	va = ifindex_of("va");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(netif_neigh6_resolve(va, nobody, mac, 1500), -EHOSTUNREACH);
	ms = ms_since(&t0);
	assert_true(ms >= 1500.0);
	assert_true(ms < 2500.0);
	assert_memory_equal(mac, zero, 6);
	assert_int_equal(netif_neigh6_lookup(va, nobody, mac), -ENOENT);
}

/* Nothing is sent for these: each answer comes at once. */
static void neigh_resolve_refuses_what_is_not_a_neighbour(void **state)
{
	const char *refused[] = { "2001:2:0:1::5", "2001:2:0:a::1", "ff02::1", "::" };
	uint8_t a[16], mac[6];
	struct timespec t0;
	int va;

	(void)state;
	need_namespaces();
	va = ifindex_of("va");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		addr6(refused[i], a);
		assert_int_equal(netif_neigh6_resolve(va, a, mac, 1000), -EINVAL);
	}
	addr6("2001:2:0:a::2", a);
	assert_int_equal(netif_neigh6_resolve(0, a, mac, 1000), -EINVAL);
	assert_true(ms_since(&t0) < 500.0);
}

static void ipv6_address_is_the_first_global_usable_one(void **state)
{
	uint8_t a[16];

	(void)state;
	need_namespaces();
	assert_int_equal(netif_ipv6_address(ifindex_of("va"), a), 0);
	assert_addr6(a, "2001:2:0:a::1");
}

/* In b, whose lo has only ::1, of host scope. */
static void ipv6_address_of_an_interface_without_one_is_enoent(void **state)
{
	uint8_t a[16];

	(void)state;
	need_namespaces();
	assert_int_equal(netif_ipv6_address(ifindex_of("lo"), a), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(route_lookup_gives_interface_gateway_and_chosen_source,
				       in_a),
		cmocka_unit_test_setup(route_lookup_of_an_on_link_address_has_no_gateway, in_a),
		cmocka_unit_test_setup(route_lookup_gives_the_source_a_route_names, in_a),
		cmocka_unit_test_setup(route_lookup_from_a_source_follows_its_rule, in_a),
		cmocka_unit_test_setup(route_lookup_without_a_route_is_enetunreach, in_b),
		cmocka_unit_test_setup(
			route_lookup_through_an_interface_without_a_route_is_enetunreach, in_a),
		cmocka_unit_test_setup(neigh_resolve_asks_the_kernel_and_lookup_then_finds_it,
				       in_a),
		cmocka_unit_test_setup(neigh_resolve_of_an_address_nobody_has_times_out, in_a),
		cmocka_unit_test_setup(neigh_resolve_refuses_what_is_not_a_neighbour, in_a),
		cmocka_unit_test_setup(ipv6_address_is_the_first_global_usable_one, in_a),
		cmocka_unit_test_setup(ipv6_address_of_an_interface_without_one_is_enoent, in_b),
	};

	return cmocka_run_group_tests_name("netif6", tests, group_setup, group_teardown);
}
