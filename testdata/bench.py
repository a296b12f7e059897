#!/usr/bin/env python3
"""make bench: aotdbg's timings on the largest corpus cache, beside the JVM
doing the nearest equivalent in the same run.  Figures, not pass/fail.

The largest cache is an AOT cache trained on javac (gen-corpus.sh).  On it,
aot-map of the whole cache runs beside the JVM writing its own map of the
same cache: JDK 26 at run time, JDK 25 at dump time (docs/testing.md)."""
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
from harness import archive_args, corpus, jdks, jvm_args, CACHE  # noqa: E402
from maplog import map_lines, parse_meta  # noqa: E402


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


def live_bench(aotdbg, jdk='jdk25'):
    """In gdb attached to a live JVM running from its AOT cache: each command's
    time as the front end measured it (the first aot-regions includes finding
    and checking the cache), beside `aotdbg --pid` and `jhsdb clhsdb` attaching
    and printing one class in the same run.  Targets: aot-regions and
    aot-print-klass under 100 ms, aot-classes under 1 s."""
    sys.path.insert(0, os.path.join(HERE, 'tests'))
    from livejvm import LiveJVM, LiveJVMError
    from harness import jdk_of, jdk_tool
    import test_live
    try:
        jvm = LiveJVM(jdk, 'aot')
        jvm.start()
    except LiveJVMError as e:
        print(f'live bench skipped: {e}')
        return
    try:
        names = {n: a for a, n in jvm.classes()}
        string = hex(names['java.lang.String'])
        seq = ['aot-regions', 'aot-regions', f'aot-print-klass {string}', f'aot-print-klass {string}',
               'aot-classes', 'aot-classes']
        tmp = tempfile.mkdtemp(prefix='aotdbg-bench-')
        t = time.perf_counter()
        res, log = test_live.in_debugger('gdb', ('pid', jvm.pid), seq, tmp)
        gdb_total = (time.perf_counter() - t) * 1000
        if not res:
            print(f'live bench: gdb failed: {log[-400:]}')
            return
        n = len(names)
        labels = ['aot-regions, first command (attach: find, open and check the cache)',
                  'aot-regions', f'aot-print-klass {string} (java.lang.String), first', 'aot-print-klass, again',
                  f'aot-classes ({n} archived classes loaded), first (builds the class list)', 'aot-classes, again']
        targets = ['', '< 100 ms', '', '< 100 ms', '< 1000 ms', '< 1000 ms']
        print(f'\nin gdb attached to a live {jdk} JVM (pid {jvm.pid}) running from its AOT cache, '
              f'{len(names)} archived classes loaded:')
        width = max(len(x) for x in labels)
        print(f'{"command (as gdb timed it)":<{width}}  {"ms":>8}  target')
        for label, r, tgt in zip(labels, res, targets):
            ms = r['seconds'] * 1000
            met = '' if not tgt else ('met' if ms < float(tgt.split()[1]) else 'MISSED')
            print(f'{label:<{width}}  {ms:8.1f}  {tgt} {met}'.rstrip())
        print(f'{"whole gdb run: start gdb, attach, source the script, the six commands, detach":<{width}}  '
              f'{gdb_total:8.1f}')
        rows = []
        for label, cmd in (('aotdbg --pid: aot-regions', ['-c', 'aot-regions']),
                           ('aotdbg --pid: aot-print-klass (java.lang.String)', ['-c', f'aot-print-klass {string}']),
                           ('aotdbg --pid: aot-classes', ['-c', 'aot-classes'])):
            rows.append((label, timed([aotdbg, '--pid', str(jvm.pid)] + cmd, runs=5), None))
        jhsdb = jdk_tool(jdk_of(jdk), 'jhsdb')
        if os.path.exists(jhsdb):
            t = []
            for _ in range(3):
                t0 = time.perf_counter()
                p = subprocess.run([jhsdb, 'clhsdb', '--pid', str(jvm.pid)], input='class java.lang.String\nquit\n',
                                   capture_output=True, text=True, timeout=300)
                t.append((time.perf_counter() - t0) * 1000)
                if 'java/lang/String @' not in p.stdout:
                    print(f'jhsdb clhsdb did not print the class: {p.stdout[-300:]} {p.stderr[-300:]}')
                    break
            rows.append(('jhsdb clhsdb --pid: attach, "class java.lang.String", quit', statistics.median(t), None))
        print_rows(rows)
    finally:
        jvm.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--aotdbg', default=os.path.join(os.path.dirname(HERE), 'build', 'aotdbg'))
    ap.add_argument('--gdb-jdk', default='jdk25', help='JDK for the DWARF and gdb timings')
    args = ap.parse_args()
    archives = [(os.path.getsize(a), jdk, kind, a) for jdk, kind, a, _ in corpus(javac=True)]
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
        # An AOT cache records its class path; a run with another one fails.
        share = (['-XX:AOTMode=on', '-XX:AOTCache=' + archive, '-cp', 'app.jar'] if kind in ('aot', 'javac')
                 else ['-Xshare:on', '-XX:SharedArchiveFile=' + archive])
        rows.append((f'JVM ({jdk}) maps it and logs its regions: java {" ".join(share[:1])} -Xlog:cds -version',
                     timed([java] + share + ['-Xlog:cds', '-version'], cwd=d, runs=5), None))
        rows.append((f'JVM ({jdk}) maps it with -XX:+VerifySharedSpaces (CRC check)',
                     timed([java] + share + ['-XX:+UnlockDiagnosticVMOptions', '-XX:+VerifySharedSpaces',
                                             '-version'], cwd=d, runs=5), None))
    rows += layout_rows(args.aotdbg, args.gdb_jdk)
    print_rows(rows)
    map_bench(args.aotdbg)
    live_bench(args.aotdbg)


def print_rows(rows):
    width = max(len(r[0]) for r in rows)
    print(f'{"what":<{width}}  {"median ms":>10}  {"peak RSS":>10}')
    for label, ms, rss in rows:
        text = f'{ms:10.1f}' if isinstance(ms, float) else f'{ms:>10}'
        print(f'{label:<{width}}  {text}  {(f"{rss / 1024:.1f} MB" if rss else "-"):>10}')


def runs(cmd, n, cwd=None):
    """Median wall time (ms) and peak RSS (KiB) of N runs of CMD, output
    discarded; a failing run raises RuntimeError with its first stderr line."""
    times, rss = [], 0
    for _ in range(n):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        times.append((time.perf_counter() - t) * 1000)
        rss = max(rss, ru.ru_maxrss)
        if status:
            line = err.decode('utf-8', 'replace').strip().splitlines()[:1]
            raise RuntimeError(f'exit {os.waitstatus_to_exitcode(status)}: {line[0] if line else ""}')
    return statistics.median(times), rss


def object_named(mapfile, typ, name):
    """Address of the first TYP object called NAME in the JVM's map."""
    for sec, kind, text in map_lines(mapfile):
        if kind == 'object' and sec in ('rw', 'ro'):
            o = parse_meta(text)
            if o and o[1] == typ and o[3] == name:
                return o[0]
    return None


def map_bench(aotdbg):
    """aot-map of each javac-trained cache beside the JVM writing the map of the same cache."""
    caches = [(jdk, a, m) for jdk, kind, a, m in corpus(javac=True) if kind == 'javac']
    if not caches:
        print('\nno javac-trained cache: run make corpus (gen-corpus.sh) for aot-map beside the JVM\'s map')
        return
    for jdk, cache, mapfile in caches:
        java = java_for(jdk)
        major = int(next(j['version'] for j in jdks() if j['name'] == jdk).split('.')[0].split('+')[0])
        size = os.path.getsize(cache)
        d = os.path.dirname(cache)
        print(f'\naot-map on {jdk}/javac.aot ({size / 1e6:.1f} MB), beside the JVM\'s own map of it '
              f'({"at run time" if major >= 26 else "at dump time: AOTMode=create"})')
        rows, got, failed = [], {}, []

        def row(key, label, cmd, n, cwd=None):
            try:
                ms, rss = runs(cmd, n, cwd)
                got[key] = (ms, rss)
                rows.append((label, ms, rss))
            except RuntimeError as e:
                rows.append((label, 'FAILED', None))
                failed.append(f'  {label}: {e}')

        # the JDK's libjvm and debug info, as a user of that JDK has them
        base = [aotdbg] + archive_args(jdk, cache) + ['-c']
        row('map', 'aotdbg aot-map (whole cache, to /dev/null)', base + ['aot-map'], 5)
        row('hex', 'aotdbg aot-map --hex', base + ['aot-map --hex'], 3)
        row('stats', 'aotdbg aot-stats', base + ['aot-stats'], 5)
        obj = object_named(mapfile, 'Class', 'java.lang.Object')
        if obj:
            row('refs', f'aotdbg aot-refs 0x{obj:x} (java.lang.Object\'s class)', base + [f'aot-refs 0x{obj:x}'], 5)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'jvm.map')
            log = lambda level: [f'-Xlog:aot+map={level}:file={out}:none:filesize=0']
            if major >= 26:
                # The JVM maps the cache and prints its map while starting javac -version.
                cmd = [java, '-XX:AOTMode=on', '-XX:AOTCache=javac.aot', '-cp', 'app.jar']
                main = ['com.sun.tools.javac.Main', '-version']
                row('jvm', 'JVM: javac -version with the cache', cmd + main, 5, d)
                row('jvm_debug', 'JVM: the same, -Xlog:aot+map=debug (objects, no hex)', cmd + log('debug') + main, 5, d)
                row('jvm_trace', 'JVM: the same, -Xlog:aot+map=trace (objects and hex)', cmd + log('trace') + main, 5, d)
            else:
                cmd = [java, '-XX:AOTMode=create', '-XX:AOTConfiguration=javac.aotconf',
                       '-XX:AOTCache=' + os.path.join(tmp, 'javac.aot'), '-cp', 'app.jar']
                row('jvm', 'JVM: AOTMode=create of the cache', cmd, 5, d)
                row('jvm_debug', 'JVM: the same, -Xlog:aot+map=debug (objects, no hex)', cmd + log('debug'), 5, d)
                row('jvm_trace', 'JVM: the same, -Xlog:aot+map=trace (objects and hex)', cmd + log('trace'), 5, d)
        print_rows(rows)
        if failed:
            print('\n'.join(failed))
        if 'jvm' in got:
            for key, jkey, what in (('map', 'jvm_debug', 'objects only: aot-map vs aot+map=debug'),
                                    ('hex', 'jvm_trace', 'with hex: aot-map --hex vs aot+map=trace')):
                if key in got and jkey in got:
                    cost = got[jkey][0] - got['jvm'][0]
                    print(f'  {what}: the JVM\'s map costs {cost:.0f} ms (with minus without), aotdbg '
                          f'{got[key][0]:.0f} ms: JVM/aotdbg = {cost / got[key][0]:.1f}x (target >= 10x)')
        if 'map' in got:
            rss = got['map'][1] * 1024
            print(f'  aot-map peak RSS {rss / 1e6:.1f} MB for a {size / 1e6:.1f} MB cache: '
                  f'{rss / size:.2f}x the cache size (target < 2x)')


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
