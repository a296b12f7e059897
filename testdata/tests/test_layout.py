"""Layouts from libjvm itself: gHotSpotVM tables, DWARF and the built-in tables.

Ground truth here is the JVM in three forms: its own tables read from a
running process (what the Serviceability Agent sees), gdb's ptype/o of its
debug info, and the agreement of independent sources in aot-verify-layout.
"""
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time

from harness import test, check, run, run_json, jdks, jvm_args, sanitizer_clean, CORPUS, CACHE

TMP = tempfile.mkdtemp(prefix='aotdbg-layout-')
CACHE_DIR = os.path.join(TMP, 'dwarf-cache')


def debian(jdk):
    return jdk['dbg'] is not None


def layout_json(jdk, *extra, debug=True):
    args = jvm_args(jdk, debug) + ['--cache-dir', CACHE_DIR] + list(extra)
    status, out, err = run(args + ['--json'], timeout=600)
    return status, (json.loads(out) if out.strip().startswith('{') else None), err


def vmstructs(args):
    """Fields, types and constants of aot-vmstructs, keyed by name."""
    f = run_json(args + ['-c', 'aot-vmstructs'])
    t = run_json(args + ['-c', 'aot-vmstructs --types'])
    c = run_json(args + ['-c', 'aot-vmstructs --constants'])
    return ({(r['type'], r['field']): r for r in f['fields']},
            {r['name']: r for r in t['types']},
            {('int', r['name']): r for r in c['int_constants']} |
            {('long', r['name']): r for r in c['long_constants']})


def start_jvm(jdk):
    """A JVM of JDK running the corpus app; returns (Popen, pid of the java process)."""
    jar = os.path.join(CORPUS, jdk['name'], 'app.jar')
    p = subprocess.Popen([jdk['java'], '-Xmx64m', '-cp', jar, 'App', '60'],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    # The 21+ wrappers run java through the sysroot's loader: find the process that has libjvm.
    deadline = time.time() + 30
    while time.time() < deadline:
        for pid in [p.pid] + children(p.pid):
            try:
                with open(f'/proc/{pid}/maps') as f:
                    if 'libjvm.so' in f.read():
                        time.sleep(1)  # let it finish its static initializers
                        return p, pid
            except OSError:
                pass
        time.sleep(0.2)
    stop(p)
    raise AssertionError(f'{jdk["name"]}: JVM did not start')


def children(pid):
    out = subprocess.run(['pgrep', '-P', str(pid)], capture_output=True, text=True).stdout
    pids = [int(x) for x in out.split()]
    return pids + [c for x in pids for c in children(x)]


def stop(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except OSError:
        pass
    p.wait()


@test
def test_tables_from_file_equal_live_jvm():
    """The file-only tables (relocations + replayed static initializers) equal a live JVM's."""
    for jdk in jdks():
        name = jdk['name']
        fields, types, consts = vmstructs(['--jvm', jdk['libjvm']])
        p, pid = start_jvm(jdk)
        try:
            lfields, ltypes, lconsts = vmstructs(['--pid', str(pid)])
        finally:
            stop(p)
        check(f'{name}: same field entries', set(fields) == set(lfields),
              f'{len(fields)} in the file, {len(lfields)} live')
        wrong = [k for k, r in fields.items()
                 if k in lfields and not r['static'] and r['value'] != lfields[k]['value']]
        check(f'{name}: every field offset equals the live JVM\'s ({len(fields)} entries)', not wrong,
              f'{wrong[:5]}')
        biases = {int(lfields[k]['value'], 16) - int(r['value'], 16)
                  for k, r in fields.items() if r['static'] and k in lfields}
        check(f'{name}: static field addresses differ from live by one load bias', len(biases) == 1,
              f'{len(biases)} different differences')
        wrong = [k for k, r in types.items() if k in ltypes and r['size'] != ltypes[k]['size']]
        check(f'{name}: every type size equals the live JVM\'s ({len(types)} types)', not wrong,
              f'{wrong[:5]}')
        # A constant the replay could not follow says so; every other one is exact.
        wrong = [k for k, r in consts.items()
                 if k in lconsts and r['origin'] != 'unknown' and r['value'] != lconsts[k]['value']]
        check(f'{name}: every known constant equals the live JVM\'s ({len(consts)} constants)', not wrong,
              f'{wrong[:5]}')
        replayed = sum(1 for r in fields.values() if r['origin'] == 'initializer')
        check(f'{name}: live values are marked live', all(r['origin'] in ('live', 'relocation')
                                                          for r in lfields.values()), '')
        if jdk['version'].startswith(('17', '21', '25')):
            check(f'{name}: offsets come from replayed initializers', replayed > 400, f'{replayed}')


@test
def test_verify_layout_debian_jdks_agree():
    """With the -dbg packages, tables, DWARF and built-in tables agree on everything."""
    for jdk in filter(debian, jdks()):
        name = jdk['name']
        status, v, err = layout_json(jdk, '-c', 'aot-verify-layout')
        check(f'{name}: aot-verify-layout exits 0', status == 0, err.strip()[-500:])
        if not v:
            continue
        check(f'{name}: DWARF was used', v['dwarf'].startswith('/'), v['dwarf'])
        rows = v['fields']
        bad = [r['field'] for r in rows if r['result'] in ('DISAGREE', 'MISSING')]
        check(f'{name}: no disagreement or missing field', not bad, f'{bad[:8]}')
        meta = [r for r in rows if r['group'] == 'metadata' and r['expected'] and r['tables'] is not None]
        both = [r for r in meta if r['dwarf'] is not None]
        # Static addresses and nested union members are tables-only by nature.
        single = [r['field'] for r in meta if r['dwarf'] is None and '.' not in r['field']
                  and not isinstance(r['tables'], str)]
        check(f'{name}: tables and DWARF both give every decoder field ({len(both)} compared)',
              not single, f'DWARF lacks {single[:8]}')
        hdr = [r for r in rows if r['group'] in ('header', 'region', 'dynamic header')]
        nodwarf = [r['field'] for r in hdr if r['dwarf'] is None]
        check(f'{name}: DWARF confirms every built-in header field ({len(hdr)})', not nodwarf,
              f'{nodwarf[:8]}')
        entries = [r for r in rows if r['group'] == 'table entry']
        check(f'{name}: gHotSpotVM entry layouts confirmed by DWARF',
              entries and all(r['dwarf'] is not None and r['result'] == 'agree' for r in entries), '')


@test
def test_verify_layout_stripped_build():
    """Temurin has no DWARF: every decoder field comes from the tables or a built-in entry."""
    for jdk in jdks():
        if debian(jdk):
            continue
        status, v, err = layout_json(jdk, '-c', 'aot-verify-layout')
        name = jdk['name']
        check(f'{name}: aot-verify-layout exits 0 without DWARF', status == 0, err.strip()[-400:])
        if not v:
            continue
        check(f'{name}: says there is no DWARF', v['dwarf'].startswith('none:'), v['dwarf'])
        rows = [r for r in v['fields'] if r['expected']]
        unused = [r['field'] for r in rows if r['used'] not in ('tables', 'built-in')]
        check(f'{name}: every field from the tables or built in ({len(rows)})', not unused, f'{unused[:8]}')
        meta = [r for r in rows if r['group'] == 'metadata']
        check(f'{name}: every decoder field from the tables', all(r['used'] == 'tables' for r in meta), '')


@test
def test_verify_layout_finds_jvm_by_ident():
    """An archive alone: the JDK whose libjvm holds its jvm_ident gives the layouts."""
    dirs = ':'.join(sorted({os.path.dirname(j['home']) for j in jdks()}))
    for jdk in jdks():
        archive = os.path.join(CORPUS, jdk['name'], 'static.jsa')
        if not os.path.exists(archive):
            continue
        status, out, err = run([archive, '--cache-dir', CACHE_DIR, '--json', '-c', 'aot-verify-layout'],
                               env={'AOTDBG_JDK_DIRS': dirs, 'JAVA_HOME': ''}, timeout=600)
        v = json.loads(out) if out.strip().startswith('{') else {}
        check(f'{jdk["name"]}: libjvm found by jvm_ident',
              os.path.realpath(v.get('jvm', '')) == os.path.realpath(jdk['libjvm']),
              f'{v.get("jvm")} ({err.strip()[-300:]})')
        check(f'{jdk["name"]}: layout check passes for the archive', status == 0, err.strip()[-300:])


@test
def test_mismatched_jvm_is_refused():
    js = {j['name']: j for j in jdks()}
    archive = os.path.join(CORPUS, 'jdk25', 'static.jsa')
    if 'jdk21' not in js or not os.path.exists(archive):
        return
    status, out, err = run([archive, '--jvm', js['jdk21']['libjvm'], '-c', 'aot-verify-layout'])
    check('another build\'s libjvm is refused', status != 0 and 'refusing' in err and '25.0' in err
          and '21.0' in err, f'{status} {err.strip()}')


# ---- a corrupted table entry ------------------------------------------------

def load_segments(data):
    """PT_LOAD (vaddr, offset, filesz) of an ELF64 file."""
    phoff, = struct.unpack_from('<Q', data, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
    segs = []
    for i in range(phnum):
        p_type, _, off, vaddr, _, filesz = struct.unpack_from('<IIQQQQ', data, phoff + i * phentsize)
        if p_type == 1:
            segs.append((vaddr, off, filesz))
    return segs


def file_offset(segs, vaddr):
    for va, off, sz in segs:
        if va <= vaddr < va + sz:
            return vaddr - va + off
    return None


def corrupt_offset(data, entry_addr):
    """Change the Klass::_name offset where the libjvm keeps it: in .data (26+), or as the
    immediate of the initializer's movq $imm32, disp32(%rip) (17-25).  Returns the new value."""
    segs = load_segments(data)
    for m in re.finditer(rb'\x48\xc7\x05', bytes(data)):
        insn = m.start()
        va = next((va + insn - off for va, off, sz in segs if off <= insn < off + sz), None)
        if va is None:
            continue
        disp, imm = struct.unpack_from('<ii', data, insn + 3)
        if va + 11 + disp == entry_addr:
            struct.pack_into('<i', data, insn + 7, imm + 8)
            return imm + 8
    off = file_offset(segs, entry_addr)
    old, = struct.unpack_from('<Q', data, off)
    struct.pack_into('<Q', data, off, old + 8)
    return old + 8


@test
def test_corrupted_table_entry_is_a_disagreement():
    for jdk in filter(debian, jdks()):
        if not jdk['name'] in ('jdk17', 'jdk25', 'jdk27'):
            continue  # one initializer-style, one data-style build and the oldest are enough
        fields, _, _ = vmstructs(['--jvm', jdk['libjvm']])
        entry = fields[('Klass', '_name')]
        data = bytearray(open(jdk['libjvm'], 'rb').read())
        new = corrupt_offset(data, int(entry['offset_at'], 16))
        copy = os.path.join(TMP, f'{jdk["name"]}-libjvm.so')
        with open(copy, 'wb') as f:
            f.write(data)
        bad = dict(jdk, libjvm=copy)
        status, v, err = layout_json(bad, '-c', 'aot-verify-layout')
        row = next((r for r in (v or {}).get('fields', []) if r['field'] == 'Klass::_name'), {})
        check(f'{jdk["name"]}: corrupted Klass::_name exits 1', status == 1, f'{status} {err.strip()[-300:]}')
        check(f'{jdk["name"]}: the row shows tables {new} against DWARF {entry["value"]}',
              row.get('result') == 'DISAGREE' and row.get('tables') == new and row.get('dwarf') == entry['value'],
              f'{row}')
        check(f'{jdk["name"]}: stderr names the failure', 'disagreement' in err, err.strip())


# ---- aot-ptype against gdb ------------------------------------------------------

@test
def test_ptype_matches_gdb():
    import gdb_ptype
    for jdk in filter(debian, jdks()):
        name = jdk['name']
        want = gdb_ptype.ptype(jdk, 'InstanceKlass')
        status, v, err = layout_json(jdk, '-c', 'aot-ptype InstanceKlass')
        check(f'{name}: aot-ptype InstanceKlass exits 0', status == 0, err.strip()[-300:])
        if not v:
            continue
        ours = {m['name']: m for m in v['members'] if not m['static'] and not m['base']}
        theirs = {m['name']: m for m in want['members'] if m.get('offset') is not None}
        check(f'{name}: same members as gdb ptype/o ({len(theirs)})', set(ours) == set(theirs),
              f'only ours {sorted(set(ours) - set(theirs))[:5]}, only gdb {sorted(set(theirs) - set(ours))[:5]}')
        wrong = [(n, ours[n]['offset'], t['offset'], ours[n]['size'], t['size'])
                 for n, t in theirs.items() if n in ours
                 and (ours[n]['offset'] != t['offset'] or ours[n]['size'] != t['size'])]
        check(f'{name}: every offset and size equals gdb\'s', not wrong, f'{wrong[:5]}')
        check(f'{name}: total size equals gdb\'s ({want["size"]})', v['size'] == want['size'],
              f'{v["size"]}')
        marked = [m['name'] for m in v['members'] if m['decoders']]
        check(f'{name}: the decoders\' fields are marked', '_methods' in marked and '_constants' in marked,
              f'{marked}')


@test
def test_ptype_without_dwarf_uses_tables():
    for jdk in jdks():
        if debian(jdk):
            continue
        status, v, err = layout_json(jdk, '-c', 'aot-ptype InstanceKlass')
        check(f'{jdk["name"]}: aot-ptype from the tables', status == 0 and v and 'tables' in v['source'],
              err.strip())
        if v:
            m = {r['name']: r['offset'] for r in v['members']}
            check(f'{jdk["name"]}: InstanceKlass::_methods at 400 as the live JVM says', m.get('_methods') == 400,
                  f'{m.get("_methods")}')


@test
def test_dwarf_cache():
    js = [j for j in jdks() if j['name'] == 'jdk25']
    if not js:
        return
    jdk = js[0]
    cache = os.path.join(TMP, 'cache-test')
    args = jvm_args(jdk) + ['--cache-dir', cache, '--json', '-c', 'aot-ptype Method']
    s1, o1, e1 = run(args, timeout=600)
    files = [os.path.join(d, f) for d, _, fs in os.walk(cache) for f in fs]
    check('DWARF answers are cached on disk by build id', s1 == 0 and len(files) == 1, f'{files} {e1}')
    s2, o2, e2 = run(args)
    check('the cached answer is the same', s2 == 0 and o1 == o2, e2)
    for f in files:
        with open(f, 'r+b') as fh:
            fh.seek(os.path.getsize(f) // 2)
            fh.write(b'\xff garbage \x00\n' * 20)
    s3, o3, e3 = run(args, timeout=600)
    check('a corrupt cache file is ignored, not trusted', s3 == 0 and o3 == o1 and sanitizer_clean(e3),
          e3.strip()[-300:])


# ---- hostile inputs ----------------------------------------------------------------

@test
def test_bad_libjvm_inputs():
    js = {j['name']: j for j in jdks()}
    if 'jdk25' not in js:
        return
    j25 = js['jdk25']
    data = open(j25['libjvm'], 'rb').read()
    cases = []

    def case(label, blob, want):
        path = os.path.join(TMP, label.replace(' ', '_'))
        with open(path, 'wb') as f:
            f.write(blob)
        cases.append((label, path, want))

    case('empty file', b'', 'ELF')
    case('text file', b'hello\n' * 100, 'ELF')
    case('truncated ELF header', data[:40], None)
    case('truncated libjvm', data[:len(data) // 3], None)
    case('libjvm without its tail', data[:len(data) - 4096], None)
    bad_ph = bytearray(data)
    struct.pack_into('<Q', bad_ph, 0x20, len(data) + 100)  # e_phoff past the end
    case('program headers past the end', bytes(bad_ph), None)
    for label, path, want in cases:
        status, out, err = run(['--jvm', path, '--cache-dir', CACHE_DIR, '-c', 'aot-vmstructs Klass'])
        check(f'{label}: a clear error', status == 2 and err.startswith('aotdbg: ') and err.count('\n') == 1
              and (want is None or want in err), f'{status} {err.strip()[:300]}')
        check(f'{label}: no sanitizer report', sanitizer_clean(err), err[-300:])
    for label, path in (('a foreign ELF (/bin/ls)', '/bin/ls'),
                        ('a JDK library without the tables', os.path.join(j25['home'], 'lib', 'libjava.so'))):
        status, out, err = run(['--jvm', path, '-c', 'aot-vmstructs'])
        check(f'{label}: says the tables are missing', status == 2 and 'gHotSpotVMStructs' in err,
              f'{status} {err.strip()}')
    # Random bytes flipped in the code and data the tables come from: no crash, whatever the result.
    import random
    rnd = random.Random(25)
    for i in range(6):
        blob = bytearray(data)
        for _ in range(2000):
            k = rnd.randrange(0x300000, len(blob))
            blob[k] = rnd.randrange(256)
        path = os.path.join(TMP, f'flipped{i}.so')
        with open(path, 'wb') as f:
            f.write(blob)
        status, out, err = run(['--jvm', path, '--cache-dir', '', '-c', 'aot-vmstructs Klass'])
        check(f'flipped libjvm #{i}: no crash', status in (0, 2) and sanitizer_clean(err), err[-300:])


@test
def test_debug_file_of_another_build():
    js = {j['name']: j for j in jdks()}
    if 'jdk25' not in js or 'jdk21' not in js:
        return
    other = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(js['jdk21']['dbg'], '.build-id'))
             for f in fs if f.endswith('.debug')]
    other = max(other, key=os.path.getsize)
    status, out, err = run(['--jvm', js['jdk25']['libjvm'], '--debug-file', other, '-c', 'aot-ptype Klass'])
    check('a debug file of another build is refused', status == 2 and 'build id' in err,
          f'{status} {err.strip()}')
    trunc = os.path.join(TMP, 'truncated.debug')
    with open(other, 'rb') as f, open(trunc, 'wb') as g:
        g.write(f.read(1 << 20))
    status, out, err = run(['--jvm', js['jdk21']['libjvm'], '--debug-file', trunc, '--cache-dir', '',
                            '-c', 'aot-ptype Klass'])
    check('a truncated debug file: a clear error', status == 2 and sanitizer_clean(err) and err.count('\n') == 1,
          f'{status} {err.strip()[-300:]}')


def cleanup():
    shutil.rmtree(TMP, ignore_errors=True)
