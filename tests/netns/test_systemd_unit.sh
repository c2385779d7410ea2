# contrib/systemd/salvo@.service against what salvo does: its RestrictAddressFamilies= must
# allow every socket family salvo opens, and (with every engine built in) allow no other.
# The families are not read from the source but watched: salvo runs under strace -f -e
# trace=socket in the test bed's scanner namespace, with each engine built in, over IPv4 and
# IPv6 (with a cold IPv6 neighbour table, so that Neighbor Discovery runs), with --control and
# --user, and as a dry run.  systemd cannot run the unit here (no systemd as PID 1), so the
# unit is parsed; systemd-analyze verify checks its syntax when it is installed.  Run by
# runner.sh; every engine is tried by the one test, whatever ENGINE says.

ALL_TESTS="test_systemd_unit_allows_exactly_the_socket_families_salvo_opens"

# unit_trace NAME ARGS...: salvo ARGS in the scanner namespace under strace; the families of
# its socket() calls (attempted or not) go to $TMP/families.NAME.
unit_trace() {
	local name=$1 status
	shift
	# LeakSanitizer cannot run under ptrace (make test-asan's build): leaks are not this test's.
	ip netns exec "$S" env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=socket -o "$TMP/strace.$name" \
		"$SALVO" -q -c 0 "$@" >/dev/null 2>"$TMP/err.$name"
	status=$?
	grep -o 'socket(AF_[A-Z0-9]*' "$TMP/strace.$name" | sed 's/^socket(//' | sort -u \
		>"$TMP/families.$name"
	log "$name: exit $status, families: $(tr '\n' ' ' <"$TMP/families.$name")"
	[ $status = 0 ] || { log "$name: $(head -3 "$TMP/err.$name")"; return 1; }
}

# unit_families UNIT: the address families the unit's RestrictAddressFamilies= allow, a line
# each (an empty assignment resets the list, as systemd reads it; a deny list "~..." is an
# error here: the unit is meant to name what it allows).
unit_families() {
	awk -F= '
	/^RestrictAddressFamilies=/ {
		v = substr($0, index($0, "=") + 1)
		if (v ~ /^~/) { print "DENY-LIST"; exit }
		if (v == "") { delete fam; next }
		n = split(v, w, /[ \t]+/)
		for (i = 1; i <= n; i++) if (w[i] != "") fam[w[i]] = 1
	}
	END { for (f in fam) print f }' "$1" | sort -u
}

test_systemd_unit_allows_exactly_the_socket_families_salvo_opens() {
	skip_if_not_root || return
	skip_if_missing strace || return
	local unit=$ROOT/contrib/systemd/salvo@.service engines all_built=1 eal
	S="salvo-unit-$$-s"
	T="salvo-unit-$$-t"
	TMP=$(mktemp -d /tmp/salvo-netns.XXXXXX)
	NS_LIST+=("$S" "$T")
	testbed_create "$S" "$T" 1 || return 1
	testbed_ipv6_target "$T" || return 1
	testbed_ipv6_scanner "$S" || return 1
	engines=$("$SALVO" --list-io-engines)

	# The kernel engines: IPv4, then IPv6 from a cold neighbour table (salvo's Neighbor
	# Discovery opens an ICMPv6 socket to have the kernel solicit the next hop).
	unit_trace dryrun4 --dryrun -b /dev/null -p 80 198.18.1.0/30 || return 1
	ip -n "$S" -6 neigh flush dev sv0
	unit_trace dryrun6 --dryrun -b /dev/null -p 80 2001:2:0:1::/126 || return 1
	for engine in af_packet af_xdp; do
		if ! grep -q "^$engine  *yes" <<<"$engines"; then
			all_built=0
			continue
		fi
		unit_trace "$engine-4" --io-engine=$engine -b /dev/null -p 80 198.18.1.0/30 ||
			return 1
		ip -n "$S" -6 neigh flush dev sv0
		unit_trace "$engine-6" --io-engine=$engine -b /dev/null -p 80 2001:2:0:1::/126 ||
			return 1
	done
	# What the unit's config may add: a control socket and another user.
	unit_trace control --control "$TMP/control.sock" --user nobody -b /dev/null -p 80 \
		198.18.1.0/30 || return 1

	# dpdk on DPDK's virtual devices over the veth, as test_dpdk.sh runs it: sv0 without its
	# addresses (salvo is 198.18.0.1 and 2001:2::1 itself and answers ARP and NDP).
	if grep -q "^dpdk  *yes" <<<"$engines"; then
		ip -n "$S" addr flush dev sv0 || return 1
		ip -n "$T" neigh del 198.18.0.1 dev tv0
		for dev in af_packet af_xdp; do
			eal="--vdev=net_${dev}0,iface=sv0 --no-huge -m 512 --no-pci"
			unit_trace "dpdk-$dev-4" --io-engine=dpdk "--dpdk-eal-args=$eal" -S 198.18.0.1 \
				--gateway-ip 198.18.0.2 -b /dev/null -p 80 198.18.1.0/30 || return 1
		done
		unit_trace dpdk-6 --io-engine=dpdk \
			"--dpdk-eal-args=--vdev=net_af_packet0,iface=sv0 --no-huge -m 512 --no-pci" \
			--ipv6-source-ip 2001:2::1 --gateway-ipv6 2001:2::2 -b /dev/null -p 80 \
			2001:2:0:1::/126 || return 1
	else
		all_built=0
	fi

	sort -u "$TMP"/families.* >"$TMP/opened"
	unit_families "$unit" >"$TMP/allowed"
	log "salvo opened: $(tr '\n' ' ' <"$TMP/opened")"
	log "the unit allows: $(tr '\n' ' ' <"$TMP/allowed")"
	local missing extra
	missing=$(comm -23 "$TMP/opened" "$TMP/allowed" | tr '\n' ' ')
	extra=$(comm -13 "$TMP/opened" "$TMP/allowed" | tr '\n' ' ')
	[ -n "$missing" ] && log "opened but not allowed by the unit: $missing"
	[ -n "$extra" ] && log "allowed by the unit but never opened: $extra"
	# An IPv6 scan's family must be among those watched, or the test proves little.
	grep -qx AF_INET6 "$TMP/opened" || { log "no IPv6 socket was seen"; return 1; }
	[ -z "$missing" ] || return 1
	# Only with every engine built in has every family a reason to be watched.
	[ $all_built = 0 ] || [ -z "$extra" ] || return 1

	if command -v systemd-analyze >/dev/null; then
		mkdir -p "$TMP/unit"
		sed "s#^ExecStart=/usr/bin/salvo #ExecStart=$SALVO #" "$unit" >"$TMP/unit/salvo@x.service"
		(cd "$TMP/unit" && systemd-analyze verify --man=no salvo@x.service) >"$TMP/verify" 2>&1
		log "systemd-analyze verify: exit $?, $(wc -l <"$TMP/verify") lines"
		[ ! -s "$TMP/verify" ] || { sed 's/^/      /' "$TMP/verify"; return 1; }
	else
		log "systemd-analyze not installed: the unit's syntax is not verified"
	fi
}
