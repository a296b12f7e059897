"""Hostile input: every corrupted archive gives one line on stderr naming the
file, the offset and the field, exit status 2, and no sanitizer report.

Corrupted copies are made at test time from each JDK's real archives.
Positions patched are those of the format itself (the generic header of
include/cds.h, the CDSFileMapRegion entry), read back from aotdbg's own
JSON where they vary.
"""
import os
import random
import re
import shutil
import struct
import tempfile

from harness import test, check, run, run_json, corpus, sanitizer_clean, archive_args, jdk_of

COMMANDS = ['-c', 'aot-header', '-c', 'aot-regions', '-c', 'aot-validate', '-c', 'aot-bitmap rw --list --limit 50']


def one_line_error(name, path, args, want_in=(), status=2, stdout_in=(), want_re=None):
    """ARGS fails with one line on stderr naming PATH and each of WANT_IN (and
    matching the regular expression WANT_RE)."""
    st, out, err = run(args)
    lines = [l for l in err.splitlines() if l.strip()]
    problems = []
    if st != status:
        problems.append(f'exit status {st}, expected {status}')
    if not sanitizer_clean(err):
        problems.append('sanitizer report')
    if len(lines) != 1:
        problems.append(f'{len(lines)} lines on stderr')
    text = ' '.join(lines)
    for w in (path,) + tuple(want_in):
        if w not in text:
            problems.append(f'stderr lacks {w!r}')
    if want_re and not re.search(want_re, text):
        problems.append(f'stderr does not match {want_re!r}')
    for w in stdout_in:
        if w not in out:
            problems.append(f'stdout lacks {w!r}')
    check(name, not problems, '; '.join(problems) + f' | stderr: {err.strip()[:400]}')


def samples():
    """One static archive and one dynamic archive per JDK."""
    by_jdk = {}
    for jdk, kind, archive, _ in corpus():
        by_jdk.setdefault(jdk, {})[kind] = archive
    return by_jdk


def static_samples(need_jvm=False):
    """(jdk, static archive, its header JSON, its regions) per JDK of samples()."""
    for jdk, kinds in samples().items():
        src = kinds.get('static')
        if src and (not need_jvm or jdk_of(jdk)):
            hdr, regs = layout(src)
            yield jdk, src, hdr, regs


def patched(tmp, src, name, edits=(), truncate=None):
    dst = os.path.join(tmp, name)
    shutil.copyfile(src, dst)
    with open(dst, 'r+b') as f:
        for off, fmt, value in edits:
            f.seek(off)
            f.write(struct.pack('<' + fmt, value))
        if truncate is not None:
            f.truncate(truncate)
    return dst


def layout(archive):
    hdr = run_json([archive, '-c', 'aot-header'])['archives'][0]
    regs = run_json([archive, '-c', 'aot-regions'])['archives'][-1]['regions']
    return hdr, regs


@test
def test_corrupt_headers_and_regions():
    for jdk, src, hdr, regs in static_samples():
        size = os.path.getsize(src)
        hsize = hdr['fields']['header_size']
        last_end = max(int(r['file_offset'], 16) + r['used'] for r in regs)
        v17 = jdk == 'jdk17'
        hs_off, hs_fmt = (520, 'Q') if v17 else (12, 'I')
        with tempfile.TemporaryDirectory() as tmp:
            empty = patched(tmp, src, 'empty.jsa', truncate=0)
            one_line_error(f'bad input {jdk}: empty file', empty, [empty] + COMMANDS, ['offset 0x0', 'empty'])
            for cut in sorted({1, 4, 8, 12, 16, 23, 24, 100, 519, 527, hsize - 1, hsize,
                               regs[0]['entry_offset'] + 30, int(regs[1]['file_offset'], 16) + 100, last_end - 1}):
                t = patched(tmp, src, f'cut{cut}.jsa', truncate=cut)
                one_line_error(f'bad input {jdk}: truncated at {cut}', t, [t] + COMMANDS, ['offset 0x'])
            t = patched(tmp, src, 'magic.jsa', [(0, 'I', 0xdeadbeef)])
            one_line_error(f'bad input {jdk}: wrong magic', t, [t] + COMMANDS, ['offset 0x0', 'magic'])
            t = patched(tmp, src, 'future.jsa', [(8, 'I', 99)])
            one_line_error(f'bad input {jdk}: unknown future version shows the generic header', t,
                           [t, '-c', 'aot-header'], ['version', 'supported'], stdout_in=('magic', 'header_size'))
            t = patched(tmp, src, 'old.jsa', [(8, 'I', 5)])
            one_line_error(f'bad input {jdk}: version older than any supported', t, [t] + COMMANDS, ['version'])
            t = patched(tmp, src, 'hsize.jsa', [(hs_off, hs_fmt, size + 4096)])
            one_line_error(f'bad input {jdk}: header size past EOF', t, [t] + COMMANDS, ['header_size'])
            t = patched(tmp, src, 'hsize0.jsa', [(hs_off, hs_fmt, 3)])
            one_line_error(f'bad input {jdk}: header size too small', t, [t] + COMMANDS, ['header_size'])
            rw = regs[0]['entry_offset']
            t = patched(tmp, src, 'rwoff.jsa', [(rw + 24, 'Q', size + 8192)])
            one_line_error(f'bad input {jdk}: region offset past EOF', t, [t] + COMMANDS, ['file_offset', 'rw'])
            t = patched(tmp, src, 'rwused.jsa', [(rw + 40, 'Q', 1 << 62)])
            one_line_error(f'bad input {jdk}: region size past EOF', t, [t] + COMMANDS, ['used', 'rw'])
            heap = [r for r in regs if r['is_heap_region'] and r['used']][0]
            t = patched(tmp, src, 'oopmap.jsa', [(heap['entry_offset'] + 56, 'Q', 1 << 40)])
            one_line_error(f'bad input {jdk}: heap oop map larger than the bitmap region', t, [t] + COMMANDS,
                           ['oopmap', 'bitmap region'])
            if not v17 and jdk != 'jdk21':
                t = patched(tmp, src, 'ptrmap.jsa', [(rw + 72, 'Q', 1 << 40)])
                one_line_error(f'bad input {jdk}: rw pointer map larger than the bitmap region', t,
                               [t] + COMMANDS, ['ptrmap', 'bitmap region'])
            d = os.path.join(tmp, 'dir.jsa')
            os.mkdir(d)
            one_line_error(f'bad input {jdk}: a directory', d, [d] + COMMANDS, ['directory'])


@test
def test_crc_mismatch_fails_validation_only():
    for jdk, src, _, regs in static_samples():
        with tempfile.TemporaryDirectory() as tmp:
            off = int(regs[1]['file_offset'], 16) + 64
            t = patched(tmp, src, 'crc.jsa')
            with open(t, 'r+b') as f:
                f.seek(off)
                b = f.read(1)
                f.seek(off)
                f.write(bytes([b[0] ^ 0xff]))
            st, out, err = run([t, '-c', 'aot-validate'])
            fails = [l for l in out.splitlines() if l.strip().startswith('FAIL')]
            check(f'bad input {jdk}: a flipped ro byte fails exactly the ro crc check',
                  st == 1 and len(fails) == 1 and 'region ro crc' in fails[0] and sanitizer_clean(err),
                  f'status {st}, failing lines {fails}, stderr {err.strip()[:200]}')
            st, out, err = run([t, '-c', 'aot-header'])
            check(f'bad input {jdk}: aot-header still shows a file with a bad crc', st == 0, err)


@test
def test_dynamic_archive_base_problems():
    for jdk, kinds in samples().items():
        dyn, other = kinds.get('dynamic'), kinds.get('static')
        if not dyn or not other:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            alone = os.path.join(tmp, 'dynamic.jsa')
            shutil.copyfile(dyn, alone)
            one_line_error(f'bad input {jdk}: dynamic archive without its base', alone,
                           [alone, '-c', 'aot-regions'], ['base_archive_name', 'not found'])
            st, out, err = run([alone, '-c', 'aot-header'])
            check(f'bad input {jdk}: aot-header of a dynamic archive without its base still works',
                  st == 0 and 'not loaded' in out and sanitizer_clean(err), err)
            one_line_error(f'bad input {jdk}: dynamic archive with the wrong base', alone,
                           [alone, '--base-archive', other, '-c', 'aot-regions'], ['base_header_crc'])
            one_line_error(f'bad input {jdk}: a dynamic archive given as base', alone,
                           [alone, '--base-archive', alone, '-c', 'aot-regions'], ['not a static archive'])
            st, out, err = run([alone, '--base-archive', os.path.join(os.path.dirname(dyn), 'default.jsa'),
                                '-c', 'aot-validate'])
            check(f'bad input {jdk}: --base-archive finds the right base', st == 0, err.strip())


@test
def test_random_header_corruption_never_crashes():
    rnd = random.Random(20261121)
    for jdk, kinds in samples().items():
        for kind in ('static', 'dynamic', 'aot'):
            src = kinds.get(kind)
            if not src:
                continue
            hdr, _ = layout(src)
            hsize = hdr['fields']['header_size']
            bad = []
            with tempfile.TemporaryDirectory() as tmp:
                for i in range(12):
                    edits = []
                    for _ in range(rnd.randint(1, 6)):
                        off = rnd.randrange(0, hsize - 8)
                        fmt = 'Q' if rnd.random() < 0.5 else 'B'
                        value = rnd.choice([0, 1, 0xff, 0xffffffffffffffff, rnd.getrandbits(64)])
                        edits.append((off, fmt, value & (0xff if fmt == 'B' else 0xffffffffffffffff)))
                    t = patched(tmp, src, f'r{i}.jsa', edits)
                    st, out, err = run([t] + COMMANDS, timeout=60)
                    if st not in (0, 1, 2) or not sanitizer_clean(err):
                        bad.append(f'{edits}: status {st} {err.strip()[-300:]}')
            check(f'bad input {jdk}/{kind}: 12 random header corruptions end cleanly', not bad, '; '.join(bad))


# ---- structure: regions, pointer maps, base archive names -------------------

def ran_cleanly(name, args, statuses=(0, 1, 2), max_lines=None, want_in=()):
    """ARGS ends within the time limit, in one of STATUSES, with no sanitizer report."""
    try:
        st, out, err = run(args, timeout=120)
    except Exception as e:  # a hang is a finding like a crash
        return check(name, False, f'{type(e).__name__}: {e}')
    lines = [l for l in err.splitlines() if l.strip()]
    problems = []
    if st not in statuses:
        problems.append(f'exit status {st}, expected one of {statuses}')
    if not sanitizer_clean(err):
        problems.append('sanitizer report')
    if max_lines is not None and len(lines) > max_lines:
        problems.append(f'{len(lines)} lines on stderr')
    for w in want_in:
        if w not in err + out:
            problems.append(f'output lacks {w!r}')
    return check(name, not problems, '; '.join(problems) + f' | stderr: {err.strip()[:300]}')


def file_offset(regs, addr):
    """Where the byte at requested address ADDR is in the file."""
    for r in regs:
        lo = int(r['start'], 16)
        if r['used'] and not r['is_bitmap_region'] and lo <= addr < lo + r['used']:
            return int(r['file_offset'], 16) + addr - lo
    raise AssertionError(f'0x{addr:x} is in no region')


@test
def test_corrupt_region_structure():
    for jdk, src, _, regs in static_samples():
        rw, ro = regs[0], regs[1]
        args = archive_args(jdk, src)[1:]
        with tempfile.TemporaryDirectory() as tmp:
            t = patched(tmp, src, 'overlap.jsa', [(ro['entry_offset'] + 32, 'Q', int(rw['mapping_offset'], 16))])
            one_line_error(f'bad input {jdk}: ro overlapping rw', t, [t] + COMMANDS, ['mapping_offset', 'overlaps'])
            t = patched(tmp, src, 'wrap.jsa', [(rw['entry_offset'] + 32, 'Q', (1 << 64) - 4096)])
            one_line_error(f'bad input {jdk}: rw mapped past the top of the address space', t, [t] + COMMANDS,
                           ['mapping_offset', 'wraps'])
            t = patched(tmp, src, 'rwwrap.jsa', [(rw['entry_offset'] + 40, 'Q', (1 << 64) - 16)])
            one_line_error(f'bad input {jdk}: rw used so large it wraps', t, [t] + COMMANDS, ['offset 0x', 'rw'])
            t = patched(tmp, src, 'zero.jsa', [(ro['entry_offset'] + 40, 'Q', 0)])
            ran_cleanly(f'bad input {jdk}: zero-length ro: the table still shows', [t, '-c', 'aot-regions'], (0,))
            one_line_error(f'bad input {jdk}: zero-length ro: metadata commands name the header field', t,
                           [t] + args + ['-c', 'aot-classes --count'],
                           want_re=r'offset 0x[1-9a-f][0-9a-f]*: (cloned_vtables|serialized_data)')
            t = patched(tmp, src, 'inhdr.jsa', [(rw['entry_offset'] + 24, 'Q', 0)])
            st, out, err = run([t, '-c', 'aot-validate'])
            check(f'bad input {jdk}: rw read from the header fails its crc check',
                  st == 1 and 'region rw crc' in ' '.join(l for l in out.splitlines() if 'FAIL' in l)
                  and sanitizer_clean(err), f'status {st} {err.strip()[:200]}')
            for cmd in ('aot-classes --count', 'aot-map --region rw', 'aot-stats'):
                ran_cleanly(f'bad input {jdk}: rw read from the header: {cmd} ends cleanly', [t] + args + ['-c', cmd])
            t = patched(tmp, src, 'bmzero.jsa', [(regs[2]['entry_offset'] + 40, 'Q', 0)])
            one_line_error(f'bad input {jdk}: empty bitmap region', t, [t] + COMMANDS, ['offset 0x', 'bitmap region'])


@test
def test_corrupt_pointer_maps():
    for jdk, src, _, regs in static_samples():
        rw, ro = regs[0], regs[1]
        args = archive_args(jdk, src)[1:]
        bm = run_json([src, '-c', 'aot-bitmap rw --list --limit 4'])['archives'][0]['maps'][0]
        with tempfile.TemporaryDirectory() as tmp:
            if rw.get('ptrmap_size_in_bits') and ro.get('ptrmap_size_in_bits'):
                # 25+: rw's map grown over ro's bits marks slots past rw's end.
                t = patched(tmp, src, 'outside.jsa', [(rw['entry_offset'] + 72, 'Q',
                                                       rw['ptrmap_size_in_bits'] + ro['ptrmap_size_in_bits'])])
                st, out, err = run([t, '-c', 'aot-validate'])
                check(f'bad input {jdk}: pointer-map bits outside the region fail validation',
                      st == 1 and 'outside region rw' in out and sanitizer_clean(err), f'status {st} {out[-300:]}')
                ran_cleanly(f'bad input {jdk}: pointer-map bits outside the region: aot-bitmap ends cleanly',
                            [t, '-c', 'aot-bitmap rw --list --limit 20'])
                ran_cleanly(f'bad input {jdk}: pointer-map bits outside the region: aot-map ends cleanly',
                            [t] + args + ['-c', 'aot-map --region rw'])
            # Every one of the first marked slots made to point far outside the archive.
            edits = [(file_offset(regs, int(s['slot'], 16)), 'Q', 0x7fff00000000 + 8 * i)
                     for i, s in enumerate(bm['slots'])]
            t = patched(tmp, src, 'wild.jsa', edits)
            st, out, err = run([t, '-c', 'aot-validate'])
            check(f'bad input {jdk}: pointers out of range fail validation',
                  st == 1 and 'point outside the archive' in out and sanitizer_clean(err), f'status {st} {out[-300:]}')
            for cmd in ('aot-classes --count', 'aot-map --region rw', 'aot-stats', f'aot-refs {bm["slots"][0]["slot"]}'):
                ran_cleanly(f'bad input {jdk}: pointers out of range: {cmd} ends cleanly', [t] + args + ['-c', cmd])


@test
def test_corrupt_base_archive_name():
    for jdk, kinds in samples().items():
        dyn, base = kinds.get('dynamic'), kinds.get('default')
        if not dyn or not base or jdk == 'jdk17':   # 17 keeps the name after its header, not at 16/20
            continue
        with tempfile.TemporaryDirectory() as tmp:
            # The name's place decides the header's layout: a wrong one may be the size's fault.
            for name, edits, want in [
                    ('name offset past the header', [(16, 'I', 0xfffffff0)], 'base_archive_name|header_size'),
                    ('name offset inside the generic header', [(16, 'I', 4)], 'base_archive_name|header_size'),
                    ('name size past the header', [(20, 'I', 0x7fffffff)], 'base_archive_name|header_size'),
                    ('no name', [(20, 'I', 0)], 'base_archive_name|header_size')]:
                t = patched(tmp, dyn, 'n.jsa', edits)
                one_line_error(f'bad input {jdk}: dynamic archive, {name}', t,
                               [t, '--base-archive', base, '-c', 'aot-regions'], want_re=f'offset 0x[0-9a-f]+: ({want})')
            with open(dyn, 'rb') as f:
                data = f.read()
            off, size = struct.unpack_from('<II', data, 16)
            # A name that is not NUL-terminated where its size says.
            t = patched(tmp, dyn, 'nonul.jsa', [(off + size - 1, 'B', ord('x'))])
            ran_cleanly(f'bad input {jdk}: dynamic archive, base name without its NUL',
                        [t, '-c', 'aot-header'], (0, 2), max_lines=1)
            for cut in (off + 1, int(layout(dyn)[1][-1]['file_offset'], 16) + 10):
                t = patched(tmp, dyn, f'cut{cut}.jsa', truncate=cut)
                one_line_error(f'bad input {jdk}: dynamic archive truncated at {cut}', t,
                               [t, '--base-archive', base, '-c', 'aot-regions'], ['offset 0x'])


# ---- metadata: cycles, huge counts, wild pointers ---------------------------

def members(args, type_name):
    return {m['name']: m['offset'] for m in run_json(args + ['-c', f'aot-ptype {type_name}'])['members']}


@test
def test_corrupt_metadata():
    for jdk, src, _, regs in static_samples(need_jvm=True):
        args = archive_args(jdk, src)
        k = members(args, 'Klass')
        ik = members(args, 'InstanceKlass')
        cls = {c['name']: int(c['address'], 16)
               for c in run_json(args + ['-c', 'aot-classes java.lang.*'])['classes']}
        s, o = cls['java.lang.String'], cls['java.lang.Object']
        with open(src, 'rb') as f:
            data = f.read()
        methods = struct.unpack_from('<Q', data, file_offset(regs, s + ik['_methods']))[0]
        cases = [
            ('String is its own superclass', [(s + k['_super'], 'Q', s)]),
            ('String is its own next sibling', [(s + k['_next_sibling'], 'Q', s)]),
            ('Object is its own first subclass', [(o + k['_subklass'], 'Q', o)]),
            ('String and Object each other\'s superclass', [(s + k['_super'], 'Q', o), (o + k['_super'], 'Q', s)]),
            ('String has two billion methods', [(methods, 'i', 0x7fffffff)]),
            ('String has -1 methods', [(methods, 'i', -1)]),
            ('String\'s name points outside the archive', [(s + k['_name'], 'Q', 0x7fff00000000)]),
            ('String\'s name is misaligned', [(s + k['_name'], 'Q', s + 3)]),
            ('String\'s methods point at itself', [(s + ik['_methods'], 'Q', s)]),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            for i, (name, edits) in enumerate(cases):
                t = patched(tmp, src, f'm{i}.jsa', [(file_offset(regs, a), fmt, v) for a, fmt, v in edits])
                targs = [t] + args[1:]
                ran_cleanly(f'bad input {jdk}: {name}: aot-print-klass ends with at most one line',
                            targs + ['-c', 'aot-print-klass java.lang.String'], (0, 2), max_lines=1)
                for cmd in ('aot-classes --count', f'aot-whatis 0x{s + 8:x}', 'aot-map --region rw', 'aot-stats'):
                    ran_cleanly(f'bad input {jdk}: {name}: {cmd} ends cleanly', targs + ['-c', cmd])


def as_int(v):
    return int(v, 0) if isinstance(v, str) else int(v)


@test
def test_corrupt_heap_objects():
    for jdk, src, hdr, regs in static_samples(need_jvm=True):
        args = archive_args(jdk, src)
        st, out, err = run(args + ['-c', 'aot-map --region hp'], timeout=300)
        m = re.search(r'^(0x[0-9a-f]+): @@ Object (\(0x[0-9a-f]+\) )?\[Ljava\.lang\.Integer;', out, re.M)
        if not check(f'bad input {jdk}: the heap has an Integer[] to corrupt', m, f'status {st} {err[:200]}'):
            continue
        a = int(m.group(1), 16)
        f = hdr['fields']
        narrow = (a - as_int(f.get('narrow_oop_base', 0))) >> as_int(f.get('narrow_oop_shift', 0))
        # Compact headers (27's default) keep the class in the mark word: the length follows it.
        compact = as_int(f.get('compact_headers', 0))
        length, elem = (a + 8, a + 12) if compact else (a + 12, a + 16)
        klass = (a, 'Q', 0xffffffffffffffff) if compact else (a + 8, 'I', 0xdeadbeef)
        # Cases that are errors in the object itself must say where in the file (status 2).
        cases = [
            ('an array of two billion elements', [(length, 'i', 0x7fffffff)], True),
            ('an array of -1 elements', [(length, 'i', -1)], True),
            ('an object whose class is garbage', [klass], True),
            ('an array whose first element is itself', [(elem, 'I', narrow & 0xffffffff)], False),
            ('an array whose first element is past the heap', [(elem, 'I', 0xfffffff0)], False),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            for i, (name, edits, fails) in enumerate(cases):
                t = patched(tmp, src, f'h{i}.jsa', [(file_offset(regs, x), fmt, v) for x, fmt, v in edits])
                targs = [t] + args[1:]
                ran_cleanly(f'bad input {jdk}: heap, {name}: aot-print-object ends with at most one line',
                            targs + ['-c', f'aot-print-object 0x{a:x}'], (2,) if fails else (0, 2), max_lines=1,
                            want_in=('offset 0x',) if fails else ())
                for cmd in (f'aot-whatis 0x{elem:x}', 'aot-map --region hp', 'aot-stats'):
                    ran_cleanly(f'bad input {jdk}: heap, {name}: {cmd} ends cleanly', targs + ['-c', cmd])
