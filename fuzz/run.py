#!/usr/bin/env python3
"""Run the libFuzzer targets: seeds, dictionaries, limits, and what they reached.

    fuzz/run.py [--seconds N | --runs N] [--jobs J] [TARGET...]
    fuzz/run.py --regressions [TARGET...]

Seeds are the small files committed under fuzz/corpus/TARGET/ plus, for the
archive targets, copies of every corpus archive cut down by seedcut
(testdata/cache is megabytes per archive; a seed must be kilobytes).  New
inputs go to build/fuzz/work/TARGET/, crashes, leaks, timeouts and OOMs to
build/fuzz/findings/TARGET/.  Every input must finish within a second.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, 'fuzz')
CACHE = os.environ.get('AOTDBG_CACHE', os.path.join(ROOT, 'testdata', 'cache'))

# Largest input per target: archives cut to 4 KiB regions stay under 64 KiB.
MAX_LEN = {'fuzz_header': 65536, 'fuzz_bitmap': 65536, 'fuzz_vmstructs': 8192, 'fuzz_meta': 1024, 'fuzz_core': 32768}
ARCHIVE_TARGETS = ('fuzz_header', 'fuzz_bitmap')
# fuzz_meta's inputs are patch lists: without this libFuzzer keeps them under 20 bytes for hours.
EXTRA_ARGS = {'fuzz_meta': ['-len_control=0']}


def targets(build):
    return sorted(os.path.basename(p)[:-2] for p in glob.glob(os.path.join(FUZZ, 'fuzz_*.c')))


def jdk_env():
    """fuzz_meta's JDK: the newest of the matrix (AOTDBG_FUZZ_JDK etc. override)."""
    env = {}
    tsv = os.path.join(CACHE, 'jdks', 'jdks.tsv')
    corpus = os.path.join(CACHE, 'corpus')
    if os.path.exists(tsv):
        rows = [l.rstrip('\n').split('\t') for l in open(tsv) if l.strip()]
        rows = [r for r in rows if os.path.exists(os.path.join(corpus, r[0], 'dynamic.jsa'))]
        pick = next((r for r in rows if r[0] == 'jdk25'), rows[-1] if rows else None)
        if pick:
            env = {'AOTDBG_FUZZ_JDK': pick[1],
                   'AOTDBG_FUZZ_ARCHIVE': os.path.join(corpus, pick[0], 'dynamic.jsa'),
                   'AOTDBG_FUZZ_BASE': os.path.join(corpus, pick[0], 'default.jsa')}
            if pick[3] != '-':
                env['AOTDBG_FUZZ_DEBUG_DIR'] = pick[3]
    env.update({k: v for k, v in os.environ.items() if k.startswith('AOTDBG_FUZZ_')})
    return env


def seeds(build, target):
    """The seed directories of TARGET, cutting archive seeds on first use."""
    dirs = []
    committed = os.path.join(FUZZ, 'corpus', target)
    if os.path.isdir(committed):
        dirs.append(committed)
    if target in ARCHIVE_TARGETS:
        cut = os.path.join(build, 'fuzz', 'corpus', 'archives')
        if not os.path.isdir(cut):
            os.makedirs(cut + '.tmp', exist_ok=True)
            for a in sorted(glob.glob(os.path.join(CACHE, 'corpus', '*', '*.jsa')) +
                            glob.glob(os.path.join(CACHE, 'corpus', '*', '*.aot*'))):
                name = a.split(os.sep)[-2] + '-' + os.path.basename(a)
                subprocess.run([os.path.join(build, 'fuzz', 'seedcut'), a, os.path.join(cut + '.tmp', name),
                                '4096'], check=False, stderr=subprocess.DEVNULL)
                # The untouched first bytes too: the header as the JVM wrote it, regions past the end.
                with open(a, 'rb') as f, open(os.path.join(cut + '.tmp', name + '.head'), 'wb') as o:
                    o.write(f.read(16384))
            os.rename(cut + '.tmp', cut)
        dirs.append(cut)
    return dirs


def fuzz(build, target, seconds=None, runs=None, jobs=1, log=None, work=None):
    """Run TARGET; returns (ok, executions, seconds, message).  New inputs go to WORK
    (default build/fuzz/work/TARGET, kept between runs)."""
    exe = os.path.join(build, 'fuzz', target)
    work = work or os.path.join(build, 'fuzz', 'work', target)
    findings = os.path.join(build, 'fuzz', 'findings', target) + os.sep
    os.makedirs(work, exist_ok=True)
    os.makedirs(findings, exist_ok=True)
    args = [exe, '-timeout=1', '-rss_limit_mb=2048', f'-max_len={MAX_LEN.get(target, 4096)}',
            '-print_final_stats=1', f'-artifact_prefix={findings}']
    args += EXTRA_ARGS.get(target, [])
    d = os.path.join(FUZZ, target[len('fuzz_'):] + '.dict')
    if os.path.exists(d):
        args.append(f'-dict={d}')
    if seconds:
        args.append(f'-max_total_time={seconds}')
    if runs:
        args.append(f'-runs={runs}')
    if jobs > 1:
        args += [f'-fork={jobs}', '-ignore_crashes=0']
    args += [work] + seeds(build, target)
    env = dict(os.environ, **jdk_env())
    env.setdefault('ASAN_OPTIONS', 'detect_leaks=1')
    env.setdefault('UBSAN_OPTIONS', 'halt_on_error=1:print_stacktrace=1')
    log = log or os.path.join(build, 'fuzz', f'{target}.log')
    t = time.monotonic()
    with open(log, 'w') as f:    # written as it runs, to follow a long run
        p = subprocess.run(args, stdout=f, stderr=subprocess.STDOUT, env=env)
    elapsed = time.monotonic() - t
    with open(log, errors='replace') as f:
        out = f.read()
    m = re.findall(r'stat::number_of_executed_units:\s*(\d+)', out)
    execs = int(m[-1]) if m else 0
    if not m:
        m = re.findall(r'#(\d+)\s+(?:DONE|pulse|NEW|REDUCE|INITED)', out)
        execs = int(m[-1]) if m else 0
    bad = re.findall(r'(ERROR: (?:AddressSanitizer|LeakSanitizer|libFuzzer)[^\n]*|runtime error[^\n]*|'
                     r'SUMMARY: [^\n]*|Test unit written to [^\n]*)', out)
    ok = p.returncode == 0 and not bad
    return ok, execs, elapsed, '; '.join(bad[:4]) or (out.strip().splitlines() or [''])[-1]


def regressions(build, target):
    """Replay fuzz/regressions/TARGET/*: returns [(path, ok, message)]."""
    out = []
    env = dict(os.environ, **jdk_env())
    for path in sorted(glob.glob(os.path.join(FUZZ, 'regressions', target, '*'))):
        p = subprocess.run([os.path.join(build, 'fuzz', target), '-timeout=1', '-rss_limit_mb=2048', path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, errors='replace',
                           text=True, timeout=120)
        bad = re.findall(r'(ERROR: [^\n]*|runtime error[^\n]*)', p.stdout)
        out.append((path, p.returncode == 0 and not bad, '; '.join(bad) or p.stdout.strip()[-300:]))
    return out


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--seconds', type=int)
    ap.add_argument('--runs', type=int)
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('--regressions', action='store_true')
    ap.add_argument('targets', nargs='*')
    a = ap.parse_args(argv)
    names = a.targets or targets(a.build)
    failed = 0
    for t in names:
        if a.regressions:
            for path, ok, msg in regressions(a.build, t):
                print(f'{"ok  " if ok else "FAIL"} {t} {os.path.relpath(path, ROOT)} {"" if ok else msg}')
                failed += not ok
            continue
        log = os.path.join(a.build, 'fuzz', f'{t}.log')
        ok, execs, secs, msg = fuzz(a.build, t, a.seconds, a.runs, a.jobs, log)
        print(f'{"ok  " if ok else "FAIL"} {t}: {execs} executions in {secs:.0f} s '
              f'({execs / max(secs, 1e-9):.0f}/s) {"" if ok else msg} (log {os.path.relpath(log, ROOT)})')
        failed += not ok
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
