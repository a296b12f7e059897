"""Live JVMs and their cores, through `aotdbg --pid/--core`, gdb and lldb (issue 6).

A corpus JVM sleeps on its archive (testdata/livejvm.py).  With the CLI, in
gdb (gdb -p, libjvm's DWARF not loaded) and in lldb: aot-regions gives the
addresses the JVM logged ("Mapped static region #N at base", "Heap data
mapped at"); aot-print-klass names every archived class jcmd VM.classes (or,
on 17, the class+load log) lists; aot-classes lists them all; each command's
output is byte-identical in the three.  After detaching the JVM still answers
jcmd.  Then a gcore of it, through `aotdbg --core` and `gdb JAVA CORE`.  Errors:
a process that is no JVM, a JVM without CDS, an unreadable address.  One
test loads libjvm's DWARF (a minute, GBs): the pretty-printers and $aot_klass.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import ROOT, check, test  # noqa: E402
from livejvm import LiveJVM, LiveJVMError  # noqa: E402

GDB_SCRIPT = os.path.join(ROOT, 'gdb-scripts', 'aotdbg.py')
LLDB_SCRIPT = os.path.join(ROOT, 'lldb', 'aotdbg_lldb.py')
DRIVER = os.path.join(HERE, 'fe_driver.py')
LLDB_PY = '/usr/lib/llvm-14/lib/python3.11/dist-packages'
LIB = os.path.join(ROOT, 'build', 'libaotdbg.so')

# (JDK, archive kind): Debian 25 and 17 with debug info, Temurin 25 stripped.
# (JDK, archive kind, extra JVM options, label): Debian 25 and 17 with debug
# info, Temurin 25 stripped, and a 25 that did not relocate its cache (its
# read-only regions stay clean file pages, which gcore leaves out: the core's
# aot-regions must fill them from the cache file).
NORELOC = ['-XX:+UnlockDiagnosticVMOptions', '-XX:ArchiveRelocationMode=0']
JVMS = [('jdk25', 'aot', [], 'jdk25/aot'), ('jdk17', 'static', [], 'jdk17/static'),
        ('temurin25', 'aot', [], 'temurin25/aot'), ('jdk25', 'aot', NORELOC, 'jdk25/aot-norelocate')]
NAME = re.compile(r'^  name: (.*)$', re.M)


def have(tool):
    return shutil.which(tool) is not None


def lldb_env(env):
    e = dict(env)
    paths = [LLDB_PY, '/usr/lib/python3/dist-packages'] + ([e['PYTHONPATH']] if e.get('PYTHONPATH') else [])
    e['PYTHONPATH'] = ':'.join(paths)
    return e


def cli(args, commands=None, timeout=300):
    return harness.run(args + (['--batch'] if commands is not None else []),
                       input='\n'.join(commands) + '\n' if commands is not None else None, timeout=timeout)


def in_debugger(which, target, commands, tmp, pre=(), timeout=300, env=None, debug_dir='/nonexistent'):
    """Run COMMANDS in gdb or lldb on TARGET (('pid', PID) or ('core', EXE, CORE));
    returns (results [{cmd, ok, out, err}], the debugger's stdout+stderr)."""
    inp, out = os.path.join(tmp, f'{which}.in'), os.path.join(tmp, f'{which}.json')
    with open(inp, 'w') as f:
        f.write('\n'.join(commands) + '\n')
    e = harness._env(env)
    e.update(AOTDBG_FE_IN=inp, AOTDBG_FE_OUT=out, AOTDBG_LIB=LIB)
    if os.path.exists(out):
        os.unlink(out)
    if which == 'gdb':
        cmd = ['gdb', '-batch', '-nx', '-iex', f'set debug-file-directory {debug_dir}',
               '-iex', 'set auto-load off', '-iex', 'set pagination off']
        for p in pre:
            cmd += ['-ex', p]
        cmd += ['-ex', f'source {GDB_SCRIPT}', '-ex', f'source {DRIVER}']
        cmd += ['-p', str(target[1])] if target[0] == 'pid' else [target[1], target[2]]
    else:
        e = lldb_env(e)
        cmd = ['lldb', '-b']
        cmd += ['-o', f'process attach --pid {target[1]}'] if target[0] == 'pid' else \
               ['-o', f'target create {target[1]} --core {target[2]}']
        for p in pre:
            cmd += ['-o', p]
        cmd += ['-o', f'command script import {LLDB_SCRIPT}', '-o', f'command script import {DRIVER}']
        if target[0] == 'pid':
            cmd += ['-o', 'process detach']
    p = subprocess.run(cmd, capture_output=True, text=True, errors='replace', timeout=timeout, env=e,
                       stdin=subprocess.DEVNULL)
    log = p.stdout + p.stderr
    if not os.path.exists(out):
        return None, log
    with open(out) as f:
        return json.load(f), log


def clean_log(log):
    return 'Traceback' not in log and 'Python Exception' not in log


def region_checks(label, doc, jvm, want_from):
    """aot-regions --json against the JVM's log; WANT_FROM: the allowed bytes_from values."""
    regions = doc['archives'][0]['regions']
    by_index = {r['index']: r for r in regions}
    ok, bad = 0, []
    for (k, i), (base, top) in sorted(jvm.mapped.items()):
        if k != 'static':
            continue
        r = by_index.get(i)
        if r is None:
            bad.append(f'#{i} missing')
            continue
        if r.get('is_bitmap_region') or r['name'] == 'bm':
            continue      # read at load and unmapped again: nothing to compare
        if int(r['start'], 16) != base:
            bad.append(f'#{i} {r["name"]} at {r["start"]}, the JVM says {base:#x}')
        else:
            ok += 1
    if jvm.heap_base is not None:
        hp = [r for r in regions if r['name'] == 'hp']
        if not hp or int(hp[0]['start'], 16) != jvm.heap_base:
            bad.append(f'hp at {hp[0]["start"] if hp else None}, the JVM says {jvm.heap_base:#x}')
        else:
            ok += 1
    froms = {r['name']: r.get('bytes_from') for r in regions if r['name'] != 'bm'}
    # The heap region is loaded (copied, patched) by the JVM, not mapped: its
    # bytes may come from the file in any mode.
    heap = lambda n: n == 'hp' or n[:2] in ('ca', 'oa')  # noqa: E731 - 25+ / 17-21 heap regions
    wrong = {n: f for n, f in froms.items() if f not in want_from and not (heap(n) and f in ('file', None))}
    check(f'{label}: aot-regions at the addresses the JVM logged ({ok} regions)', not bad and ok >= 2,
          '; '.join(bad) or f'only {ok} compared')
    check(f'{label}: aot-regions bytes_from in {sorted(want_from)} ({froms})', not wrong, f'{wrong}')
    return froms


def klass_checks(label, text, classes):
    names = NAME.findall(text)
    want = [n for _, n in classes]
    missing = [(hex(a), n) for (a, n), g in zip(classes, names + [None] * len(classes)) if g != n]
    check(f'{label}: aot-print-klass names each of {len(classes)} archived classes',
          len(names) == len(want) and not missing, f'{len(names)} names for {len(want)} classes; first wrong: {missing[:5]}')


def classes_checks(label, text, classes):
    listed = set()
    for line in text.splitlines():
        t = line.split()
        if t and t[0].startswith('0x'):
            listed.add(int(t[0], 16))
    missing = [(hex(a), n) for a, n in classes if a not in listed]
    check(f'{label}: aot-classes lists all {len(classes)} archived classes the JVM loaded', not missing,
          f'{len(missing)} missing, e.g. {missing[:5]}')


def same(label, name, a, b, tmp):
    if a != b:
        pa, pb = os.path.join(tmp, f'{name}.a'), os.path.join(tmp, f'{name}.b')
        for p, t in ((pa, a), (pb, b)):
            with open(p, 'w') as f:
                f.write(t)
        d = subprocess.run(['diff', pa, pb], capture_output=True, text=True).stdout
        check(label, False, d[:800])
    else:
        check(label, True)


def joined(results, start, end=None):
    return ''.join(r['out'] for r in results[start:end])


def one_jvm(jdk, kind, extra=(), name=None):
    label = f'live {name or jdk + "/" + kind}'
    tmp = tempfile.mkdtemp(prefix=f'test-live-{jdk}-')
    try:
        with LiveJVM(jdk, kind, extra=extra) as j:
            classes = j.classes()
            check(f'{label}: archived classes from {j.classes_source}', len(classes) >= 300,
                  f'{len(classes)} classes')
            klass_cmds = [f'aot-print-klass {a:#x}' for a, _ in classes]
            # The CLI: three runs (their outputs are compared whole).
            t = time.monotonic()
            st, regions, err = cli(['--pid', str(j.pid), '-c', 'aot-regions'])
            st2, regions_json, err2 = cli(['--pid', str(j.pid), '-c', 'aot-regions --json'])
            if not check(f'{label}: aotdbg --pid aot-regions', st == 0 and st2 == 0, (err + err2).strip()):
                return
            froms = region_checks(f'{label} cli', json.loads(regions_json), j, {'process'})
            st, classes_out, err = cli(['--pid', str(j.pid), '-c', 'aot-classes'])
            check(f'{label}: aotdbg --pid aot-classes', st == 0, err.strip())
            classes_checks(f'{label} cli', classes_out, classes)
            st, klasses, err = cli(['--pid', str(j.pid)], klass_cmds)
            check(f'{label}: aotdbg --pid --batch aot-print-klass x{len(classes)}', st == 0 and not err,
                  err.strip()[:300])
            klass_checks(f'{label} cli', klasses, classes)
            cli_s = time.monotonic() - t
            st, _, err = cli(['--pid', str(j.pid), '-c', 'aot-print-klass 0x10'])
            check(f'{label}: aotdbg --pid: an unreadable address is one message, status 2',
                  st == 2 and err.count('\n') == 1 and '0x10' in err, f'{st} {err!r}')

            cmds = ['aot-regions', 'aot-print-klass 0x10', 'aot-classes', 'aot-regions --json'] + klass_cmds
            for dbg in ('gdb', 'lldb'):
                if not have(dbg):
                    check(f'{label}: {dbg} installed', False, f'{dbg} not found: run testdata/install-deps.sh')
                    continue
                t = time.monotonic()
                res, log = in_debugger(dbg, ('pid', j.pid), cmds, tmp)
                secs = time.monotonic() - t
                if not check(f'{label}: {dbg} ran the commands', res is not None and len(res) == len(cmds),
                             log[-1500:]):
                    continue
                check(f'{label}: {dbg}: no Python traceback', clean_log(log) and
                      not any('PYTHON' in r['err'] or 'Traceback' in r['err'] for r in res), log[-800:])
                same(f'{label}: {dbg} aot-regions == CLI', f'{dbg}-regions', res[0]['out'], regions, tmp)
                check(f'{label}: {dbg}: aot-print-klass 0x10 is one error, the session goes on',
                      not res[1]['ok'] and '0x10' in res[1]['err'] and res[2]['ok'] and res[3]['ok'],
                      f'{res[1]}')
                same(f'{label}: {dbg} aot-classes == CLI', f'{dbg}-classes', res[2]['out'], classes_out, tmp)
                same(f'{label}: {dbg} aot-regions --json == CLI', f'{dbg}-rjson', res[3]['out'], regions_json, tmp)
                ok_all = all(r['ok'] for r in res[4:])
                check(f'{label}: {dbg}: every aot-print-klass succeeded', ok_all,
                      str([r for r in res[4:] if not r['ok']][:3]))
                same(f'{label}: {dbg} aot-print-klass x{len(classes)} == CLI', f'{dbg}-klass', joined(res, 4), klasses,
                     tmp)
                if dbg == 'gdb':
                    harness.VERBOSE and print(f'  {label}: gdb {secs:.1f} s (print-klass total '
                                              f'{sum(r["seconds"] for r in res[4:]):.2f} s), CLI {cli_s:.1f} s')
                st, text = j.jcmd('VM.version')
                check(f'{label}: after {dbg} detached the JVM answers jcmd', st == 0 and j.alive(), text[-300:])

            # A core of it.
            core_checks(label, j, tmp, classes, regions_json, klass_cmds, need_meta_file=bool(extra))
    except LiveJVMError as e:
        check(f'{label}: JVM started', False, str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def core_checks(label, j, tmp, classes, live_regions_json, klass_cmds, need_meta_file=False):
    label = label.replace('live', 'core')
    if not have('gcore'):
        check(f'{label}: gcore installed', False, 'gcore not found (package gdb)')
        return
    exe = os.readlink(f'/proc/{j.pid}/exe')
    core = os.path.join(tmp, 'core')
    if need_meta_file:
        # Leave clean file-backed private pages out of the core (the kernel's
        # default filter 0x33; gcore honours it), as most cores are made.
        with open(f'/proc/{j.pid}/coredump_filter', 'w') as f:
            f.write('0x33')
    p = subprocess.run(['gcore', '-o', core, str(j.pid)], capture_output=True, text=True, timeout=300)
    core = f'{core}.{j.pid}'
    if not check(f'{label}: gcore', p.returncode == 0 and os.path.exists(core), (p.stdout + p.stderr)[-500:]):
        return
    st, text = j.jcmd('VM.version')
    check(f'{label}: after gcore the JVM answers jcmd', st == 0 and j.alive(), text[-300:])
    st, regions, err = cli(['--core', core, '-c', 'aot-regions'])
    st2, rj, err2 = cli(['--core', core, '-c', 'aot-regions --json'])
    cli_ok = check(f'{label}: aotdbg --core aot-regions', st == 0 and st2 == 0, (err + err2).strip()[:500])
    live = {r['name']: r['start'] for r in json.loads(live_regions_json)['archives'][0]['regions']}
    classes_out = klasses = None
    if cli_ok:
        core_region_checks(f'{label} cli', rj, j, live, need_meta_file)
        st, classes_out, err = cli(['--core', core, '-c', 'aot-classes'])
        classes_checks(f'{label} cli', classes_out, classes)
        st, klasses, err = cli(['--core', core], klass_cmds)
        check(f'{label}: aotdbg --core --batch aot-print-klass', st == 0 and not err, err.strip()[:300])
        klass_checks(f'{label} cli', klasses, classes)
    if not have('gdb'):
        check(f'{label}: gdb installed', False, 'gdb not found: run testdata/install-deps.sh')
        return
    cmds = ['aot-regions', 'aot-print-klass 0x10', 'aot-classes', 'aot-regions --json'] + klass_cmds
    res, log = in_debugger('gdb', ('core', exe, core), cmds, tmp)
    if not check(f'{label}: gdb ran the commands on the core', res is not None and len(res) == len(cmds),
                 log[-1500:]):
        return
    check(f'{label}: gdb: no Python traceback', clean_log(log), log[-800:])
    if not check(f'{label}: gdb on the core: aot-regions', res[0]['ok'] and res[3]['ok'],
                 f'{res[0]["err"]} {res[3]["err"]}'):
        return
    # gdb reads a core's missing file-backed pages from the files: through its
    # memory every region looks like the core's, unless the library reads the
    # core itself (as gdb-scripts/aotdbg.py does once aotdbg --core works).
    core_region_checks(f'{label} gdb', res[3]['out'], j, live, need_meta_file and cli_ok)
    check(f'{label}: gdb: aot-print-klass 0x10 is one error, the session goes on',
          not res[1]['ok'] and res[2]['ok'], str(res[1]))
    classes_checks(f'{label} gdb', res[2]['out'], classes)
    klass_checks(f'{label} gdb', joined(res, 4), classes)
    if cli_ok:
        same(f'{label}: gdb aot-regions == CLI', 'core-regions', res[0]['out'], regions, tmp)
        same(f'{label}: gdb aot-classes == CLI', 'core-classes', res[2]['out'], classes_out, tmp)
        same(f'{label}: gdb aot-print-klass x{len(classes)} == CLI', 'core-klass', joined(res, 4), klasses, tmp)


def core_region_checks(label, regions_json, j, live, need_meta_file):
    doc = json.loads(regions_json)
    froms = region_checks(label, doc, j, {'core', 'file', 'core+file'})
    got = {r['name']: r['start'] for r in doc['archives'][0]['regions']}
    check(f'{label}: the core\'s regions at the live addresses', live == got, f'{live} vs {got}')
    if need_meta_file:
        check(f'{label}: aot-regions says which metadata regions came from the cache file ({froms})',
              any('file' in (f or '') for n, f in froms.items() if n != 'hp'), str(froms))


def _jvm_test(jdk, kind, extra, name):
    def t():
        if harness.jdk_of(jdk) is None:
            check(f'live {name}: JDK {jdk} in the matrix', False,
                  'not in testdata/cache/jdks/jdks.tsv: run testdata/setup-jdks.sh')
            return
        one_jvm(jdk, kind, extra, name)
    t.__name__ = 'test_live_' + re.sub(r'\W', '_', name)
    return t


for _jvm in JVMS:
    test(_jvm_test(*_jvm))


@test
def test_live_errors():
    """A process that is not a JVM, a JVM without CDS: one message each, and the debugger goes on."""
    tmp = tempfile.mkdtemp(prefix='test-live-err-')
    sleeper = subprocess.Popen(['sleep', '600'], start_new_session=True)
    archive = os.path.join(harness.CORPUS, 'jdk25', 'app.aot')
    j25 = harness.jdk_of('jdk25')
    try:
        st, out, err = cli(['--pid', str(sleeper.pid), '-c', 'aot-regions'])
        check('errors: aotdbg --pid of sleep: one message, status 2',
              st == 2 and err.count('\n') == 1 and err.startswith('aotdbg: '), f'{st} {err!r}')
        cmds = ['aot-regions', f'aot-set jvm {j25["libjvm"]}' if j25 else 'aot-set', f'aot-open {archive}',
                'aot-regions']
        for dbg in ('gdb', 'lldb'):
            res, log = in_debugger(dbg, ('pid', sleeper.pid), cmds, tmp)
            if not check(f'errors: {dbg} on sleep ran', res is not None, log[-800:]):
                continue
            check(f'errors: {dbg} on sleep: aot-regions is one error ({res[0]["err"].strip()[:80]})',
                  not res[0]['ok'] and res[0]['err'].strip().count('\n') == 0 and res[0]['err'].strip(),
                  str(res[0]))
            check(f'errors: {dbg} on sleep: aot-open then aot-regions works',
                  res[3]['ok'] and 'app.aot' in res[3]['out'] and clean_log(log), f'{res[2:]} {log[-300:]}')
    finally:
        sleeper.kill()
        sleeper.wait()
    if j25 is None:
        check('errors: -Xshare:off JVM: JDK jdk25 in the matrix', False, 'jdk25 missing')
        return
    try:
        with LiveJVM('jdk25', 'off') as j:
            st, out, err = cli(['--pid', str(j.pid), '-c', 'aot-regions'])
            check(f'errors: aotdbg --pid of a -Xshare:off JVM: one message, status 2 ({err.strip()[:90]})',
                  st == 2 and err.count('\n') == 1, f'{st} {err!r}')
            res, log = in_debugger('gdb', ('pid', j.pid), ['aot-regions', 'aot-classes', 'info inferiors'], tmp)
            check('errors: gdb on a -Xshare:off JVM: one error each, gdb goes on',
                  res is not None and not res[0]['ok'] and '\n' not in res[0]['err'] and '-Xshare:off' in res[0]['err']
                  and res[2]['ok'] and clean_log(log), f'{res} {log[-300:]}')
            st, text = j.jcmd('VM.version')
            check('errors: the -Xshare:off JVM answers jcmd after gdb', st == 0, text[-200:])
    except LiveJVMError as e:
        check('errors: -Xshare:off JVM started', False, str(e))
    shutil.rmtree(tmp, ignore_errors=True)


@test
def test_live_gdb_prettyprinters():
    """The one test that loads libjvm's DWARF in gdb: pretty-printers and $aot_klass."""
    row = harness.jdk_of('jdk25')
    if row is None or not row['dbg']:
        check('pretty-printers: jdk25 with a debug root in the matrix', False, 'jdk25 or its debug root missing')
        return
    tmp = tempfile.mkdtemp(prefix='test-live-pp-')
    try:
        with LiveJVM('jdk25', 'aot') as j:
            cl = dict((n, a) for a, n in j.classes())
            s = cl['java.lang.String']
            cmds = [f'p (InstanceKlass*){s:#x}', f'p (Klass*){s:#x}', 'p $aot_klass("java.lang.String")',
                    'p $aot_klass("java.lang.String")->_name', 'p (Klass*)0x10',
                    'p ((InstanceKlass*)$aot_klass("java.lang.String"))->_methods->_data[0]',
                    'aot-print-klass $aot_klass("java.lang.String")', 'p $aot_klass("no.Such")', 'p 1+1']
            res, log = in_debugger('gdb', ('pid', j.pid), cmds, tmp, timeout=600, debug_dir=row['dbg'])
            if res is None:
                check('pretty-printers: gdb ran', False, log[-1500:])
                return
            want = f'{s:#x} java.lang.String'
            check('pretty-printers: (InstanceKlass*) shows the class name', res[0]['out'].strip().endswith(want),
                  res[0])
            check('pretty-printers: (Klass*) shows the class name', res[1]['out'].strip().endswith(want), res[1])
            check('pretty-printers: $aot_klass("java.lang.String")', res[2]['out'].strip().endswith(want), res[2])
            check('pretty-printers: Symbol* _name', res[3]['out'].strip().endswith('java/lang/String'), res[3])
            check('pretty-printers: a pointer outside the archive prints as gdb prints it',
                  res[4]['ok'] and '0x10' in res[4]['out'] and 'java' not in res[4]['out'], res[4])
            check('pretty-printers: Method* shows the method', res[5]['ok'] and 'java.lang.String.' in res[5]['out'],
                  res[5])
            check('pretty-printers: aot-print-klass $aot_klass(...)', 'class java.lang.String' in res[6]['out'],
                  res[6])
            check('pretty-printers: $aot_klass of an unknown class is one error, gdb goes on',
                  not res[7]['ok'] and res[8]['ok'] and clean_log(log), f'{res[7:]} {log[-300:]}')
    except LiveJVMError as e:
        check('pretty-printers: JVM started', False, str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@test
def test_live_map():
    """aot-map of a live JVM is the map of its archive as archived, at the JVM's addresses: the same
    metadata lines as the file placed at that base, though the JVM has since pointed Methods at
    MethodCounters it made and reused Klass::_next_link."""
    for jdk, kind in (('jdk25', 'aot'), ('jdk21', 'static')):
        if harness.jdk_of(jdk) is None:
            check(f'live map {jdk}: JDK in the matrix', False, 'not in jdks.tsv')
            continue
        try:
            with LiveJVM(jdk, kind) as j:
                args = harness.archive_args(jdk, j.archive)
                dbg = args[args.index('--debug-dir'):][:2] if '--debug-dir' in args else []
                live_args = ['--pid', str(j.pid)] + dbg
                st, out, err = cli(live_args, ['aot-regions --json'])
                rw = json.loads(out)['archives'][0]['regions'][0] if st == 0 else None
                if not check(f'live map {jdk}/{kind}: aot-regions --json', rw is not None, err[-300:]):
                    continue
                base = hex(int(rw['start'], 16) - int(rw['mapping_offset'], 16))
                lines = {}
                for label, a in (('live', live_args), ('file', args + ['--base', base])):
                    st, out, err = harness.run(a + ['-c', 'aot-map --region rw', '-c', 'aot-map --region ro'],
                                               timeout=600)
                    lines[label] = [l for l in out.splitlines() if '@@' in l]
                    check(f'live map {jdk}/{kind} {label}: no problem reported, status {st}',
                          st == 0 and 'problem' not in err and harness.sanitizer_clean(err), err[-400:])
                check(f'live map {jdk}/{kind}: {len(lines["live"])} @@ lines of rw and ro equal the file at base {base}',
                      lines['live'] and lines['live'] == lines['file'],
                      f'{len(lines["live"])} vs {len(lines["file"])}')
        except LiveJVMError as e:
            check(f'live map {jdk}/{kind}: the JVM started', False, str(e))
