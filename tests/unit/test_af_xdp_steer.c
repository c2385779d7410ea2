/*
 * Unit test of salvo's XDP steering program (src/bpf/xdp_steer.bpf.c) and of the config the
 * af_xdp engine writes for it: the object embedded in salvo is loaded (the verifier sees it
 * as the engine's load does), configured by the engine's own afxdp_configure, and run on
 * frames built here with BPF_PROG_TEST_RUN, which returns the program's verdict and sends
 * nothing.
 *
 * An XSK map slot takes only a bound AF_XDP socket, and with the slot empty the program's
 * redirect falls back to XDP_PASS, so steered and passed frames would look alike.  The test
 * therefore gives the program a device map in xsks_map's place, whose slot 0 names the
 * loopback of a network namespace of the test's own: a steered frame returns XDP_REDIRECT.
 * Needs root (a namespace, CAP_BPF, CAP_NET_ADMIN); skipped without, and under valgrind,
 * whose model of bpf() (3.19) reports bytes the kernel never reads as uninitialised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#ifdef SALVO_HAVE_AF_XDP
/* The engine's file, with its table entry renamed so it does not clash with the library's. */
#define io_af_xdp_ops test_af_xdp_ops
#include "../../src/io/af_xdp.c"
#undef io_af_xdp_ops

#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sched.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#define OUR4	    "198.18.0.1"
#define OUR6	    "2001:2::1"
#define TARGET6	    "2001:2:0:1::5"
#define SPORT_FIRST 40000
#define SPORT_COUNT 16
#define SPORT_LAST  (SPORT_FIRST + SPORT_COUNT - 1)
#define ALL_REPLIES                                                                                \
	(PROBE_REPLY_TCP | PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR | PROBE_REPLY_ICMP_ECHO)

#define IPV6_HOP_BY_HOP	    0
#define ICMP4_ECHO_REPLY    0
#define ICMP4_UNREACHABLE   3
#define ICMP6_UNREACHABLE   1
#define ICMP6_TOO_BIG	    2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAMETER	    4
#define ICMP6_ECHO	    128
#define ICMP6_ECHO_REPLY    129

/* The program, loaded once for every case; fd -1 when this process may not load it. */
static struct bpf_object *steer_obj;
static int steer_fd = -1;

/* A device map for xsks_map's place (see the top of the file), its slot 0 the loopback. */
static int devmap_create(void)
{
	__u32 key = 0, lo = if_nametoindex("lo");
	int fd = bpf_map_create(BPF_MAP_TYPE_DEVMAP, "xsks_map", sizeof(__u32), sizeof(__u32),
				STEER_XSKS_MAX, NULL);

	if (fd < 0)
		return fd;
	if (!lo || bpf_map_update_elem(fd, &key, &lo, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* In a namespace of its own the test's device map names no interface but that one's lo. */
static int steer_setup(void **state)
{
	struct bpf_program *prog;
	int devmap, ret;
	(void)state;

	libbpf_set_print(afxdp_libbpf_print);
	if (RUNNING_ON_VALGRIND || unshare(CLONE_NEWNET) || (devmap = devmap_create()) < 0)
		return 0; /* every case skips */
	steer_obj = bpf_object__open_mem(salvo_xdp_steer_obj, salvo_xdp_steer_obj_len, NULL);
	if (!steer_obj ||
	    bpf_map__reuse_fd(bpf_object__find_map_by_name(steer_obj, "xsks_map"), devmap)) {
		close(devmap);
		return -1;
	}
	close(devmap);
	/* The verifier's refusal is a failure, not a skip: it is what the engine would meet. */
	if ((ret = bpf_object__load(steer_obj))) {
		fprintf(stderr, "loading the XDP program: %s\n", strerror(-ret));
		return -1;
	}
	prog = bpf_object__find_program_by_name(steer_obj, AFXDP_PROG_NAME);
	steer_fd = prog ? bpf_program__fd(prog) : -1;
	return steer_fd < 0 ? -1 : 0;
}

static int steer_teardown(void **state)
{
	(void)state;
	bpf_object__close(steer_obj);
	return 0;
}

/* Configure the program through the engine, as a scan with these replies (and IPv6 targets,
 * when ipv6) from these sources (count of them; none: OUR4 alone) would. */
static void configure_from(unsigned replies, int ipv6, const uint32_t *sources, unsigned count)
{
	struct io_config cfg = { .rx_sport_first = SPORT_FIRST,
				 .rx_sport_count = SPORT_COUNT,
				 .replies = replies,
				 .rx_ipv6 = ipv6,
				 .rx_daddrs = sources,
				 .rx_daddr_count = count };
	struct in_addr a4;

	if (steer_fd < 0)
		skip();
	assert_int_equal(inet_pton(AF_INET, OUR4, &a4), 1);
	cfg.rx_daddr = count ? sources[0] : ntohl(a4.s_addr);
	if (ipv6)
		assert_int_equal(inet_pton(AF_INET6, OUR6, cfg.rx_daddr6), 1);
	assert_int_equal(afxdp_configure(steer_obj, &cfg), 0);
}

static void configure(unsigned replies, int ipv6)
{
	configure_from(replies, ipv6, NULL, 0);
}

static int verdict(const uint8_t *frame, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (__u32)len,
		    .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(steer_fd, &opts), 0);
	return (int)opts.retval;
}

/* What follows the IP header: a TCP or UDP header to port, or an ICMP(v6) header of type. */
static size_t l4_write(uint8_t *p, uint8_t proto, uint16_t port_or_type)
{
	switch (proto) {
	case IPPROTO_TCP:
		memset(p, 0, 20);
		p[2] = (uint8_t)(port_or_type >> 8);
		p[3] = (uint8_t)port_or_type;
		p[12] = 5 << 4;
		p[13] = 0x12; /* SYN-ACK */
		return 20;
	case IPPROTO_UDP:
		memset(p, 0, 8);
		p[2] = (uint8_t)(port_or_type >> 8);
		p[3] = (uint8_t)port_or_type;
		p[5] = 8;
		return 8;
	default:
		memset(p, 0, 8);
		p[0] = (uint8_t)port_or_type;
		return 8;
	}
}

/* An Ethernet header (with an 802.1Q tag when vlan) for ethertype; returns its length. */
static size_t eth_write(uint8_t *f, uint16_t ethertype, int vlan)
{
	size_t off = 12;

	memset(f, 0x02, 12);
	if (vlan) {
		f[off++] = 0x81;
		f[off++] = 0x00;
		f[off++] = 0x00;
		f[off++] = 0x07;
	}
	f[off++] = (uint8_t)(ethertype >> 8);
	f[off++] = (uint8_t)ethertype;
	return off;
}

/* An IPv6 frame from TARGET6 to dst whose Next Header is proto, carrying what l4_write
 * writes, behind a hop-by-hop header when ext, in a VLAN tag when vlan; returns its length. */
static size_t frame6(uint8_t *f, const char *dst, uint8_t proto, uint16_t port_or_type, int ext,
		     int vlan)
{
	size_t ip = eth_write(f, ETH_P_IPV6, vlan), off = ip + 40, len;

	memset(f + ip, 0, 40);
	f[ip] = 6 << 4;
	f[ip + 6] = ext ? IPV6_HOP_BY_HOP : proto;
	f[ip + 7] = 64;
	assert_int_equal(inet_pton(AF_INET6, TARGET6, f + ip + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, f + ip + 24), 1);
	if (ext) {
		memset(f + off, 0, 8);
		f[off] = proto; /* length 0: eight bytes, padding only */
		f[off + 2] = 1; /* PadN */
		f[off + 3] = 4;
		off += 8;
	}
	len = l4_write(f + off, proto, port_or_type);
	f[ip + 4] = (uint8_t)((off - ip - 40 + len) >> 8);
	f[ip + 5] = (uint8_t)(off - ip - 40 + len);
	return off + len;
}

static int verdict6(const char *dst, uint8_t proto, uint16_t port_or_type)
{
	uint8_t f[128];

	return verdict(f, frame6(f, dst, proto, port_or_type, 0, 0));
}

static int verdict4(const char *dst, uint8_t proto, uint16_t port_or_type)
{
	uint8_t f[128];
	size_t ip = eth_write(f, ETH_P_IP, 0), len;

	memset(f + ip, 0, 20);
	f[ip] = 0x45;
	f[ip + 8] = 64;
	f[ip + 9] = proto;
	assert_int_equal(inet_pton(AF_INET, "198.18.1.5", f + ip + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, f + ip + 16), 1);
	len = l4_write(f + ip + 20, proto, port_or_type);
	f[ip + 3] = (uint8_t)(20 + len);
	return verdict(f, ip + 20 + len);
}

static void config_map_holds_the_ipv6_address_as_on_the_wire(void **state)
{
	struct bpf_map *map;
	struct steer_config sc;
	uint8_t want[16];
	__u32 key = 0;
	(void)state;

	configure(PROBE_REPLY_TCP, 1);
	map = bpf_object__find_map_by_name(steer_obj, "config_map");
	assert_non_null(map);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(map), &key, &sc), 0);
	assert_int_equal(inet_pton(AF_INET6, OUR6, want), 1);
	assert_memory_equal(sc.daddr6, want, 16);
	assert_int_equal(sc.ipv6, 1);
	assert_int_equal(sc.sport_first, SPORT_FIRST);
	assert_int_equal(sc.sport_last, SPORT_LAST);
	assert_int_equal(sc.replies, PROBE_REPLY_TCP);
}

static void ipv6_tcp_to_our_ports_is_steered_and_no_other_port(void **state)
{
	(void)state;
	configure(PROBE_REPLY_TCP, 1);
	assert_int_equal(verdict6(OUR6, IPPROTO_TCP, SPORT_FIRST), XDP_REDIRECT);
	assert_int_equal(verdict6(OUR6, IPPROTO_TCP, SPORT_LAST), XDP_REDIRECT);
	assert_int_equal(verdict6(OUR6, IPPROTO_TCP, SPORT_FIRST - 1), XDP_PASS);
	assert_int_equal(verdict6(OUR6, IPPROTO_TCP, SPORT_LAST + 1), XDP_PASS);
	assert_int_equal(verdict6(OUR6, IPPROTO_TCP, 22), XDP_PASS);
}

static void ipv6_udp_is_steered_only_when_the_probe_expects_udp(void **state)
{
	(void)state;
	configure(PROBE_REPLY_TCP, 1);
	assert_int_equal(verdict6(OUR6, IPPROTO_UDP, SPORT_FIRST), XDP_PASS);
	configure(PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR, 1);
	assert_int_equal(verdict6(OUR6, IPPROTO_UDP, SPORT_FIRST), XDP_REDIRECT);
	assert_int_equal(verdict6(OUR6, IPPROTO_UDP, SPORT_LAST + 1), XDP_PASS);
	assert_int_equal(verdict6(OUR6, IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
}

/* Each of the address's four words compared: another address differs in one of them. */
static void ipv6_to_another_address_passes(void **state)
{
	static const char *const others[] = { "2001:3::1", "2001:2:0:1::1",  "2001:2::1:0:0:1",
					      "2001:2::2", "ff02::1:ff00:1", "::" };
	(void)state;

	configure(ALL_REPLIES, 1);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		assert_int_equal(verdict6(others[i], IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
		assert_int_equal(verdict6(others[i], IPPROTO_ICMPV6, ICMP6_UNREACHABLE), XDP_PASS);
	}
}

/* The kernel must keep answering Neighbor Discovery for our address: the target finds our
 * MAC by it, and so does the scan find the next hop's before the engine opens. */
static void neighbor_discovery_passes_whatever_the_probe_expects(void **state)
{
	(void)state;
	configure(ALL_REPLIES, 1);
	for (uint16_t type = 133; type <= 137; type++)
		assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, type), XDP_PASS);
}

static void icmp6_errors_are_steered_when_expected_but_not_too_big(void **state)
{
	(void)state;
	configure(PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR, 1);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_UNREACHABLE), XDP_REDIRECT);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_TIME_EXCEEDED), XDP_REDIRECT);
	/* Path MTU discovery is the kernel's. */
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_TOO_BIG), XDP_PASS);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_PARAMETER), XDP_PASS);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_ECHO_REPLY), XDP_PASS);
	configure(PROBE_REPLY_TCP, 1);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_UNREACHABLE), XDP_PASS);
}

static void icmp6_echo_replies_are_steered_when_expected(void **state)
{
	(void)state;
	configure(PROBE_REPLY_ICMP_ECHO, 1);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_ECHO_REPLY), XDP_REDIRECT);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_ECHO), XDP_PASS);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_UNREACHABLE), XDP_PASS);
	configure(PROBE_REPLY_ICMP_ERROR, 1);
	assert_int_equal(verdict6(OUR6, IPPROTO_ICMPV6, ICMP6_ECHO_REPLY), XDP_PASS);
}

static void ipv6_passes_when_the_scan_has_no_ipv6_targets(void **state)
{
	(void)state;
	configure(ALL_REPLIES, 0);
	assert_int_equal(verdict6(OUR6, IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
	assert_int_equal(verdict6("::", IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
}

/* The documented limit: only a Next Header of TCP, UDP or ICMPv6 is looked at. */
static void ipv6_behind_an_extension_header_passes(void **state)
{
	uint8_t f[128];
	(void)state;

	configure(ALL_REPLIES, 1);
	assert_int_equal(verdict(f, frame6(f, OUR6, IPPROTO_TCP, SPORT_FIRST, 1, 0)), XDP_PASS);
}

static void ipv6_in_a_vlan_tag_is_steered(void **state)
{
	uint8_t f[128];
	(void)state;

	configure(PROBE_REPLY_TCP, 1);
	assert_int_equal(verdict(f, frame6(f, OUR6, IPPROTO_TCP, SPORT_FIRST, 0, 1)), XDP_REDIRECT);
	assert_int_equal(verdict(f, frame6(f, OUR6, IPPROTO_TCP, 22, 0, 1)), XDP_PASS);
}

static void truncated_ipv6_frames_pass(void **state)
{
	uint8_t f[128];
	size_t len;
	(void)state;

	configure(ALL_REPLIES, 1);
	len = frame6(f, OUR6, IPPROTO_TCP, SPORT_FIRST, 0, 0);
	assert_int_equal(verdict(f, len), XDP_REDIRECT);
	assert_int_equal(verdict(f, len - 1), XDP_PASS);       /* TCP header cut */
	assert_int_equal(verdict(f, ETH_HLEN + 39), XDP_PASS); /* IPv6 header cut */
	(void)frame6(f, OUR6, IPPROTO_ICMPV6, ICMP6_UNREACHABLE, 0, 0);
	assert_int_equal(verdict(f, ETH_HLEN + 40 + 3), XDP_PASS); /* ICMPv6 header cut */
}

static void ipv4_is_steered_as_before(void **state)
{
	uint8_t f[64];
	(void)state;

	configure(PROBE_REPLY_TCP | PROBE_REPLY_ICMP_ERROR, 1);
	assert_int_equal(verdict4(OUR4, IPPROTO_TCP, SPORT_FIRST), XDP_REDIRECT);
	assert_int_equal(verdict4(OUR4, IPPROTO_TCP, SPORT_LAST + 1), XDP_PASS);
	assert_int_equal(verdict4("198.18.0.2", IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
	assert_int_equal(verdict4(OUR4, IPPROTO_UDP, SPORT_FIRST), XDP_PASS);
	assert_int_equal(verdict4(OUR4, IPPROTO_ICMP, ICMP4_UNREACHABLE), XDP_REDIRECT);
	assert_int_equal(verdict4(OUR4, IPPROTO_ICMP, ICMP4_ECHO_REPLY), XDP_PASS);
	/* ARP is the kernel's. */
	memset(f, 0, sizeof(f));
	assert_int_equal(verdict(f, eth_write(f, ETH_P_ARP, 0) + 28), XDP_PASS);
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* -S 198.18.0.10-198.18.0.17: replies to each source are steered, to its neighbours not. */
static void ipv4_to_any_source_of_a_range_is_steered(void **state)
{
	uint32_t range[8];
	(void)state;

	for (unsigned i = 0; i < 8; i++)
		range[i] = IP4(198, 18, 0, 10 + i);
	configure_from(PROBE_REPLY_TCP, 0, range, 8);
	for (unsigned i = 10; i <= 17; i++) {
		char a[16];

		snprintf(a, sizeof(a), "198.18.0.%u", i);
		assert_int_equal(verdict4(a, IPPROTO_TCP, SPORT_FIRST), XDP_REDIRECT);
	}
	assert_int_equal(verdict4("198.18.0.9", IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
	assert_int_equal(verdict4("198.18.0.18", IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
	assert_int_equal(verdict4(OUR4, IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
	assert_int_equal(verdict4("198.18.0.12", IPPROTO_TCP, SPORT_LAST + 1), XDP_PASS);
}

/* -S 198.18.0.10,198.18.0.12,198.18.0.20: the gaps between them are not ours (the host's
 * own traffic there goes to its kernel); the list's addresses are. */
static void ipv4_to_a_gap_of_a_list_passes(void **state)
{
	const uint32_t list[3] = { IP4(198, 18, 0, 10), IP4(198, 18, 0, 12), IP4(198, 18, 0, 20) };
	(void)state;

	configure_from(PROBE_REPLY_TCP, 0, list, 3);
	assert_int_equal(verdict4("198.18.0.10", IPPROTO_TCP, SPORT_FIRST), XDP_REDIRECT);
	assert_int_equal(verdict4("198.18.0.12", IPPROTO_TCP, SPORT_FIRST), XDP_REDIRECT);
	assert_int_equal(verdict4("198.18.0.20", IPPROTO_TCP, SPORT_FIRST), XDP_REDIRECT);
	assert_int_equal(verdict4("198.18.0.11", IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
	assert_int_equal(verdict4("198.18.0.19", IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
	assert_int_equal(verdict4("198.18.0.21", IPPROTO_TCP, SPORT_FIRST), XDP_PASS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_map_holds_the_ipv6_address_as_on_the_wire),
		cmocka_unit_test(ipv6_tcp_to_our_ports_is_steered_and_no_other_port),
		cmocka_unit_test(ipv6_udp_is_steered_only_when_the_probe_expects_udp),
		cmocka_unit_test(ipv6_to_another_address_passes),
		cmocka_unit_test(neighbor_discovery_passes_whatever_the_probe_expects),
		cmocka_unit_test(icmp6_errors_are_steered_when_expected_but_not_too_big),
		cmocka_unit_test(icmp6_echo_replies_are_steered_when_expected),
		cmocka_unit_test(ipv6_passes_when_the_scan_has_no_ipv6_targets),
		cmocka_unit_test(ipv6_behind_an_extension_header_passes),
		cmocka_unit_test(ipv6_in_a_vlan_tag_is_steered),
		cmocka_unit_test(truncated_ipv6_frames_pass),
		cmocka_unit_test(ipv4_is_steered_as_before),
		cmocka_unit_test(ipv4_to_any_source_of_a_range_is_steered),
		cmocka_unit_test(ipv4_to_a_gap_of_a_list_passes),
	};

	return cmocka_run_group_tests_name("af_xdp steering", tests, steer_setup, steer_teardown);
}
#else
static void af_xdp_not_built(void **state)
{
	(void)state;
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(af_xdp_not_built) };

	return cmocka_run_group_tests_name("af_xdp steering", tests, NULL, NULL);
}
#endif
