"""The libFuzzer targets (fuzz/): each runs a fixed number of inputs from its
seeds, and every kept regression input replays without a finding.

`make fuzz` runs them long; this is the short run `make check` affords, sized
so that all targets together take a few minutes on two cores.
"""
import os
import sys
import tempfile

import harness
from harness import test, check, ROOT

sys.path.insert(0, os.path.join(ROOT, 'fuzz'))
import run as fuzzrun  # noqa: E402

# Executions per target: under a minute each with the sanitizers; fuzz_meta
# decodes its base archive again per input (docs/fuzzing.md).
RUNS = {'fuzz_header': 40000, 'fuzz_bitmap': 20000, 'fuzz_vmstructs': 500000, 'fuzz_meta': 500, 'fuzz_core': 200000}
DEFAULT_RUNS = 5000


def build_dir():
    return os.path.dirname(harness.AOTDBG)


def needs_corpus(target):
    return target == 'fuzz_meta' and not fuzzrun.jdk_env().get('AOTDBG_FUZZ_ARCHIVE')


@test
def test_fuzz_targets_short_run():
    build = build_dir()
    for t in fuzzrun.targets(build):
        exe = os.path.join(build, 'fuzz', t)
        if not check(f'fuzz {t}: built', os.path.exists(exe), f'{exe} missing: make fuzz-build'):
            continue
        if needs_corpus(t):
            check(f'fuzz {t}: needs the corpus (make corpus)', False, 'no dynamic archive in testdata/cache')
            continue
        # From the seeds alone, so that a check's inputs do not depend on earlier runs.
        with tempfile.TemporaryDirectory() as work:
            ok, execs, secs, msg = fuzzrun.fuzz(build, t, runs=RUNS.get(t, DEFAULT_RUNS), work=work,
                                                log=os.path.join(build, 'fuzz', f'{t}.check.log'))
        check(f'fuzz {t}: {execs} inputs in {secs:.0f} s, no crash, leak, timeout or sanitizer report',
              ok, f'{msg} (log build/fuzz/{t}.check.log, inputs in build/fuzz/findings/{t}/)')


@test
def test_fuzz_regressions_replay():
    build = build_dir()
    for t in fuzzrun.targets(build):
        if not os.path.exists(os.path.join(build, 'fuzz', t)) or needs_corpus(t):
            continue
        for path, ok, msg in fuzzrun.regressions(build, t):
            check(f'fuzz {t}: regression {os.path.basename(path)} replays cleanly', ok, msg)
