"""aot-header and aot-regions against the header and region blocks of the JVM's own map log."""
from harness import test, check, run_json, each_archive
from maplog import MapLog, as_value

# Region fields every version's map log prints, under the names aotdbg's JSON uses.
REGION_FIELDS = ('crc', 'read_only', 'allow_exec', 'is_heap_region', 'is_bitmap_region',
                 'mapped_from_file', 'file_offset', 'mapping_offset', 'used', 'oopmap_offset',
                 'oopmap_size_in_bits', 'ptrmap_offset', 'ptrmap_size_in_bits', 'mapped_base')

# Map sections that span several regions in JDK 17 (closed: ca0+ca1, open: oa0+oa1).
SECTION_SPAN = {'ca0': ('ca0', 'ca1'), 'oa0': ('oa0', 'oa1')}


def archive_entry(data, path):
    for a in data['archives']:
        if a['path'] == path:
            return a
    raise AssertionError(f'{path} not in output')


@test
def test_header_fields_match_map_log():
    each_archive('header', header_fields)


def header_fields(jdk, kind, archive, mapfile):
    log = MapLog(mapfile)
    fields = archive_entry(run_json([archive, '-c', 'aot-header']), archive)['fields']
    bad = []
    for key, want in log.header.items():
        if key not in fields:
            bad.append(f'{key}: missing (JVM: {want})')
        elif as_value(fields[key]) != as_value(want):
            bad.append(f'{key}: aotdbg {fields[key]!r}, JVM {want!r}')
    check(f'header {jdk}/{kind}: {len(log.header)} fields equal the map log',
          not bad and len(log.header) >= 20, '; '.join(bad) or 'too few fields parsed')


@test
def test_archive_kind_matches_map_log():
    each_archive('kind', archive_kind)


def archive_kind(jdk, kind, archive, mapfile):
    title = MapLog(mapfile).title
    got = archive_entry(run_json([archive, '-c', 'aot-header']), archive)['kind']
    if title.startswith('Dynamic'):
        want = 'dynamic CDS archive'
    elif kind == 'aot':
        want = 'AOT cache'
    else:
        want = 'static CDS archive'
    check(f'kind {jdk}/{kind} is {want}', got == want, f'got {got!r}; map title {title!r}')


@test
def test_regions_match_map_log():
    each_archive('regions', regions_match)


def regions_match(jdk, kind, archive, mapfile):
    log = MapLog(mapfile)
    rows = archive_entry(run_json([archive, '-c', 'aot-regions']), archive)['regions']
    by_name = {r['name']: r for r in rows}
    bad = []
    for index, want in log.regions.items():
        got = rows[index] if index < len(rows) else None
        if not got or got['name'] != want['name']:
            bad.append(f'region {index}: name {got and got["name"]} vs {want["name"]}')
        else:
            bad += region_mismatches(want, got)
    section_mismatches(log, by_name, bad)
    check(f'regions {jdk}/{kind}: {len(log.regions)} regions and {len(log.sections)} sections equal the map log',
          not bad and log.regions, '; '.join(bad) or 'no regions parsed')


def region_mismatches(want, got):
    return [f'{want["name"]}.{f}: aotdbg {got.get(f)}, JVM {want[f]}'
            for f in REGION_FIELDS if f in want and as_value(got.get(f)) != as_value(want[f])]


def section_mismatches(log, by_name, bad):
    for name, (start, end, size) in log.sections.items():
        span = [by_name[n] for n in SECTION_SPAN.get(name, (name,)) if n in by_name and by_name[n]['used']]
        if not span:
            bad.append(f'section {name}: no such region')
            continue
        s, e = as_value(span[0]['start']), as_value(span[-1]['end'])
        u = sum(r['used'] for r in span)
        if (s, e, u) != (start, end, size):
            bad.append(f'section {name}: aotdbg {s:#x}-{e:#x} {u}, JVM {start:#x}-{end:#x} {size}')


@test
def test_dynamic_archive_shows_base_regions():
    each_archive('dynamic base regions', dynamic_base_regions, kinds=('dynamic',))


def dynamic_base_regions(jdk, kind, archive, mapfile):
    data = run_json([archive, '-c', 'aot-regions'])
    paths = [a['path'] for a in data['archives']]
    check(f'regions {jdk}/dynamic list the base archive first', len(paths) == 2 and paths[1] == archive,
          f'archives listed: {paths}')


@test
def test_aot_configuration_files_are_recognised():
    import os
    from harness import CORPUS, run
    for jdk in sorted(os.listdir(CORPUS)) if os.path.isdir(CORPUS) else []:
        conf = os.path.join(CORPUS, jdk, 'app.aotconf')
        record = os.path.join(CORPUS, jdk, 'app.record.log')
        if not os.path.exists(conf):
            continue
        recorded = os.path.exists(record) and 'AOTConfiguration recorded' in open(record).read()
        entry = run_json([conf, '-c', 'aot-header'])['archives'][0]
        st, out, err = run([conf, '-c', 'aot-validate'])
        check(f'aot config {jdk}: the file -XX:AOTMode=record wrote is named as one and validates',
              recorded and entry['kind'] == 'AOT configuration file' and st == 0,
              f'recorded={recorded} kind={entry["kind"]} validate={st} {err.strip()}')
