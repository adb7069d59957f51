#!/usr/bin/python3
"""./lab bench maven [RUNS] [COORDINATES]: what %maven costs, through jupyter_client, measured in one run.

For a library of about ten artifacts (default: com.squareup.okhttp3:okhttp:4.12.0, 8 artifacts, from Maven Central):
1. the first %maven in a kernel whose local repository is a new, empty temporary directory (everything downloaded);
2. the same %maven again in that kernel (nothing to do);
3. the same %maven in a new kernel, the local repository now holding everything (no download);
4. the baseline, in the same kernel: a `1 + 1` cell's round trip.
Each figure is a wall-clock time from execute_request to idle, printed with the machine's load average;
RUNS times (default 3), each with its own empty local repository. Needs Maven Central (says so when unreachable).
"""
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request

from jupyter_client.manager import start_new_kernel

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
COORDS = sys.argv[2] if len(sys.argv) > 2 else "com.squareup.okhttp3:okhttp:4.12.0"


def cell(kc, code):
    """(seconds, status, text) of one cell, from execute_request to idle."""
    out = []
    t0 = time.perf_counter()
    reply = kc.execute_interactive(code, timeout=600, output_hook=lambda m: out.append(
        m["content"].get("text") or m["content"].get("data", {}).get("text/plain", "") or m["content"].get("evalue", "")))
    return time.perf_counter() - t0, reply["content"]["status"], "".join(out)


def kernel(local):
    env = dict(os.environ, CONCLAB_M2_REPO=local)
    km, kc = start_new_kernel(kernel_name=os.environ.get("CONCLAB_KERNEL", "conclab"), startup_timeout=180, env=env)
    cell(kc, "1")
    return km, kc


def main():
    g, a = COORDS.split(":")[:2]
    probe = f"https://repo.maven.apache.org/maven2/{g.replace('.', '/')}/{a}/maven-metadata.xml"
    try:
        urllib.request.urlopen(probe, timeout=15).close()
    except OSError as e:
        sys.exit(f"bench maven needs Maven Central ({probe}): {e}")
    first, again, warm, base, shape = [], [], [], [], ""
    for r in range(RUNS):
        local = tempfile.mkdtemp(prefix="conclab-bench-m2-")
        try:
            km, kc = kernel(local)
            try:
                t, status, text = cell(kc, f"%maven {COORDS}")
                if status != "ok":
                    sys.exit(f"%maven {COORDS} failed: {text}")
                m = re.search(r"(\d+) artifacts?, downloaded (\d+) files? \(([^)]*)\)", text)
                shape = f"{m.group(1)} artifacts, {m.group(2)} files, {m.group(3)}" if m else text.splitlines()[0]
                first.append(t)
                t, status, text = cell(kc, f"%maven {COORDS}")
                assert status == "ok" and "already added" in text, text
                again.append(t)
                base.extend(cell(kc, f"1 + {k}")[0] for k in range(5))
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)
            km, kc = kernel(local)
            try:
                t, status, text = cell(kc, f"%maven {COORDS}")
                assert status == "ok" and "all from the local repository" in text, text
                warm.append(t)
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)
        finally:
            shutil.rmtree(local, ignore_errors=True)
        print(f"run {r + 1}/{RUNS}: first {first[-1]:.2f} s, again {again[-1] * 1000:.0f} ms, "
              f"new kernel with the jars local {warm[-1]:.2f} s", flush=True)

    def s(xs):
        return f"median {statistics.median(xs):.2f} s (min {min(xs):.2f}, max {max(xs):.2f})"

    print(f"\n%maven {COORDS}: {shape}; {RUNS} runs; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  first, into an empty local repository:       {s(first)}")
    print(f"  again, same kernel:                          median {statistics.median(again) * 1000:.0f} ms")
    print(f"  new kernel, everything in the local repo:    {s(warm)}")
    print(f"  baseline, a `1 + N` cell in the same kernel: median {statistics.median(base) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
