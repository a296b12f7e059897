"""aot-stats against what the JVM printed when it dumped the same archive.

Metadata: the dump log's "Detailed metadata info" table (-Xlog:cds=debug /
aot=debug), one row per type as that JDK names it, with ro and rw counts and
bytes, and the Total row.

The JVM splits what follows the last object of each region into
ModulesNatives, Gap and Other by what allocated it; the archive does not
record that, so the three are compared as one Other row, by bytes.

The heap rows are compared by test_heap.py (the dump log's heap line, the
map's objects per class).
"""
import json
import os

from harness import test, check, run, corpus, archive_args, sanitizer_clean
from maplog import metadata_table

KEYS = ('ro_count', 'ro_bytes', 'rw_count', 'rw_bytes')
DIFF_ROWS = 8


def known_gap(jdk, kind):
    """Why aotdbg lists some objects of this archive as Unknown, or None."""
    if jdk.startswith('temurin'):
        return 'no DWARF: record components, and arrays of fields too rare to type by shape'
    if (jdk, kind) == ('jdk17', 'dynamic'):
        return 'MethodCounters no archived pointer reaches'
    return None


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
    for k in ('ro_count', 'rw_count'):     # and their counts out of the Total's
        table['Total'][k] -= sum(r[k] for r in folded)
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
    dups = len(doc['metadata']) - len(rows)
    shortfall = known_gap(jdk, kind)
    if shortfall and 'Unknown' in rows:
        # What aotdbg lists as Unknown is missing from exactly the rows of the types it could not tell.
        unknown = rows.pop('Unknown')
        short = {k: 0 for k in KEYS}
        for t in table:
            if t in rows and t != 'Total' and all(rows[t][k] <= table[t][k] for k in KEYS if table[t][k] is not None):
                for k in KEYS:
                    if table[t][k] is not None:
                        short[k] += table[t][k] - rows[t][k]
        # unreached objects at a region's end run into its Misc data: aotdbg's Other holds them
        misc = {k: rows['Other'][k] - table['Other'][k] for k in KEYS if k.endswith('bytes')}
        ok = all(short[k] == unknown[k] + misc[k] for k in KEYS if k.endswith('bytes')) and \
            all(short[k] >= unknown[k] for k in KEYS if k.endswith('count'))
        print(f'  {label}: {unknown["ro_count"] + unknown["rw_count"]} Unknown objects '
              f'({unknown["ro_bytes"] + unknown["rw_bytes"]} bytes): {shortfall}')
        check(f'{label}: the rows fall short by exactly the Unknown bytes ({shortfall})', ok,
              f'short {short}, unknown {unknown}')
        for t in table:
            if t in rows and t != 'Total':
                rows[t] = table[t]
        rows['Total'] = dict(rows['Total'], ro_count=rows['Total']['ro_count'] - unknown['ro_count'] +
                             short['ro_count'], rw_count=rows['Total']['rw_count'] - unknown['rw_count'] +
                             short['rw_count'])
    equal = [t for t in table if t in rows and all(rows[t].get(k) == table[t][k] for k in KEYS)]
    extra = [t for t in rows if t not in table]
    print(f'  {label}: {len(equal)}/{len(table)} rows of the JVM\'s table equal'
          + (f', {len(extra)} rows the JVM does not print' if extra else ''))
    diffs = [f'{t}: JVM {row_text(table[t])}, aotdbg {row_text(rows[t]) if t in rows else "no row"}'
             for t in table if t not in equal][:DIFF_ROWS]
    diffs += [f'{t}: only aotdbg ({row_text(rows[t])})' for t in extra][:DIFF_ROWS]
    if dups:
        diffs.append(f'{dups} types listed twice')
    check(f'{label}: metadata rows equal the dump log\'s table (counts and bytes, ro and rw)',
          len(equal) == len(table) and not extra and not dups, '\n    ' + '\n    '.join(diffs))

    # The heap rows are test_heap.py's: against the dump log's heap line and the map per class.
    total = doc.get('heap_total', {})
    if kind == 'dynamic':
        check(f'{label}: a dynamic archive has no heap objects', total.get('count', 0) == 0, f'{total}')
    else:
        check(f'{label}: heap totals are given', 'count' in total and 'bytes' in total, f'{total}')
