#!/usr/bin/env bash
# Install every Debian package salvo's build, tests and demo need.  Idempotent: packages
# already present are left alone, and apt is only asked when something is missing.
set -eu

PACKAGES=(
	build-essential  # gcc, make, libc headers: the build
	pkg-config       # finds cmocka's flags
	libcmocka-dev    # unit tests
	iproute2         # ip netns / veth: the namespace test bed and the demo
	python3-yaml     # a test reads contrib/kubernetes/indexed-job.yaml
	python3          # target-side helpers of the namespace tests (listeners, sniffer, forger)
	util-linux       # unshare and setpriv: CLI tests run unprivileged without a network
	procps           # sysctl: the test bed turns IPv6 off in its namespaces
	libpcap-dev      # --dryrun writes probes as pcap files
	libcap-dev       # dropping capabilities after set-up (least privilege)
	libcap2-bin      # setcap: tests run salvo unprivileged with file capabilities
	tcpdump          # tests read the dry-run pcap files back and time probes on the target
	bc               # tests compute rates from packet timestamps
	strace           # a test watches which socket families salvo opens (the systemd unit's)
	libxdp-dev       # the af_xdp engine: AF_XDP sockets (xsk API)
	libbpf-dev       # the af_xdp engine: loading and attaching the XDP program
	libelf-dev       # libbpf's object loader
	libdpdk-dev      # the dpdk engine: EAL, ethdev, mbufs (DPDK 22.11)
	librte-net-null23       # dpdk tests: net_null, a port that drops everything
	librte-net-af-packet23  # dpdk tests: net_af_packet on a veth
	librte-net-af-xdp23     # dpdk tests: net_af_xdp on a veth
	clang            # compiles the XDP program (clang -target bpf) and the fuzz targets
	clang-format     # make check: the C files formatted as .clang-format says
	libclang-rt-14-dev # libFuzzer and the sanitizer runtimes for clang (make fuzz)
	llvm             # llvm-strip/objdump for BPF objects
	debhelper        # a test builds the Debian package (dpkg-buildpackage, dh)
	dpkg-dev         # dpkg-buildpackage
	valgrind         # make test-valgrind: unit tests and namespace scans under memcheck
	groff-base       # tests render the man page (build/salvo.1) and check it for warnings
	bsdextrautils    # col: the rendered man page as plain text for those checks
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
