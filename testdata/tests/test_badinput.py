"""Hostile input: every corrupted archive gives one line on stderr naming the
file, the offset and the field, exit status 2, and no sanitizer report.

Corrupted copies are made at test time from each JDK's real archives.
Positions patched are those of the format itself (the generic header of
include/cds.h, the CDSFileMapRegion entry), read back from aotdbg's own
JSON where they vary.
"""
import os
import random
import shutil
import struct
import tempfile

from harness import test, check, run, run_json, corpus, sanitizer_clean

COMMANDS = ['-c', 'aot-header', '-c', 'aot-regions', '-c', 'aot-validate', '-c', 'aot-bitmap rw --list --limit 50']


def one_line_error(name, path, args, want_in=(), status=2, stdout_in=()):
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
    for jdk, kinds in samples().items():
        src = kinds.get('static')
        if not src:
            continue
        hdr, regs = layout(src)
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
    for jdk, kinds in samples().items():
        src = kinds.get('static')
        if not src:
            continue
        _, regs = layout(src)
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
