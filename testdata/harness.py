"""A small test harness: tests register with @test, subtests report with check().

Each check is one counted result; the run ends with "N passed, N failed".
"""
import json
import os
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get('AOTDBG_CACHE', os.path.join(ROOT, 'testdata', 'cache'))
CORPUS = os.path.join(CACHE, 'corpus')

AOTDBG = os.path.join(ROOT, 'build', 'aotdbg-san')

TESTS = []
RESULTS = {'passed': 0, 'failed': 0}
VERBOSE = False


def test(fn):
    TESTS.append(fn)
    return fn


def check(name, ok, detail=''):
    if ok:
        RESULTS['passed'] += 1
        if VERBOSE:
            print(f'PASS {name}')
    else:
        RESULTS['failed'] += 1
        print(f'FAIL {name}: {detail}')
    sys.stdout.flush()
    return ok


def _env(env=None):
    e = dict(os.environ)
    # The sanitizers must make any report fatal and visible.
    e.setdefault('ASAN_OPTIONS', 'abort_on_error=0:exitcode=86:detect_leaks=1')
    e.setdefault('UBSAN_OPTIONS', 'halt_on_error=1:exitcode=87:print_stacktrace=1')
    if env:
        e.update(env)
    return e


def run(args, input=None, timeout=120, env=None):
    """Run aotdbg; returns (status, stdout, stderr)."""
    p = subprocess.run([AOTDBG] + list(args), input=input, capture_output=True, text=True, errors='replace',
                       timeout=timeout, env=_env(env))
    return p.returncode, p.stdout, p.stderr


def run_to_file(args, path, timeout=600, env=None):
    """Run aotdbg with stdout written to PATH, byte for byte (outputs as large
    as a map). Returns (status, stderr, seconds); status None after TIMEOUT s,
    the process killed."""
    t = time.monotonic()
    with open(path, 'wb') as out:
        try:
            p = subprocess.run([AOTDBG] + list(args), stdout=out, stderr=subprocess.PIPE,
                               timeout=timeout, env=_env(env))
        except subprocess.TimeoutExpired as e:
            err = (e.stderr or b'').decode('utf-8', 'replace')
            return None, err, time.monotonic() - t
    return p.returncode, p.stderr.decode('utf-8', 'replace'), time.monotonic() - t


def run_json(args):
    status, out, err = run(list(args) + ['--json'])
    if status != 0:
        raise AssertionError(f'aotdbg {" ".join(args)} exited {status}: {err.strip()}')
    return json.loads(out)


def run_batch_json(args, commands, timeout=600):
    """Run COMMANDS in one aotdbg --batch process: (status, [JSON document per command], stderr)."""
    status, out, err = run(list(args) + ['--json', '--batch'], input='\n'.join(commands) + '\n',
                           timeout=timeout)
    docs, dec, i = [], json.JSONDecoder(), 0
    while True:
        while i < len(out) and out[i].isspace():
            i += 1
        if i >= len(out):
            break
        doc, i = dec.raw_decode(out, i)
        docs.append(doc)
    return status, docs, err


def sanitizer_clean(stderr):
    return 'Sanitizer' not in stderr and 'runtime error' not in stderr


def each_archive(label, fn, kinds=None, need_map=True):
    """Call fn(jdk, kind, archive, mapfile) for each corpus archive; an exception fails that one."""
    for jdk, kind, archive, mapfile in corpus():
        if (kinds and kind not in kinds) or (need_map and not mapfile):
            continue
        try:
            fn(jdk, kind, archive, mapfile)
        except Exception as e:
            check(f'{label} {jdk}/{kind}', False, f'{type(e).__name__}: {e}')


def corpus(javac=False):
    """Every (jdk, kind, archive path, map log path) in the corpus. With JAVAC,
    also the AOT caches trained on javac (kind 'javac', 25 and 26 only): the
    largest, for the tests that compare whole maps and tables."""
    out = []
    if not os.path.isdir(CORPUS):
        return out
    kinds = [('default', 'default.jsa'), ('static', 'static.jsa'), ('dynamic', 'dynamic.jsa'), ('aot', 'app.aot')]
    if javac:
        kinds.append(('javac', 'javac.aot'))
    for jdk in sorted(os.listdir(CORPUS)):
        d = os.path.join(CORPUS, jdk)
        for kind, name in kinds:
            a = os.path.join(d, name)
            m = os.path.join(d, name.rsplit('.', 1)[0] + '.map')
            if os.path.exists(a):
                out.append((jdk, kind, a, m if os.path.exists(m) else None))
    return out


def jdks():
    """The JDK matrix (testdata/cache/jdks/jdks.tsv) as dicts: name, home, java,
    dbg (the debug root holding .build-id/, or None), version, libjvm."""
    out = []
    path = os.path.join(CACHE, 'jdks', 'jdks.tsv')
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            name, home, java, dbg, version = line.rstrip('\n').split('\t')[:5]
            out.append({'name': name, 'home': home, 'java': java,
                        'dbg': None if dbg == '-' else dbg, 'version': version,
                        'libjvm': os.path.join(home, 'lib', 'server', 'libjvm.so')})
    return out


def jdk_tool(jdk, tool):
    """The wrapper of JDK's TOOL (javap, jcmd) beside its java wrapper: bin/javap25 for bin/java25."""
    return os.path.join(os.path.dirname(jdk['java']), tool + os.path.basename(jdk['java'])[4:])


def jvm_args(jdk, debug=True):
    """aotdbg options that take layouts from JDK (and its debug root)."""
    args = ['--jvm', jdk['libjvm']]
    if debug and jdk['dbg']:
        args += ['--debug-dir', jdk['dbg']]
    return args


def jdk_of(name):
    """The matrix's JDK named NAME (as jdks() gives it), or None."""
    return next((j for j in jdks() if j['name'] == name), None)


def archive_args(jdk_name, archive):
    """aotdbg's leading arguments for ARCHIVE of the corpus JDK JDK_NAME: the
    archive, and the layouts of that JDK's libjvm when the matrix has it."""
    j = jdk_of(jdk_name)
    return [archive] + (jvm_args(j) if j else [])


def main(argv):
    global AOTDBG, VERBOSE
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument('--aotdbg', default=AOTDBG)
    ap.add_argument('--plain')
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('-k', help='only tests whose name or module contains this')
    args = ap.parse_args(argv)
    AOTDBG = os.path.abspath(args.aotdbg)
    VERBOSE = args.verbose
    for fn in TESTS:
        # -k matches the test's name or its module's (-k badinput runs test_badinput.py).
        if args.k and args.k not in f'{fn.__module__}.{fn.__name__}':
            continue
        try:
            fn()
        except Exception as e:  # a test that crashes is one failure, and the run goes on
            check(fn.__name__, False, f'{type(e).__name__}: {e}\n{traceback.format_exc()}')
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    return 1 if RESULTS['failed'] else 0
