"""Archived heap objects against the JVM's own map log.

From JDK 21 the map log (-Xlog:cds+map / aot+map at trace level, with
aot+map+oops) lists every archived heap object: its address, narrow oop,
class, array length, a String's text, a mirror's class, and from 25 its
fields with their values.  aot-map --region hp must print those lines exactly,
and aot-print-object must show the same values.  JDK 17 prints no heap
objects; there the walk must cover each heap region exactly with objects
of classes the map lists.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile

import harness
from harness import test, check, run, run_batch_json, sanitizer_clean, corpus, jdk_of, archive_args

HEAP_LINE = re.compile(rb'^0x[0-9a-f]+: (@@|Heap roots segment)')
SECTION = re.compile(rb'^\[(heap|closed heap region|open heap region) ')
# fieldDescriptor::print_on_for prints a char with isprint(c) even for c > 255, which reads
# glibc's table out of bounds: the character shown then depends on the JVM's libc build.
CHAR_QUIRK = re.compile(rb"^ - .*'C' @\d+  .+ (\d+) \(0x[0-9a-f]{4}\)$")




def has_dwarf(jdk):
    j = jdk_of(jdk)
    return bool(j and j['dbg'])


def run_bytes(args, timeout=300):
    """aotdbg with byte-exact output: the map holds the low bytes of String characters."""
    e = dict(os.environ)
    e.setdefault('ASAN_OPTIONS', 'abort_on_error=0:exitcode=86:detect_leaks=1')
    e.setdefault('UBSAN_OPTIONS', 'halt_on_error=1:exitcode=87:print_stacktrace=1')
    p = subprocess.run([harness.AOTDBG] + list(args), capture_output=True, timeout=timeout, env=e)
    return p.returncode, p.stdout, p.stderr.decode(errors='replace')


def map_heap_section(mapfile):
    """The lines of the map's heap section(s), bytes, without their newlines."""
    out, inside = [], False
    with open(mapfile, 'rb') as f:
        for line in f:
            line = line.rstrip(b'\n')
            if SECTION.match(line):
                inside = True
            elif line.startswith(b'[End'):
                inside = False
            if inside:
                out.append(line)
    return out


def object_lines(lines):
    return [l for l in lines if HEAP_LINE.match(l) or SECTION.match(l)]


def heap_kinds():
    return [(j, k, a, m) for j, k, a, m in corpus() if m]


@test
def test_heap_map_lines():
    """Every @@ line of the JVM's heap section, line for line (JDK 21 to 27)."""
    for jdk, kind, archive, mapfile in heap_kinds():
        want = object_lines(map_heap_section(mapfile))
        if jdk == 'jdk17':
            continue
        status, out, err = run_bytes(archive_args(jdk, archive) + ['-c', 'aot-map --region hp'])
        got = object_lines(out.split(b'\n'))
        same = sum(1 for a, b in zip(want, got) if a == b)
        n = max(len(want), len(got))
        pct = 100.0 * same / n if n else 100.0
        print(f'  heap @@ lines {jdk}/{kind}: {same}/{n} ({pct:.2f}%)')
        diff = [(a, b) for a, b in zip(want, got) if a != b]
        # A build without DWARF cannot read Klass::_aot_class_flags: no "(aot-inited)" mark.
        excused = [d for d in diff if not has_dwarf(jdk) and d[0] == d[1] + b' (aot-inited)']
        check(f'aot-map --region hp {jdk}/{kind} exit status', status == 0 and sanitizer_clean(err), err[-400:])
        check(f'aot-map --region hp {jdk}/{kind} line count', len(want) == len(got), f'{len(want)} vs {len(got)}')
        check(f'aot-map --region hp {jdk}/{kind} @@ lines', len(diff) == len(excused),
              '; '.join(f'{a[:120]!r} vs {b[:120]!r}' for a, b in diff[:3]))
        if excused:
            print(f'  ({len(excused)} lines lack "(aot-inited)": {jdk} has no DWARF for Klass::_aot_class_flags)')


@test
def test_heap_map_trace():
    """With --hex (and --fields from 25) the whole heap section equals the map's, byte for byte."""
    done = set()
    for jdk, kind, archive, mapfile in heap_kinds():
        if kind == 'dynamic' or (jdk, kind) in done:
            continue
        done.add((jdk, kind))
        want = map_heap_section(mapfile)
        flags = ['--hex']
        status, out, err = run_bytes(archive_args(jdk, archive) + ['-c', 'aot-map --region hp ' + ' '.join(flags)])
        got = out.split(b'\n')[:-1]
        if jdk == 'jdk17':
            got = [l for l in got if b'@@' not in l]     # our addition to 17's map
        diff = [(a, b) for a, b in zip(want, got) if a != b]
        quirks = [d for d in diff if CHAR_QUIRK.match(d[0]) and CHAR_QUIRK.match(d[1])
                  and CHAR_QUIRK.match(d[0]).group(1) == CHAR_QUIRK.match(d[1]).group(1)
                  and int(CHAR_QUIRK.match(d[0]).group(1)) > 255]
        nodwarf = [d for d in diff if not has_dwarf(jdk) and d not in quirks]
        print(f'  heap section {jdk}/{kind} {" ".join(flags)}: {len(want) - len(diff)}/{len(want)} lines equal'
              f' ({len(quirks)} chars above 255 printed through isprint)')
        check(f'aot-map --region hp {" ".join(flags)} {jdk}/{kind} exit status', status == 0 and sanitizer_clean(err),
              err[-400:])
        check(f'aot-map --region hp {" ".join(flags)} {jdk}/{kind} line count', len(want) == len(got),
              f'{len(want)} vs {len(got)}')
        if nodwarf:
            # Without DWARF: no aot-inited marks, no archived resolved references.
            print(f'  ({len(nodwarf)} lines need DWARF this build lacks)')
            continue
        check(f'aot-map --region hp {" ".join(flags)} {jdk}/{kind} lines', len(diff) == len(quirks),
              '; '.join(f'{a[:140]!r} vs {b[:140]!r}' for a, b in diff if (a, b) not in quirks)[:600])


@test
def test_heap_17_walk():
    """JDK 17 prints no heap objects: the walk must tile each region with objects of known classes."""
    for jdk, kind, archive, mapfile in heap_kinds():
        if jdk != 'jdk17' or kind == 'dynamic':
            continue
        sections = [l for l in map_heap_section(mapfile) if SECTION.match(l)]
        classes = set()
        with open(mapfile, errors='replace') as f:
            for line in f:
                m = re.match(r'^(0x[0-9a-f]+): @@ Class ', line)
                if m:
                    classes.add(int(m.group(1), 16))
        status, out, err = run(archive_args(jdk, archive) + ['--json', '-c', 'aot-map --region hp'])
        check(f'aot-map --region hp {jdk}/{kind} exit status', status == 0 and sanitizer_clean(err), err[-300:])
        objs = json.loads(out)['map']['heap_objects']
        for sec in sections:
            m = re.match(rb'^\[(.{18}) (0x[0-9a-f]+) - (0x[0-9a-f]+)', sec)
            lo, hi = int(m.group(2), 16), int(m.group(3), 16)
            mine = [o for o in objs if lo <= int(o['address'], 16) < hi]
            at, gaps = lo, 0
            for o in mine:
                gaps += int(o['address'], 16) != at
                at = int(o['address'], 16) + o['size']
            name = sec[1:19].decode().strip()
            print(f'  {jdk}/{kind} {name}: {len(mine)} objects over {hi - lo} bytes')
            check(f'{jdk}/{kind} {name} tiled', mine and gaps == 0 and at == hi,
                  f'{gaps} gaps, last object ends at {at:#x}, region ends at {hi:#x}')
        unknown = [o for o in objs if int(o['klass'], 16) not in classes]
        check(f'{jdk}/{kind} heap objects of @@ Class classes', objs and not unknown,
              f'{len(unknown)} of {len(objs)}: {unknown[:2]}')
        roots = [o for o in objs if o['kind'] == 'roots']
        check(f'{jdk}/{kind} heap roots found', len(roots) == 1 and roots[0]['class'] == '[Ljava.lang.Object;',
              str(roots))


def map_objects_with_fields(mapfile, per_kind=40):
    """A sample of the map's heap objects: [address, @@ line, kind, field/element lines].

    A String whose characters' low bytes are NUL or newline breaks the JVM's own
    lines (its log cuts a line at a NUL and starts one at a newline): objects
    whose lines show that are marked 'broken'.
    """
    objs, cur = [], None
    for line in map_heap_section(mapfile):
        if HEAP_LINE.match(line):
            cur = None
            m = re.match(rb'^(0x[0-9a-f]+): @@ Object \(0x[0-9a-f]+\) (\S+)', line)
            if not m:
                continue
            cls = m.group(2)
            kind = (b'string' if cls == b'java.lang.String' else b'mirror' if cls == b'java.lang.Class'
                    else b'objarray' if cls.startswith(b'[L') or cls.startswith(b'[[') else
                    b'typearray' if cls.startswith(b'[') else b'instance')
            cur = [int(m.group(1), 16), line, kind, []]
            objs.append(cur)
        elif cur is None or line.startswith(b'0x'):
            continue
        elif line.startswith(b' - klass:') or line.startswith(b' - fields ('):
            continue
        elif line.startswith(b' - ') or line.startswith(b' root[') or line.startswith(b'- ---- static fields'):
            cur[3].append(line)
        else:
            cur[2] = b'broken'
    # Spread the sample over the heap: every kind, evenly.
    picked = []
    for kind in (b'instance', b'string', b'mirror', b'objarray', b'typearray'):
        mine = [o for o in objs if o[2] == kind or (o[2] == b'broken' and kind == b'objarray')]
        step = max(1, len(mine) // per_kind)
        picked += mine[::step][:per_kind]
    return picked


def expected_field_line(f):
    t = (f.get('signature') or '?')[0]
    sep = ' ' if t in 'L[' or 'marked metadata pointer' in f['value'] else '  '
    return ' - ' + f['declaration'] + sep + f['value']


@test
def test_heap_print_object_fields():
    """aot-print-object against the map's field and element lines (25, 26, 27)."""
    for jdk, kind, archive, mapfile in heap_kinds():
        if jdk in ('jdk17', 'jdk21') or kind == 'dynamic' or not has_dwarf(jdk):
            continue
        sample = map_objects_with_fields(mapfile)
        cmds = [f'aot-print-object {a:#x} --limit 100000' for a, _, _, _ in sample]
        status, docs, err = run_batch_json(archive_args(jdk, archive), cmds)
        check(f'aot-print-object {jdk}/{kind} batch', status == 0 and len(docs) == len(sample)
              and sanitizer_clean(err), err[-300:])
        good = bad = broken = 0
        by_kind = {}
        for (addr, line, okind, lines), doc in zip(sample, docs):
            o = doc['object']
            if okind == b'broken':
                broken += 1
                continue
            want = [l.decode('latin-1') for l in lines]
            got = []
            if okind in (b'instance', b'string', b'mirror'):
                got = [expected_field_line(f) for f in doc['fields']]
                if okind == b'mirror':
                    want = [l for l in want if not l.startswith(' - signature') and 'resolved_references' not in l
                            and not l.startswith('- ----')]
                    got += [expected_field_line(f) for f in doc.get('static_fields', [])]
            elif okind == b'objarray':
                want = [re.sub(r'^ (-|root\[)\s*\d+\]?: ', '', l) for l in want]
                got = [e['value'] for e in doc['elements']]
            else:
                want = [element_value(l, line) for l in want if 'MaxElement' not in l]
                want = [w & 0xff if b'[B' in line else w for w in want if w is not None]
                got = [numeric(e['value'], line) for e in doc['elements']][:len(want)]
            if o['kind'] == 'filler array':
                # The bytes say Object[]; the 26+ map names the filler class and prints ints.
                want, got = [head_length(line)], [o['length']]
            ok = all(a == b or (CHAR_QUIRK.match(a.encode(errors='replace')) if isinstance(a, str) else False)
                     for a, b in zip(want, got)) and len(want) == len(got)
            head = line.decode('latin-1')
            ok = ok and o['address'] == f'{addr:#018x}' and (head.split(') ', 1)[1].startswith(o['class'])
                                                             or o['kind'] == 'filler array')
            by_kind[okind] = by_kind.get(okind, 0) + ok
            good += ok
            if not ok:
                bad += 1
                if bad <= 3:
                    check(f'aot-print-object {jdk}/{kind} {addr:#x}', False,
                          f'{head[:100]}: {[ (a, b) for a, b in zip(want, got) if a != b][:2]} '
                          f'({len(want)} vs {len(got)})')
        print(f'  aot-print-object {jdk}/{kind}: {good}/{len(sample) - broken} objects equal the map '
              f'({", ".join(f"{k.decode()} {v}" for k, v in sorted(by_kind.items()))})'
              + (f'; {broken} skipped: the JVM\'s own lines are cut by a NUL or newline byte' if broken else ''))
        check(f'aot-print-object {jdk}/{kind} all sampled objects', bad == 0, f'{bad} differ')


def element_value(text, line):
    """The number a TypeArrayKlass element line shows, as numeric() makes ours."""
    toks = re.match(r'^ -\s*\d+: (.*)$', text).group(1).split()
    if b'[J' in line:
        return int(toks[1], 16)            # the high and the low half: compare the low one
    if b'[Z' in line:
        return 1 if toks[0] == 'true' else 0
    if b'[F' in line or b'[D' in line:
        return float(toks[0])
    return int(toks[0], 16) & (0xff if b'[B' in line else 0xffffffff)


def head_length(line):
    return int(re.search(rb'length: (\d+)$', line).group(1))


def numeric(v, line):
    """A primitive element as the number TypeArrayKlass prints in hex (bytes and chars as unsigned)."""
    if isinstance(v, int):
        if b'[J' in line:
            return v & 0xffffffff      # prints high then low half; compare the low one
        return v & (0xff if b'[B' in line else 0xffffffff)
    if v in ('true', 'false'):
        return 1 if v == 'true' else 0
    if b'[F' in line or b'[D' in line:
        return float(v)
    m = re.search(r'(\d+)$', v)
    return int(m.group(1)) if m else v


def jvm_string(text):
    """A String's text as the map quotes it (control characters as \\xNN, the rest by low byte)."""
    return ''.join('\\x%02X' % ord(c) if ord(c) < 0x20 else chr(ord(c) & 0xff) for c in text)


@test
def test_heap_print_object_strings():
    """aot-print-object's decoded String text against the map's quoted value (25, 26, 27)."""
    for jdk, kind, archive, mapfile in heap_kinds():
        if jdk not in ('jdk25', 'temurin25', 'jdk26', 'jdk27') or kind == 'dynamic':
            continue
        strings, utf16, cur = [], [], None
        for line in map_heap_section(mapfile):
            m = re.match(rb'^(0x[0-9a-f]+): @@ Object \(0x[0-9a-f]+\) java\.lang\.String "(.*)"$', line)
            if m:
                cur = (int(m.group(1), 16), m.group(2).decode('latin-1'))
                strings.append(cur)
            elif HEAP_LINE.match(line):
                cur = None
            elif cur and re.match(rb"^ - private final 'coder' 'B' @\d+  1 ", line):
                utf16.append(cur)
        # Spread over the heap, and every UTF16 one.
        strings = strings[::max(1, len(strings) // 300)][:300] + utf16
        status, docs, err = run_batch_json(archive_args(jdk, archive),
                                           [f'aot-print-object {a:#x}' for a, _ in strings])
        bad = [(t, d['object'].get('string')) for (a, t), d in zip(strings, docs)
               if jvm_string(d['object'].get('string') or '') != t]
        print(f'  Strings {jdk}/{kind}: {len(strings) - len(bad)}/{len(strings)} equal the map '
              f'({len(utf16)} of them UTF16)')
        check(f'aot-print-object Strings {jdk}/{kind}', status == 0 and len(docs) == len(strings) and not bad
              and sanitizer_clean(err), f'{bad[:3]} {err[-200:]}')


@test
def test_heap_print_object_errors():
    """Addresses that are not heap object starts: one clear line, exit status 2."""
    for jdk, kind, archive, mapfile in heap_kinds():
        if kind != 'static':
            continue
        objs = [l for l in map_heap_section(mapfile) if l.startswith(b'0x') and b'@@ Object' in l]
        status, out, err = run(archive_args(jdk, archive) + ['--json', '-c', 'aot-map --region hp'])
        first = json.loads(out)['map']['heap_objects'][1]
        a = int(first['address'], 16)
        cases = [(a + 8, f'inside {first["class"]} at {a:#x}, at offset 8'),
                 (0x10, 'is not a heap object: it is in no archive')]
        for addr, want in cases:
            status, out, err = run(archive_args(jdk, archive) + ['-c', f'aot-print-object {addr:#x}'])
            lines = err.strip().split('\n')
            check(f'aot-print-object {addr:#x} {jdk}', status == 2 and len(lines) == 1 and want in err
                  and sanitizer_clean(err), f'{status} {err.strip()[:300]}')


@test
def test_heap_corrupt():
    """A heap object's klass or length overwritten: an error at that address, exit 2, no sanitizer report."""
    tmp = tempfile.mkdtemp(prefix='aotdbg-heap-')
    try:
        for jdk, kind, archive, mapfile in heap_kinds():
            if kind != 'static':
                continue
            status, out, err = run(archive_args(jdk, archive) + ['--json', '-c', 'aot-map --region hp'])
            objs = json.loads(out)['map']['heap_objects']
            status, out, err = run([archive, '--json', '-c', 'aot-regions'])
            regions = {r['name']: r for r in json.loads(out)['archives'][0]['regions']}
            inst = next(o for o in objs[10:] if o['kind'] == 'instance')
            arr = next(o for o in objs[10:] if o['kind'] == 'typeArray')
            coh = jdk == 'jdk27'
            cases = [('klass', inst, 4 if coh else 8, b'\xef\xbe\xad\xde'),
                     ('length', arr, 8 if coh else 12, struct.pack('<i', 0x7fffffff)),
                     ('length', arr, 8 if coh else 12, struct.pack('<i', -7)),
                     ('klass', inst, 4 if coh else 8, b'\0\0\0\0')]
            for field, obj, off, data in cases:
                r = regions[obj['region']]
                addr = int(obj['address'], 16)
                fo = int(r['file_offset'], 16) + addr - int(r['start'], 16) + off
                bad = os.path.join(tmp, os.path.basename(archive))
                shutil.copy(archive, bad)
                with open(bad, 'r+b') as f:
                    f.seek(fo)
                    f.write(data)
                for cmd in ('aot-map --region hp', f'aot-print-object {addr:#x}'):
                    status, out, err = run(archive_args(jdk, bad) + ['-c', cmd])
                    lines = err.strip().split('\n')
                    # aot-map: the problem's line, then its count of unknown objects and problems
                    want_lines = 2 if cmd.startswith('aot-map') else 1
                    ok = (status == 2 and len(lines) == want_lines and f'{addr:016x}' in lines[0] and
                          f'{field}:' in lines[0] and sanitizer_clean(err))
                    check(f'corrupt heap {field} {data.hex()} {jdk}: {cmd.split()[0]}', ok,
                          f'{status} {err.strip()[:300]}')
                    if cmd == 'aot-map --region hp' and ok:
                        listed = [l for l in out.split('\n') if '@@' in l or 'Heap roots' in l]
                        check(f'corrupt heap {jdk}: objects before it listed',
                              listed and int(listed[-1].split(':')[0], 16) < addr, listed[-1:])
    finally:
        shutil.rmtree(tmp)


def map_class_counts(mapfile):
    """Objects per class as the map's @@ lines name them; fillers apart (not counted)."""
    counts = {}
    for line in object_lines(map_heap_section(mapfile)):
        line = line.decode('latin-1')
        if 'Heap roots segment' in line or 'HeapShared::roots' in line:
            cls = '[Ljava.lang.Object;'
        elif ': @@ Object filler ' in line or SECTION.match(line.encode('latin-1')):
            continue
        else:
            rest = line.split(': @@ Object ', 1)[1]
            if rest.startswith('(0x'):
                rest = rest.split(') ', 1)[1]
            cls = rest.split(' ', 1)[0]
            if cls == '[Ljdk.internal.vm.FillerElement;':
                continue
        counts[cls] = counts.get(cls, 0) + 1
    return counts


@test
def test_heap_stats():
    """aot-stats: totals against the dump log's heap line, per class against the map."""
    for jdk, kind, archive, mapfile in heap_kinds():
        if kind == 'dynamic':
            continue
        log = mapfile[:-len('.map')] + '.dump.log'
        want = None
        if os.path.exists(log):
            with open(log, errors='replace') as f:
                for line in f:
                    m = re.search(r'Size of heap region = (\d+) bytes, (\d+) objects, (\d+) roots', line)
                    if m:
                        want = tuple(int(x) for x in m.groups())
        status, out, err = run(archive_args(jdk, archive) + ['--json', '-c', 'aot-stats'])
        check(f'aot-stats {jdk}/{kind} exit status', status == 0 and sanitizer_clean(err), err[-300:])
        doc = json.loads(out)['stats']
        t = doc['heap_total']
        if want:
            # The writer counts the roots, not its fillers.
            objects = t['count'] - t['fillers']
            got = (t['bytes'], objects, t['roots'])
            print(f'  heap totals {jdk}/{kind}: {got[1]} objects, {got[0]} bytes, {got[2]} roots; dump log {want}')
            check(f'heap totals {jdk}/{kind}', got == want, f'{got} vs {want}')
        check(f'heap per-class sums {jdk}/{kind}',
              sum(c['count'] for c in doc['heap']) + t['fillers'] == t['count'] and
              sum(c['bytes'] for c in doc['heap']) + t['filler_bytes'] == t['bytes'], str(t))
        if jdk in ('jdk17',) or (jdk == 'jdk21' and kind != 'static'):
            continue        # 17's map has no objects; 21's stops at its first filler
        mine = {c['class']: c['count'] for c in doc['heap']}
        theirs = map_class_counts(mapfile)
        diff = {k: (mine.get(k), theirs.get(k)) for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)}
        check(f'heap objects per class {jdk}/{kind}', not diff, str(list(diff.items())[:4]))


@test
def test_heap_whatis_inside_objects():
    """aot-whatis inside archived Java objects names the object the map lists there."""
    for jdk, kind, archive, mapfile in heap_kinds():
        if kind != 'static' or jdk == 'jdk17':
            continue
        starts = []
        for line in object_lines(map_heap_section(mapfile)):
            m = re.match(rb'^0x([0-9a-f]+): (@@|Heap roots segment)', line)
            if m:
                starts.append(int(m.group(1), 16))
        # objects whose end the next line gives, evenly spaced over the heap
        picks = [(a, b) for a, b in zip(starts, starts[1:]) if b - a > 8][::max(1, len(starts) // 25)][:25]
        status, docs, err = run_batch_json(archive_args(jdk, archive),
                                           [f'aot-whatis 0x{a + (b - a) // 2 // 8 * 8:x}' for a, b in picks])
        if not check(f'aot-whatis heap {jdk}: runs', status == 0 and len(docs) == len(picks) and
                     sanitizer_clean(err), err[-300:]):
            continue
        bad = [(hex(a), d['whatis']) for (a, b), d in zip(picks, docs)
               if d['whatis'].get('type') != 'Object' or int(d['whatis'].get('start', '0'), 16) != a or
               d['whatis'].get('size') != b - a]
        print(f'  aot-whatis heap {jdk}: {len(picks) - len(bad)}/{len(picks)} objects found with their size')
        check(f'aot-whatis heap {jdk}: {len(picks)} addresses inside heap objects give the object', not bad,
              f'{bad[:2]}')
