"""aot-stats against what the JVM printed when it dumped the same archive.

Metadata: the dump log's "Detailed metadata info" table (-Xlog:cds=debug /
aot=debug), one row per type as that JDK names it, with ro and rw counts and
bytes, and the Total row.

Heap (21+): the map's @@ Object lines.  The map prints every object the heap
region holds, fillers and (26+) the roots array included; 25's roots segment
is printed as "Heap roots segment", not as an object, and is not counted.
An object's size is the distance to the next @@ line (or the section end):
on every corpus map this equals the extent of the object's hex dump.  The
JVM's own "Size of heap region = …, N objects" counts only the objects it
archived, without fillers and roots, and is printed beside for information.
"""
import json
import os

from harness import test, check, run, corpus, archive_args, sanitizer_clean
from maplog import SECTION, heap_summary, map_lines, metadata_table, parse_heap

KEYS = ('ro_count', 'ro_bytes', 'rw_count', 'rw_bytes')
DIFF_ROWS = 8


def heap_objects(mapfile):
    """{class: [count, bytes]} of the map's heap @@ Object lines, or None when
    the map has no 'hp' section (17 prints no heap objects; dynamic archives
    have no heap)."""
    classes, start, end, prev = {}, None, None, None
    for sec, kind, text in map_lines(mapfile):
        if sec != 'hp':
            continue
        if kind == 'section':
            m = SECTION.match(text)
            start, end = int(m.group(2), 16), int(m.group(3), 16)
            continue
        p = parse_heap(text)
        if p is None:
            raise ValueError(f'{mapfile}: heap line of an unknown shape: {text[:120]!r}')
        if prev is not None:
            classes[prev[1]][1] += p[0] - prev[0]
        prev = None
        if p[2] != 'Unused heap space':
            classes.setdefault(p[2], [0, 0])[0] += 1
            prev = (p[0], p[2])
    if start is None:
        return None
    if prev is not None:
        classes[prev[1]][1] += end - prev[0]
    return classes


def row_text(r):
    return ' '.join(f'{k}={r.get(k)}' for k in KEYS)


@test
def test_stats_equal_dump_log():
    for jdk, kind, archive, mapfile in corpus(javac=True):
        label = f'stats {jdk}/{kind}'
        dump = archive[:archive.rindex('.')] + '.dump.log'
        if not check(f'{label}: the dump log exists', os.path.exists(dump), dump):
            continue
        try:
            stats_one(jdk, kind, archive, mapfile, dump, label)
        except Exception as e:
            check(label, False, f'{type(e).__name__}: {e}')


def stats_one(jdk, kind, archive, mapfile, dump, label):
    table = metadata_table(dump)
    # The JVM splits the regions' tails into ModulesNatives, Gap and Other by
    # what allocated them; the archive does not record that, so aot-stats has
    # one Other row: its bytes must equal their sum (counts are not kept).
    folded = [table.pop(t) for t in ('ModulesNatives', 'Gap', 'Other') if t in table]
    other = {k: (sum(r[k] for r in folded) if k.endswith('bytes') else None) for k in KEYS}
    status, out, err = run(archive_args(jdk, archive) + ['--json', '-c', 'aot-stats'], timeout=600)
    if not check(f'{label}: aot-stats exits 0, no sanitizer report', status == 0 and sanitizer_clean(err),
                 f'exit {status}: {err.strip()[-400:]}'):
        return
    doc = json.loads(out)['stats']
    rows = {}
    for r in doc['metadata']:
        rows.setdefault(r['type'], r)
    if 'Other' in rows:
        rows['Other'] = {k: (v if k.endswith('bytes') else None) for k, v in rows['Other'].items()}
    table['Other'] = other
    equal = [t for t in table if t in rows and all(rows[t].get(k) == table[t][k] for k in KEYS)]
    extra = [t for t in rows if t not in table]
    dups = len(doc['metadata']) - len(rows)
    print(f'  {label}: {len(equal)}/{len(table)} rows of the JVM\'s table equal'
          + (f', {len(extra)} rows the JVM does not print' if extra else ''))
    diffs = [f'{t}: JVM {row_text(table[t])}, aotdbg {row_text(rows[t]) if t in rows else "no row"}'
             for t in table if t not in equal][:DIFF_ROWS]
    diffs += [f'{t}: only aotdbg ({row_text(rows[t])})' for t in extra][:DIFF_ROWS]
    if dups:
        diffs.append(f'{dups} types listed twice')
    check(f'{label}: metadata rows equal the dump log\'s table (counts and bytes, ro and rw)',
          len(equal) == len(table) and not extra and not dups, '\n    ' + '\n    '.join(diffs))

    heap = heap_objects(mapfile) if mapfile else None
    if heap is None:
        why = 'dynamic archive' if kind == 'dynamic' else 'the JVM map prints no heap objects'
        print(f'  {label}: heap not compared ({why})')
        if kind == 'dynamic':
            total = doc.get('heap_total', {})
            check(f'{label}: a dynamic archive has no heap objects', total.get('count', 0) == 0, f'{total}')
        return
    want_count = sum(c for c, _ in heap.values())
    want_bytes = sum(b for _, b in heap.values())
    total = doc['heap_total']
    jvm = heap_summary(dump)
    print(f'  {label}: heap {total.get("count")}/{want_count} objects, {total.get("bytes")}/{want_bytes} bytes'
          f' (the JVM\'s "Size of heap region": {jvm[1] if jvm else "-"} objects archived)')
    check(f'{label}: heap_total equals the map\'s @@ Object lines (count and bytes)',
          (total.get('count'), total.get('bytes')) == (want_count, want_bytes),
          f'aotdbg {total}, map {want_count} objects, {want_bytes} bytes')
    got = {}
    for r in doc['heap']:
        got.setdefault(r['class'], [0, 0])
        got[r['class']][0] += r['count']
        got[r['class']][1] += r['bytes']
    bad = sorted(c for c in set(heap) | set(got) if heap.get(c) != got.get(c))
    equal = len(heap) - len([c for c in bad if c in heap])
    print(f'  {label}: heap classes {equal}/{len(heap)} equal in count and bytes')
    check(f'{label}: heap objects per class equal the map\'s (count and bytes)', not bad,
          '; '.join(f'{c}: map {heap.get(c)}, aotdbg {got.get(c)}' for c in bad[:DIFF_ROWS]))
