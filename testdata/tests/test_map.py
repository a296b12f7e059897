"""aot-map against the JVM's own map log of the same archive.

The JVM's map (-Xlog:cds+map=trace / aot+map=trace at dump time) prints one
@@ line per archived object, with its address, type, size and name, the
heap objects from 21 on, and hex dumps at trace level.  aot-map must print
the same lines from the archive alone.  Both are parsed by maplog.map_lines,
so a difference is a difference in what was printed.

JDK 17's map prints no heap objects (its closed/open heap sections are hex
only): there, only the metadata sections are compared.
"""
import bisect
import itertools
import json
import os
import re
import shutil
import struct
import tempfile

from harness import test, check, run, run_to_file, corpus, archive_args, jdks, jvm_args, sanitizer_clean
from maplog import SECTION, MapObjects, map_lines, metadata_table, parse_heap, parse_meta, section_key

# The sections whose @@ lines are compared.  17's heap sections (ca0, oa0)
# are not in this list: the JVM prints no objects there.
COMPARED = ('rw', 'ro', 'hp')
# gen-corpus.sh's CORPUS_JAVAC_JDKS: these JDKs must have a javac-trained cache.
JAVAC_JDKS = ('jdk25', 'jdk26')
DIFF_LINES = 6
# Corrupted input must be answered within this time, under ASan.
CORRUPT_TIMEOUT = 60

_text_counts = {}             # archive -> {section: @@ lines aot-map printed}, for the --json check


def aot_map(jdk, archive, path, options='', json_out=False, timeout=600):
    """Run aot-map OPTIONS on ARCHIVE, stdout into PATH: (status, stderr, seconds)."""
    args = archive_args(jdk, archive) + (['--json'] if json_out else []) + ['-c', f'aot-map {options}'.strip()]
    return run_to_file(args, path, timeout=timeout)


def tail(text, n=400):
    text = text.strip()
    return text if len(text) <= n else '…' + text[-n:]


def short(line, n=160):
    line = line.replace('\n', '\\n')
    return line if len(line) <= n else line[:n] + '…'


def addr_of(line):
    return int(line[2:18], 16)


def diff_excerpt(jvm, got):
    """The first few differences between two address-ordered @@ line lists, by address."""
    mine = {}
    for t in got:
        mine.setdefault(addr_of(t), []).append(t)
    theirs = {addr_of(t) for t in jvm}
    out = []
    for t in jvm:
        g = mine.get(addr_of(t))
        if not g:
            out.append(f'missing  JVM    {short(t)}')
        elif g[0] != t:
            out.append(f'differs  JVM    {short(t)}\n                  aotdbg {short(g[0])}')
        if len(out) >= DIFF_LINES:
            break
    extra = [t for t in got if addr_of(t) not in theirs]
    for t in extra[:max(0, DIFF_LINES - len(out))]:
        out.append(f'extra    aotdbg {short(t)}')
    dups = sum(len(v) - 1 for v in mine.values())
    if dups:
        out.append(f'{dups} addresses printed more than once')
    if not out and jvm != got:
        i = next(i for i, (a, b) in enumerate(zip(jvm, got)) if a != b)
        out.append(f'same lines, other order: line {i}: JVM {short(jvm[i])}, aotdbg {short(got[i])}')
    return '\n    ' + '\n    '.join(out) if out else ''


def known_gap(jdk, kind):
    """Why aotdbg cannot print some objects of this archive as the JVM does, or None."""
    if jdk.startswith('temurin'):
        return 'no DWARF: record components and a few rare arrays are Unknown, and mirrors lack (aot-inited)'
    if (jdk, kind) == ('jdk17', 'dynamic'):
        return 'MethodCounters no archived pointer reaches are Unknown (or Misc data, at the end of rw)'
    return None


UNKNOWN_LINE = re.compile(r'0x([0-9a-f]{16}): @@ (?:Unknown +(\d+)|Misc data (\d+) bytes)$')


def explained(jvm, got):
    """The lines that differ only as a known gap allows: JVM objects inside one
    of aotdbg's Unknown objects, and heap mirrors whose (aot-inited) mark a
    build without DWARF cannot read.  (JVM lines explained, aotdbg lines explained.)"""
    # Unknown objects, and the Misc data that unreached objects at a region's end run into
    unknown = sorted((int(m.group(1), 16), int(m.group(2) or m.group(3))) for m in map(UNKNOWN_LINE.match, got)
                     if m)
    starts = [u[0] for u in unknown]
    mine = set(got)

    def inside_unknown(t):
        i = bisect.bisect_right(starts, addr_of(t)) - 1
        return i >= 0 and addr_of(t) < unknown[i][0] + unknown[i][1]
    theirs = {t for t in jvm if t not in mine and (inside_unknown(t) or t.replace(' (aot-inited)', '') in mine)}
    ours = {t for t in got if UNKNOWN_LINE.match(t) and t not in jvm} | \
        {t.replace(' (aot-inited)', '') for t in theirs}
    return theirs, ours


def compare_section(label, jvm, got, gap=None):
    """Print 'LABEL: N/M lines equal' and check the lists equal, line for line
    (but for what GAP, a known limitation, explains)."""
    mine = {}
    for t in got:
        mine.setdefault(addr_of(t), t)
    equal = sum(1 for t in jvm if mine.get(addr_of(t)) == t)
    extra = len(got) - equal
    print(f'  {label}: {equal}/{len(jvm)} lines equal' + (f', {extra} other lines printed' if extra else ''))
    if gap and jvm != got:
        theirs, ours = explained(jvm, got)
        print(f'  {label}: {len(theirs)} JVM lines differ as the known gap explains ({gap})')
        rest_jvm = [t for t in jvm if t not in theirs]
        rest_got = [t for t in got if t not in ours]
        return check(f'{label}: the @@ lines equal the JVM map\'s, but for the known gap', rest_jvm == rest_got,
                     diff_excerpt(rest_jvm, rest_got))
    return check(f'{label}: the @@ lines equal the JVM map\'s', jvm == got, diff_excerpt(jvm, got))


def sections(m, region=None):
    """A map's section lines (of REGION only, if given), without the closing
    '[End of … map]' line."""
    out = []
    for t in m.sections:
        mt = SECTION.match(t)
        if mt and (region is None or section_key(mt.group(1).strip()) == region):
            out.append(t)
    return out


def section_range(m, region):
    """(start, end) of REGION's section line."""
    for t in sections(m, region):
        mt = SECTION.match(t)
        return int(mt.group(2), 16), int(mt.group(3), 16)
    return None


def summary(stderr):
    m = re.search(r'(\d+) unknown objects? \((\d+) bytes\), (\d+) problems?', stderr)
    return tuple(int(g) for g in m.groups()) if m else None


@test
def test_map_corpus_has_javac_caches():
    have = {jdk for jdk, kind, _, _ in corpus(javac=True) if kind == 'javac'}
    present = {jdk for jdk, _, _, _ in corpus()}
    for jdk in JAVAC_JDKS:
        if jdk in present:
            check(f'map: {jdk} has the javac-trained cache (make corpus)', jdk in have,
                  'testdata/cache/corpus/%s/javac.aot missing: run testdata/gen-corpus.sh' % jdk)


@test
def test_map_oracle_parsing():
    """The parser the map tests rely on, checked on every corpus map: it
    finds every @@ line an independent pattern finds, parses each, in
    increasing address order without overlaps, and the dump log's table
    totals equal the map's rw and ro section sizes."""
    line_re = re.compile(rb'^0x[0-9a-f]{16}: @@ ')
    for jdk, kind, archive, mapfile in corpus(javac=True):
        if not mapfile:
            continue
        label = f'map oracle {jdk}/{kind}'
        with open(mapfile, 'rb') as f:
            want = sum(1 for line in f if line_re.match(line))
        m = MapObjects(mapfile)
        problems = []
        if m.count() != want:
            problems.append(f'{m.count()} @@ lines parsed, {want} in the file')
        for sec, lines in m.objects.items():
            heap = sec in ('hp', 'ca0', 'oa0')
            objs = [(parse_heap if heap else parse_meta)(t) for t in lines]
            if None in objs:
                problems.append(f'{sec}: unparsed line {lines[objs.index(None)][:100]!r}')
                continue
            if any(a[0] >= b[0] for a, b in zip(objs, objs[1:])):
                problems.append(f'{sec}: addresses not increasing')
            if not heap and any(a[0] + a[2] > b[0] for a, b in zip(objs, objs[1:])):
                problems.append(f'{sec}: objects overlap')
        dump = archive[:archive.rindex('.')] + '.dump.log'
        if os.path.exists(dump):
            total = metadata_table(dump)['Total']
            sizes = {sec: int(SECTION.match(sections(m, sec)[0]).group(4)) for sec in ('rw', 'ro')}
            if (total['rw_bytes'], total['ro_bytes']) != (sizes['rw'], sizes['ro']):
                problems.append(f'dump log Total rw/ro bytes {total["rw_bytes"]}/{total["ro_bytes"]}, '
                                f'map sections {sizes["rw"]}/{sizes["ro"]}')
        check(f'{label}: {want} @@ lines parsed, ordered, table totals as the sections', not problems,
              '; '.join(problems))


@test
def test_map_equals_jvm_map():
    for jdk, kind, archive, mapfile in corpus(javac=True):
        label = f'{jdk}/{kind}'
        if not check(f'map {label}: the JVM\'s map log exists', mapfile is not None, archive):
            continue
        try:
            map_one(jdk, kind, archive, mapfile, label)
        except Exception as e:
            check(f'map {label}', False, f'{type(e).__name__}: {e}')


def map_one(jdk, kind, archive, mapfile, label):
    jvm = MapObjects(mapfile)
    for sec in ('rw', 'ro'):
        if not check(f'map {label}: the JVM map has {sec} objects (oracle)', jvm.objects.get(sec), mapfile):
            return
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'map.txt')
        status, err, secs = aot_map(jdk, archive, out)
        check(f'map {label}: aot-map exits 0, no sanitizer report', status == 0 and sanitizer_clean(err),
              f'exit {status}: {tail(err)}')
        if status is None or not os.path.getsize(out):
            check(f'map {label}: aot-map printed a map', False, tail(err))
            return
        got = MapObjects(out)
    _text_counts[archive] = {s: len(v) for s, v in got.objects.items()}
    s = summary(err)
    print(f'  {label}: aot-map {secs:.1f} s' + (f', {s[0]} unknown objects ({s[1]} bytes), {s[2]} problems'
                                                 if s else ''))
    check(f'map {label}: section lines equal the JVM map\'s', sections(got) == sections(jvm),
          f'JVM {sections(jvm)}, aotdbg {sections(got)}')
    for sec in COMPARED:
        if sec in jvm.objects or sec in got.objects:
            compare_section(f'{label} {sec}', jvm.objects.get(sec, []), got.objects.get(sec, []),
                            known_gap(jdk, kind))
    if 'ca0' in jvm.objects or 'oa0' in jvm.objects:
        print(f'  {label}: heap not compared: JDK 17\'s map prints no heap objects')


def static_archives():
    """One static archive per JDK: (jdk, archive, map)."""
    return [(jdk, a, m) for jdk, kind, a, m in corpus() if kind == 'static' and m]


@test
def test_map_region_option():
    for jdk, archive, mapfile in static_archives():
        jvm = MapObjects(mapfile)
        wanted = ['ro'] + (['hp'] if 'hp' in jvm.objects else [])
        with tempfile.TemporaryDirectory() as tmp:
            for region in wanted:
                out = os.path.join(tmp, region + '.txt')
                status, err, _ = aot_map(jdk, archive, out, f'--region {region}')
                label = f'map {jdk}/static --region {region}'
                if not check(f'{label}: exits 0, no sanitizer report', status == 0 and sanitizer_clean(err),
                             f'exit {status}: {tail(err)}'):
                    continue
                got = MapObjects(out)
                check(f'{label}: prints that section only', sections(got) == sections(jvm, region),
                      f'sections printed: {sections(got)}')
                others = {s: len(v) for s, v in got.objects.items() if s != region and v}
                check(f'{label}: no object of another region', not others, f'{others}')
                compare_section(label, jvm.objects[region], got.objects.get(region, []), known_gap(jdk, 'static'))


@test
def test_map_json():
    for jdk, archive, mapfile in static_archives():
        label = f'map {jdk}/static --json'
        jvm = MapObjects(mapfile)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'map.json')
            status, err, _ = aot_map(jdk, archive, out, json_out=True)
            if not check(f'{label}: exits 0, no sanitizer report', status == 0 and sanitizer_clean(err),
                         f'exit {status}: {tail(err)}'):
                continue
            with open(out) as f:
                doc = json.load(f)['map']
        regions = {r['name']: r for r in doc['regions']}
        counts = _text_counts.get(archive)
        if counts is None:
            with tempfile.TemporaryDirectory() as tmp:
                out = os.path.join(tmp, 'map.txt')
                aot_map(jdk, archive, out)
                counts = {s: len(v) for s, v in MapObjects(out).objects.items()}
        per_region = {n: len(r['objects']) for n, r in regions.items()}
        if doc.get('heap_objects'):
            # 25 prints its roots segments as "Heap roots segment" lines, not @@ lines
            segs = jdk in ('jdk25', 'temurin25')
            per_region['hp'] = sum(1 for o in doc['heap_objects'] if not (segs and o.get('kind') == 'roots'))
        n_json = sum(per_region.values())
        n_text = sum(counts.values())
        print(f'  {label}: {n_json} objects in JSON, {n_text} @@ lines in text')
        check(f'{label}: as many objects as the text has @@ lines', n_json == n_text,
              f'per region: JSON {per_region}, text {counts}')
        gap = known_gap(jdk, 'static')
        check(f'{label}: archive path, no unknown objects (but for a known gap), no problems',
              doc.get('archive') == archive and (doc.get('unknown_objects') == 0 or gap) and
              doc.get('problems') == [],
              f'archive {doc.get("archive")!r}, unknown {doc.get("unknown_objects")}, problems {doc.get("problems")}')
        for sec in ('rw', 'ro'):
            want = [parse_meta(t)[:3] for t in jvm.objects[sec]]
            r = regions.get(sec)
            got = [(int(o['address'], 16), o['type'], o['size']) for o in r['objects']] if r else []
            if gap:
                # what the known gap leaves Unknown: compare the rest
                unknown = [(a, z) for a, t, z in got if t == 'Unknown']
                got = [g for g in got if g[1] != 'Unknown']
                want = [w for w in want if not any(a <= w[0] < a + z for a, z in unknown)]
            i = next((i for i, (w, g) in enumerate(zip(want, got)) if w != g), min(len(want), len(got)))
            show = lambda o: f'0x{o[0]:x} {o[1]} {o[2]}' if o else '-'
            check(f'{label} {sec}: address, type and size of each object as the JVM map prints them',
                  want == got, f'{len(want)} JVM, {len(got)} JSON; first difference at object {i}: '
                  f'JVM {show(want[i] if i < len(want) else None)}, JSON {show(got[i] if i < len(got) else None)}')
            if r:
                check(f'{label} {sec}: region bounds as the JVM section line',
                      (int(r['base'], 16), int(r['end'], 16)) == section_range(jvm, sec),
                      f'JSON {r["base"]}-{r["end"]}, JVM {section_range(jvm, sec)}')


def hex_sections(path, wanted):
    """(section, [@@ and hex lines]) for each section in WANTED, in map order."""
    for sec, grp in itertools.groupby(map_lines(path, hexlines=True), key=lambda r: r[0]):
        if sec in wanted:
            yield sec, [t for _, k, t in grp if k != 'section']


@test
def test_map_hex():
    for jdk, archive, mapfile in static_archives():
        label = f'map {jdk}/static --hex'
        if known_gap(jdk, 'static'):
            # An Unknown object's dump spans the JVM objects it stands for: line breaks differ.
            print(f'  {label}: not compared ({known_gap(jdk, "static")})')
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'map.txt')
            status, err, secs = aot_map(jdk, archive, out, '--hex')
            if not check(f'{label}: exits 0, no sanitizer report', status == 0 and sanitizer_clean(err),
                         f'exit {status}: {tail(err)}'):
                continue
            got = dict(hex_sections(out, COMPARED))
            for sec, jl in hex_sections(mapfile, COMPARED):
                gl = got.get(sec, [])
                equal = sum(1 for a, b in zip(jl, gl) if a == b)
                print(f'  {label} {sec}: {equal}/{len(jl)} @@ and hex lines equal, in order')
                detail = ''
                if jl != gl:
                    i = next((i for i, (a, b) in enumerate(zip(jl, gl)) if a != b), min(len(jl), len(gl)))
                    ctx = range(max(0, i - 2), i + 3)
                    detail = (f'{len(jl)} JVM lines, {len(gl)} aotdbg lines; first difference at line {i}:\n    ' +
                              '\n    '.join(f'JVM    {short(jl[k])}' for k in ctx if k < len(jl)) + '\n    ' +
                              '\n    '.join(f'aotdbg {short(gl[k])}' for k in ctx if k < len(gl)))
                check(f'{label} {sec}: the hex dump lines equal the JVM map\'s', jl == gl, detail)


# -- corrupted archives ------------------------------------------------------

def vmstruct_offsets(jdk_name, wanted):
    """{(type, field): offset} from the gHotSpotVMStructs of JDK's libjvm (checked by test_layout)."""
    j = next(j for j in jdks() if j['name'] == jdk_name)
    status, out, err = run(jvm_args(j, debug=False) + ['--json', '-c', 'aot-vmstructs'])
    if status != 0:
        raise AssertionError(f'aot-vmstructs: {tail(err)}')
    got = {(f['type'], f['field']): f['value'] for f in json.loads(out)['fields']
           if (f['type'], f['field']) in wanted}
    missing = set(wanted) - set(got)
    if missing:
        raise AssertionError(f'vmstructs lacks {missing}')
    return got


def file_regions(jdk, archive):
    """[(start, end, file offset)] of the archive's mapped regions, from aot-regions."""
    status, out, err = run(archive_args(jdk, archive) + ['--json', '-c', 'aot-regions'])
    if status != 0:
        raise AssertionError(f'aot-regions: {tail(err)}')
    arch = [a for a in json.loads(out)['archives'] if a['path'] == archive][0]
    return [(int(r['start'], 16), int(r['end'], 16), int(r['file_offset'], 16))
            for r in arch['regions'] if r['used'] and r['bytes_from'] == 'file' and not r['is_bitmap_region']]


def file_offset(regions, addr):
    for start, end, off in regions:
        if start <= addr < end:
            return off + addr - start
    raise AssertionError(f'0x{addr:x} is in no region')


def read_word(path, off, fmt='<Q'):
    with open(path, 'rb') as f:
        f.seek(off)
        return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]


def corrupt_copy(src, dst, edits=(), truncate=None):
    shutil.copyfile(src, dst)
    with open(dst, 'r+b') as f:
        for off, fmt, value in edits:
            f.seek(off)
            f.write(struct.pack(fmt, value))
        if truncate is not None:
            f.truncate(truncate)


def expect_partial(label, jdk, path, jvm, ranges, min_equal):
    """aot-map on a corrupted copy: bounded time, exit 2, a partial map, each
    problem on stderr with an address in one of RANGES, no sanitizer report."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'map.txt')
        status, err, secs = aot_map(jdk, path, out, timeout=CORRUPT_TIMEOUT)
        got = MapObjects(out) if os.path.getsize(out) else None
    problems = []
    if status is None:
        problems.append(f'still running after {CORRUPT_TIMEOUT} s')
    elif status != 2:
        problems.append(f'exit status {status}, expected 2')
    if not sanitizer_clean(err):
        problems.append('sanitizer report')
    addrs = [int(a, 16) for a in re.findall(r'0x[0-9a-fA-F]+', err)]
    if not any(lo <= a < hi for a in addrs for lo, hi in ranges):
        problems.append('no problem reported at an address in ' +
                        ', '.join(f'[0x{lo:x}, 0x{hi:x})' for lo, hi in ranges))
    s = summary(err)
    if not s or s[2] < 1:
        problems.append(f'no summary line counting the problems ({s})')
    equal = total = 0
    if got is None:
        problems.append('no map printed')
    else:
        for sec in ('rw', 'ro'):
            mine = {addr_of(t): t for t in got.objects.get(sec, [])}
            total += len(jvm.objects[sec])
            equal += sum(1 for t in jvm.objects[sec] if mine.get(addr_of(t)) == t)
        if equal < min_equal * total or equal == 0:
            problems.append(f'partial map too small: {equal}/{total} metadata lines as the JVM prints them, '
                            f'expected at least {min_equal:.0%}')
    print(f'  {label}: exit {status} in {secs:.1f} s, {equal}/{total} metadata lines kept, '
          f'stderr: {short(err.strip().splitlines()[0] if err.strip() else "", 120)}')
    check(f'{label}: partial map, problems at their addresses, exit 2, bounded time', not problems,
          '; '.join(problems) + f' | stderr: {tail(err, 600)}')


@test
def test_map_corrupted():
    for jdk, archive, mapfile in static_archives():
        try:
            corrupted_one(jdk, archive, mapfile)
        except Exception as e:
            check(f'map {jdk}/static corrupted', False, f'{type(e).__name__}: {e}')


def corrupted_one(jdk, archive, mapfile):
    jvm = MapObjects(mapfile)
    meta = [parse_meta(t) for sec in ('rw', 'ro') for t in jvm.objects[sec]]
    by_addr = {o[0]: o for o in meta}
    regions = file_regions(jdk, archive)
    off = vmstruct_offsets(jdk, {('Method', '_constMethod'), ('Klass', '_super'), ('InstanceKlass', '_methods'),
                                 ('Array<int>', '_length')})
    # The objects: java.lang.String's class, and its first method in the map.
    klass = next(o for o in meta if o[1] == 'Class' and o[3] == 'java.lang.String')
    method = next(o for o in meta if o[1] == 'Method' and ' java.lang.String.' in o[3])
    kaddr, ksize = klass[0], klass[2]
    maddr, msize = method[0], method[2]
    # Check the field offsets against the map before using them: the words
    # must point at the map's ConstMethod of that method, at a Class, and at
    # an array.
    cm_slot = maddr + off[('Method', '_constMethod')]
    cm = by_addr.get(read_word(archive, file_offset(regions, cm_slot)))
    super_slot = kaddr + off[('Klass', '_super')]
    sup = by_addr.get(read_word(archive, file_offset(regions, super_slot)))
    methods = by_addr.get(read_word(archive, file_offset(regions, kaddr + off[('InstanceKlass', '_methods')])))
    if not check(f'map {jdk}/static corrupted: the oracle\'s fields point where the map says',
                 cm and cm[1] == 'ConstMethod' and cm[3] == method[3] and sup and sup[1] == 'Class'
                 and methods and methods[1].startswith('TypeArray'),
                 f'ConstMethod {cm}, super {sup}, methods {methods}'):
        return
    ro_start, ro_end = section_range(jvm, 'ro')
    rw_start = section_range(jvm, 'rw')[0]
    cases = [
        ('Method\'s ConstMethod pointer outside the archive',
         [(file_offset(regions, cm_slot), '<Q', 0x7fff_dead_b000)], None,
         [(maddr, maddr + msize)], 0.9),
        ('class is its own super',
         [(file_offset(regions, super_slot), '<Q', kaddr)], None,
         [(kaddr, kaddr + ksize)], 0.9),
        ('methods array length 2^31',
         [(file_offset(regions, methods[0] + off[('Array<int>', '_length')]), '<I', 0x8000_0000)], None,
         [(kaddr, kaddr + ksize), (methods[0], methods[0] + methods[2])], 0.9),
        ('file truncated in the middle of ro',
         [], file_offset(regions, ro_start + (ro_end - ro_start) // 2),
         [(rw_start, ro_end)], 0.0),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for n, (what, edits, truncate, ranges, min_equal) in enumerate(cases):
            path = os.path.join(tmp, f'corrupt{n}.jsa')
            corrupt_copy(archive, path, edits, truncate)
            expect_partial(f'map {jdk}/static: {what}', jdk, path, jvm, ranges, min_equal)
