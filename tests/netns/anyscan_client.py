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

A rate window, as the orchestrator's AIMD loop runs one: with "window_seconds" the client ends
the scanner after that long with SIGINT, then SIGTERM, then SIGKILL 5 s apart ("stop_signal"
picks where the sequence starts: INT, TERM or KILL), and with "stats_interface" it reads
tx_packets and tx_dropped of that interface (through $SCANNER_WRAP) at the start and the end
of the window; the result then holds "window": {seconds, tx_packets, tx_dropped, exit}.
"""
import ipaddress
import json
import os
import re
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


def run_window(cmd, job):
    """Runs the scanner for one window; returns (returncode, stdout, stderr, window facts)."""
    iface = job.get("stats_interface")
    before = {k: read_stat(iface, k) for k in ("tx_packets", "tx_dropped")} if iface else None
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = t0 + float(job["window_seconds"])
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pass
    window = {"seconds": round(time.monotonic() - t0, 3)}
    if before:
        window.update({k: read_stat(iface, k) - before[k] for k in before})
    order = ["INT", "TERM", "KILL"]
    for name in order[order.index(job.get("stop_signal", "INT")):]:
        if proc.poll() is not None:
            break
        proc.send_signal(getattr(signal, "SIG" + name))
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
    out, err = proc.communicate()
    window["exit"] = proc.returncode
    return proc.returncode, out, err, window


def main():
    job = json.load(sys.stdin)
    binary = os.path.realpath(os.environ["SCANNER_BIN"])
    out = job.get("output_path", "/tmp/anyscan-output.txt")
    cpus = str(os.cpu_count())
    cmd = shlex.split(os.environ.get("SCANNER_WRAP", "")) + [
        binary, "--target-range", job["target_range"], "--port", str(job["ports"]),
        "--probe-module", job.get("probe_module", "tcp"),
        "--sender-threads", str(job.get("sender_threads", cpus)),
        "--receivers", str(job.get("receiver_threads", cpus)),
        "--cooldown-time", str(job.get("cooldown_time", 8)), "--output-file", out]
    if job.get("checkpoint_path"):
        cmd += ["--checkpoint-file", job["checkpoint_path"]]
    if job.get("resume"):
        cmd += ["--resume"]
    cmd += ["--rate", str(job["rate_limit"])]
    if job.get("interface"):
        cmd += ["--interface", job["interface"]]
    if job.get("blacklist_file"):
        cmd += ["--blacklist-file", job["blacklist_file"]]
    if job.get("io_engine"):
        cmd += ["--io-engine=" + job["io_engine"]]
    cmd += shlex.split(os.environ.get("SCANNER_EXTRA_ARGS", ""))
    window = None
    if job.get("window_seconds"):
        returncode, stdout, stderr, window = run_window(cmd, job)
    else:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    progress = None
    for line in re.split(r"[\r\n]", stderr):
        m = PROGRESS.search(line)
        if m:
            progress = {"elapsed_s": int(m.group(1)) * 60 + int(m.group(2)),
                        "percent": int(m.group(3)), "sent": int(m.group(4)),
                        "received": int(m.group(5))}
    if progress:
        with open(out + ".progress", "w") as f:
            json.dump(progress, f)
    if returncode != 0:
        sys.stderr.write(stderr)
        if window:
            json.dump({"window": window}, sys.stdout)
        sys.exit(1)
    ports = parse_ports(job["ports"])
    inside = parse_range(job["target_range"])
    text = open(out).read() if os.path.exists(out) else stdout
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
    result = {"open": sorted(found), "progress": progress}
    if window:
        result["window"] = window
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
