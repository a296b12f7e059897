#!/usr/bin/env python3
"""make bench: aotdbg's timings on the largest corpus cache, beside the JVM
doing the nearest equivalent in the same run.  Figures, not pass/fail."""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import corpus, jdks, jvm_args, CACHE  # noqa: E402


def timed(cmd, cwd=None, runs=10):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def peak_rss_kb(cmd):
    """Peak RSS of one run of CMD, in KiB (wait4's rusage of that child alone)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    return ru.ru_maxrss


def java_for(jdk):
    with open(os.path.join(CACHE, 'jdks', 'jdks.tsv')) as f:
        for line in f:
            cols = line.rstrip('\n').split('\t')
            if cols[0] == jdk:
                return cols[2]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--aotdbg', default=os.path.join(os.path.dirname(HERE), 'build', 'aotdbg'))
    ap.add_argument('--gdb-jdk', default='jdk25', help='JDK for the DWARF and gdb timings')
    args = ap.parse_args()
    archives = [(os.path.getsize(a), jdk, kind, a) for jdk, kind, a, _ in corpus()]
    if not archives:
        sys.exit('no corpus: run make corpus first')
    size, jdk, kind, archive = max(archives)
    print(f'largest corpus archive: {jdk}/{kind} {archive} ({size / 1e6:.1f} MB)')
    rows = []
    for label, cmd in (('aotdbg aot-regions', ['-c', 'aot-regions']),
                       ('aotdbg aot-header', ['-c', 'aot-header']),
                       ('aotdbg aot-validate (all CRCs, all pointer maps)', ['-c', 'aot-validate']),
                       ('aotdbg aot-bitmap rw --list', ['-c', 'aot-bitmap rw --list'])):
        full = [args.aotdbg, archive] + cmd
        rows.append((label, timed(full), peak_rss_kb(full)))
    java = java_for(jdk)
    if java:
        d = os.path.dirname(archive)
        share = (['-XX:AOTMode=on', '-XX:AOTCache=' + archive] if kind == 'aot'
                 else ['-Xshare:on', '-XX:SharedArchiveFile=' + archive])
        rows.append((f'JVM ({jdk}) maps it and logs its regions: java {" ".join(share[:1])} -Xlog:cds -version',
                     timed([java] + share + ['-Xlog:cds', '-version'], cwd=d, runs=5), None))
        rows.append((f'JVM ({jdk}) maps it with -XX:+VerifySharedSpaces (CRC check)',
                     timed([java] + share + ['-XX:+UnlockDiagnosticVMOptions', '-XX:+VerifySharedSpaces',
                                             '-version'], cwd=d, runs=5), None))
    rows += layout_rows(args.aotdbg, args.gdb_jdk)
    width = max(len(r[0]) for r in rows)
    print(f'{"what":<{width}}  {"median ms":>10}  {"peak RSS":>10}')
    for label, ms, rss in rows:
        print(f'{label:<{width}}  {ms:10.1f}  {(f"{rss / 1024:.1f} MB" if rss else "-"):>10}')


def once(cmd):
    """Wall time (ms) and peak RSS (KiB) of one run of CMD."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    if status:
        raise SystemExit(f'{" ".join(cmd)} failed')
    return (time.perf_counter() - t) * 1000, ru.ru_maxrss


def layout_rows(aotdbg, name):
    """A first DWARF query (empty cache), the same query cached, the tables alone,
    and gdb's first ptype/o of the same type on the same debug file."""
    jdk = next((j for j in jdks() if j['name'] == name and j['dbg']), None)
    if not jdk:
        return []
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        base = [aotdbg] + jvm_args(jdk) + ['--cache-dir', cache, '-c']
        ms, rss = once(base + ['aot-ptype InstanceKlass'])
        rows.append((f'{name}: aot-ptype InstanceKlass, first DWARF query (no cache)', ms, rss))
        full = base + ['aot-ptype InstanceKlass']
        rows.append((f'{name}: aot-ptype InstanceKlass, cached', timed(full), peak_rss_kb(full)))
        full = base + ['aot-verify-layout']
        rows.append((f'{name}: aot-verify-layout (every field, cached DWARF)', timed(full, runs=5),
                     peak_rss_kb(full)))
    full = [aotdbg, '--jvm', jdk['libjvm'], '-c', 'aot-ptype InstanceKlass --tables']
    rows.append((f'{name}: aot-ptype InstanceKlass --tables (libjvm file, initializers replayed)',
                 timed(full), peak_rss_kb(full)))
    # -iex: gdb looks for the debug file while loading libjvm, before any -ex runs.
    gdb = ['gdb', '-nx', '-batch', '-iex', f'set debug-file-directory {jdk["dbg"]}',
           '-iex', 'set auto-load python-scripts off', '-ex', 'ptype/o InstanceKlass', jdk['libjvm']]
    ms, rss = once(gdb)
    rows.append((f'{name}: gdb -batch -ex "ptype/o InstanceKlass" (its first query)', ms, rss))
    return rows


if __name__ == '__main__':
    main()
