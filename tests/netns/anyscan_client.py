#!/usr/bin/env python3
"""An orchestrator client written from the scanner contract in issue 8, to test salvo as a drop-in.

Reads a job as JSON on stdin (target_range, ports, rate_limit, optional output_path,
checkpoint_path, resume, sender_threads, receiver_threads, probe_module, io_engine,
cooldown_time, blacklist_file, interface), finds the scanner ($SCANNER_BIN, resolving symlinks),
runs
    scanner --target-range R --port P --probe-module tcp|udp --sender-threads N --receivers N
            --cooldown-time S --output-file F [--checkpoint-file C] [--resume] --rate N
            [--interface I] [--blacklist-file B] [--io-engine=E] [$SCANNER_EXTRA_ARGS]
(prefixed by $SCANNER_WRAP, which the tests use for "ip netns exec NS"), turns progress lines
on stderr into F.progress (JSON), and after exit 0 reads F: the first token of each line is
"ip" (one port asked) or "ip:port", kept if inside the range and ports asked, deduplicated.
Prints the result as JSON; a non-zero exit of the scanner prints its stderr and exits 1.

A rate window, measured as the orchestrator's rate controller measures one: with
"window_seconds" the client starts the scanner in its own process group, waits that long, then
signals the whole group: SIGINT, SIGTERM 5 s later if it is still alive, SIGKILL 5 s after
that ("stop_signal" picks where the sequence starts: INT, TERM or KILL).  The window lasts
from spawn until the scanner has exited; with "stats_interface" the achieved rate is the
growth of that interface's tx_packets (read through $SCANNER_WRAP) over that time.  A window
is a slip when the achieved rate is below 0.9 x the set rate or tx_dropped grew, unless the
scanner exited 0 on its own before the window ended (the scan finished): that is never one.
The result then holds "window": {seconds, tx_packets, tx_dropped, achieved, slip, finished,
exit, spawn, end, progress, signal_to_exit, stop_signal, killed} (spawn and end on the
monotonic clock; signal_to_exit, when the window was cut, from the first signal to the exit;
killed when the exit status is one of the client's own signals).

The controller's loop: with "aimd": {"windows": N, "step": S, "floor": F}, the client runs
windows one after another, each respawn with --resume, until the scanner finishes on its own
(or N windows): a slip halves the rate (not below F), any other window adds S.  The result
then holds "windows": [each window's facts with its "rate"].  With "stop_signals" (a list,
e.g. ["INT", "TERM", "KILL"]) window i starts its signal sequence at stop_signals[i mod len],
so that a test sees each way a window can end; each window's facts name it ("stop_signal").

Multi-NIC fan-out, as the adapter does it when given several interfaces ("interfaces": "a,b"
in the job, or $ANYSCAN_SCANNER_INTERFACES): the IPv4 target range is split into one
contiguous range per interface, of equal host counts (the first ones one host more when they
do not divide), and one scanner runs per interface, at most 4 at once, with only
--interface pinned (no --source-ip, no --gateway-mac: one global value cannot fit every NIC),
its own output F.shard-N and checkpoint C.shard-N, and its own windows (judged by its own
interface's counters) at its share of the rate: the job's rate divided evenly (the contract
does not say; the job's rate stays the total).  The outputs are merged as one; one failing
child fails the job.  The result then holds "shards": [each child's interface, range, output,
open count, and window facts].
"""
import ipaddress
import json
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import time

PROGRESS = re.compile(
    r"(\d+):(\d+)\s+(\d+)%;\s+send:\s+(\d+)\s+[0-9.]+\s*[KMG]?p/s\s+\([0-9.]+\s*[KMG]?p/s\s+avg\);"
    r"\s+recv:\s+(\d+)\s+[0-9.]+\s*[KMG]?p/s;")


def parse_ports(spec):
    ports = set()
    for part in str(spec).split(","):
        lo, _, hi = part.partition("-")
        ports.update(range(int(lo), int(hi or lo) + 1))
    return ports


def parse_range(spec):
    if "-" in spec:
        lo, hi = (ipaddress.ip_address(x) for x in spec.split("-"))
        return lambda a: lo <= a <= hi
    net = ipaddress.ip_network(spec, strict=False)
    return lambda a: a in net


def read_stat(iface, name):
    path = "/sys/class/net/%s/statistics/%s" % (iface, name)
    cmd = shlex.split(os.environ.get("SCANNER_WRAP", "")) + ["cat", path]
    return int(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def run_window(cmd, job, rate, first_signal=None):
    """Runs the scanner for one window; returns (returncode, stdout, stderr, window facts)."""
    iface = job.get("stats_interface")
    first_signal = first_signal or job.get("stop_signal", "INT")
    before = {k: read_stat(iface, k) for k in ("tx_packets", "tx_dropped")} if iface else None
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    finished, signalled = True, None
    try:
        out, err = proc.communicate(timeout=float(job["window_seconds"]))
    except subprocess.TimeoutExpired:
        finished, signalled = False, time.monotonic()
        order = ["INT", "TERM", "KILL"]
        # A pidfd tells the moment of exit: Popen.wait(timeout) polls at up to 50 ms.
        pidfd = os.pidfd_open(proc.pid)
        sent = []
        for name in order[order.index(first_signal):]:
            try:
                os.killpg(proc.pid, getattr(signal, "SIG" + name))
            except ProcessLookupError:
                break
            sent.append(-getattr(signal, "SIG" + name))
            if select.select([pidfd], [], [], 5)[0]:
                break
        end = time.monotonic()
        os.close(pidfd)
        out, err = proc.communicate()
    if finished:
        end = time.monotonic()
    window = {"seconds": round(end - t0, 3), "spawn": t0, "end": end, "exit": proc.returncode,
              "finished": finished and proc.returncode == 0, "progress": last_progress(err)}
    if signalled:
        window["signal_to_exit"] = round(end - signalled, 4)
        window["stop_signal"] = first_signal
        # Killed by the controller's own signal (SIGKILL cannot be caught): the window's
        # end, not the scanner's failure.
        window["killed"] = proc.returncode in sent
    if before:
        window.update({k: read_stat(iface, k) - before[k] for k in before})
        window["achieved"] = round(window["tx_packets"] / window["seconds"], 1)
        window["slip"] = not window["finished"] and (
            window["achieved"] < 0.9 * rate or window["tx_dropped"] > 0)
    return proc.returncode, out, err, window


def last_progress(stderr):
    """The last progress line on stderr, as the adapter reads it, or None."""
    progress = None
    for line in re.split(r"[\r\n]", stderr):
        m = PROGRESS.search(line)
        if m:
            progress = {"elapsed_s": int(m.group(1)) * 60 + int(m.group(2)),
                        "percent": int(m.group(3)), "sent": int(m.group(4)),
                        "received": int(m.group(5))}
    return progress


def command(job, binary, rate, resume):
    cpus = str(os.cpu_count())
    cmd = shlex.split(os.environ.get("SCANNER_WRAP", "")) + [
        binary, "--target-range", job["target_range"], "--port", str(job["ports"]),
        "--probe-module", job.get("probe_module", "tcp"),
        "--sender-threads", str(job.get("sender_threads", cpus)),
        "--receivers", str(job.get("receiver_threads", cpus)),
        "--cooldown-time", str(job.get("cooldown_time", 8)),
        "--output-file", job.get("output_path", "/tmp/anyscan-output.txt")]
    if job.get("checkpoint_path"):
        cmd += ["--checkpoint-file", job["checkpoint_path"]]
    if resume:
        cmd += ["--resume"]
    cmd += ["--rate", str(rate)]
    if job.get("interface"):
        cmd += ["--interface", job["interface"]]
    if job.get("blacklist_file"):
        cmd += ["--blacklist-file", job["blacklist_file"]]
    if job.get("io_engine"):
        cmd += ["--io-engine=" + job["io_engine"]]
    return cmd + shlex.split(os.environ.get("SCANNER_EXTRA_ARGS", ""))


def aimd_loop(job, binary):
    """The controller's loop of windows; returns (returncode, stderr, windows)."""
    plan = job["aimd"]
    rate, resume, windows = int(job["rate_limit"]), bool(job.get("resume")), []
    signals = job.get("stop_signals") or [job.get("stop_signal", "INT")]
    for i in range(int(plan.get("windows", 20))):
        returncode, _, err, w = run_window(command(job, binary, rate, resume), job, rate,
                                           signals[i % len(signals)])
        w["rate"] = rate
        windows.append(w)
        if w.get("killed"):
            returncode = 0
        if returncode != 0 or w["finished"]:
            return returncode, err, windows
        rate = max(int(plan.get("floor", 1)), rate // 2) if w["slip"] else \
            rate + int(plan.get("step", max(1, rate // 10)))
        resume = True
    return 0, "", windows


def split_range(spec, n):
    """The IPv4 range spec (CIDR or a-b) as n contiguous ranges "a-b" of equal host counts."""
    if "-" in spec:
        lo, hi = (int(ipaddress.ip_address(x)) for x in spec.split("-"))
    else:
        net = ipaddress.ip_network(spec, strict=False)
        lo, hi = int(net.network_address), int(net.broadcast_address)
    size, parts, first = hi - lo + 1, [], lo
    for i in range(n):
        count = size // n + (1 if i < size % n else 0)
        if count:
            parts.append("%s-%s" % (ipaddress.ip_address(first),
                                    ipaddress.ip_address(first + count - 1)))
        first += count
    return parts


def run_job(job, binary):
    """One scanner (or its loop of windows): (returncode, stdout, stderr, extra, progress)."""
    rate = int(job["rate_limit"])
    window, windows = None, None
    if job.get("aimd"):
        returncode, stderr, windows = aimd_loop(job, binary)
        stdout = ""
        progress = windows[-1]["progress"] if windows else None
    elif job.get("window_seconds"):
        returncode, stdout, stderr, window = run_window(
            command(job, binary, rate, job.get("resume")), job, rate)
        progress = window["progress"]
    else:
        proc = subprocess.run(command(job, binary, rate, job.get("resume")),
                              capture_output=True, text=True)
        returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
        progress = last_progress(stderr)
    extra = {k: v for k, v in (("window", window), ("windows", windows)) if v is not None}
    return returncode, stdout, stderr, extra, progress


def parse_output(job, text):
    """The open pairs of one scanner's output, as the adapter reads them."""
    ports = parse_ports(job["ports"])
    inside = parse_range(job["target_range"])
    found = set()
    for line in text.splitlines():
        tokens = line.split()
        if not tokens:
            continue
        try:
            if len(ports) == 1:
                ip, port = ipaddress.ip_address(tokens[0]), next(iter(ports))
            else:
                host, _, p = tokens[0].rpartition(":")
                ip, port = ipaddress.ip_address(host), int(p)
        except ValueError:
            continue  # the adapter drops what it cannot parse, silently
        if inside(ip) and port in ports:
            found.add("%s:%d" % (ip, port))
    return found


def fan_out(job, binary, interfaces):
    """One scanner per interface over its own contiguous part of the range (see above)."""
    import concurrent.futures
    out = job.get("output_path", "/tmp/anyscan-output.txt")
    ranges = split_range(job["target_range"], len(interfaces))
    children = []
    for i, (nic, part) in enumerate(zip(interfaces, ranges)):
        child = dict(job, target_range=part, interface=nic, stats_interface=nic,
                     output_path="%s.shard-%d" % (out, i),
                     rate_limit=max(1, int(job["rate_limit"]) // len(interfaces)))
        child.pop("interfaces", None)
        if job.get("checkpoint_path"):
            child["checkpoint_path"] = "%s.shard-%d" % (job["checkpoint_path"], i)
        children.append(child)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda c: run_job(c, binary), children))
    shards, found = [], set()
    for child, (returncode, stdout, stderr, extra, progress) in zip(children, runs):
        if returncode != 0:
            sys.stderr.write(stderr)
            json.dump({"shards": [dict(interface=c["interface"], range=c["target_range"],
                                       exit=r[0], **r[3]) for c, r in zip(children, runs)]},
                      sys.stdout)
            sys.exit(1)
        path = child["output_path"]
        opened = parse_output(child, open(path).read() if os.path.exists(path) else stdout)
        found |= opened
        shards.append(dict(interface=child["interface"], range=child["target_range"],
                           output=path, open=len(opened), rate=child["rate_limit"],
                           progress=progress, **extra))
    json.dump({"open": sorted(found), "shards": shards}, sys.stdout)


def main():
    job = json.load(sys.stdin)
    binary = os.path.realpath(os.environ["SCANNER_BIN"])
    interfaces = job.get("interfaces") or os.environ.get("ANYSCAN_SCANNER_INTERFACES", "")
    if isinstance(interfaces, str):
        interfaces = [x for x in interfaces.split(",") if x]
    if len(interfaces) > 1:
        fan_out(job, binary, interfaces)
        return
    if interfaces:
        job["interface"] = interfaces[0]
    out = job.get("output_path", "/tmp/anyscan-output.txt")
    returncode, stdout, stderr, extra, progress = run_job(job, binary)
    if progress:
        with open(out + ".progress", "w") as f:
            json.dump(progress, f)
    if returncode != 0:
        sys.stderr.write(stderr)
        if extra:
            json.dump(extra, sys.stdout)
        sys.exit(1)
    text = open(out).read() if os.path.exists(out) else stdout
    result = {"open": sorted(parse_output(job, text)), "progress": progress}
    result.update(extra)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
