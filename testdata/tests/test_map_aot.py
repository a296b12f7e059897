"""aot-map's lines for the types only AOT caches and 27's module graph hold, against the JVM's map log.

MethodCounters, MethodData, the adapters, the training data, and (27) module
and package entries with their GrowableArrays and CArrays: every such line of
the JVM's map (address, type, size, name) must be in aot-map's output, and
aot-map must print no other line of these types (docs/objwalk.md).
"""
import re

from harness import test, check, run, jvm_args, sanitizer_clean, corpus, jdk_of

OBJ = re.compile(r'^(0x[0-9a-f]+): @@ (\S+)\s+(\d+) ?(.*)$')
TYPES = ('MethodCounters', 'MethodData', 'AdapterHandlerEntry', 'AdapterFingerPrint', 'KlassTrainingData',
         'MethodTrainingData', 'CompileTrainingData', 'ModuleEntry', 'PackageEntry', 'CArray', 'GrowableArray')
# What a build without DWARF can still give (docs/objwalk.md): 25 prints no names.
NO_DWARF_25 = TYPES[:7]


def lines(text, types=TYPES):
    out = set()
    for line in text.splitlines():
        m = OBJ.match(line.rstrip())
        if m and m.group(2) in types:
            out.add((int(m.group(1), 16), m.group(2), int(m.group(3)), m.group(4).rstrip()))
    return out


@test
def test_map_aot_types_equal_jvm_map():
    for name, kind, archive, mapfile in corpus():
        jdk = jdk_of(name)
        if not mapfile or not jdk or int(re.match(r'\d+', jdk['version']).group()) < 25:
            continue
        status, out, err = run([archive] + jvm_args(jdk) + ['-c', 'aot-map'], timeout=600)
        label = f'{name}/{kind}'
        check(f'{label}: aot-map runs clean', sanitizer_clean(err) and status in (0, 2), err.strip()[-300:])
        with open(mapfile, errors='replace') as f:
            want = lines(f.read())
        got = lines(out)
        missing = sorted(want - got)
        extra = sorted(got - want)
        counts = {t: sum(1 for x in want if x[1] == t) for t in TYPES}
        check(f'{label}: every line of {sum(counts.values())} AOT-type objects as the JVM printed it '
              f'({", ".join(f"{t} {n}" for t, n in counts.items() if n)})',
              not missing and not extra,
              f'{len(missing)} missing, {len(extra)} extra; first missing {missing[:3]}, first extra {extra[:3]}')
        problems = [l for l in err.splitlines() if any(t in l for t in TYPES)]
        check(f'{label}: no problem reported for these types', not problems, problems[:3])


@test
def test_map_aot_types_without_dwarf():
    """A Debian 25 cache read as if its build were stripped: sizes measured from the archive."""
    for name, kind, archive, mapfile in corpus():
        jdk = jdk_of(name)
        if kind != 'aot' or not mapfile or not jdk or not jdk['dbg'] or not jdk['version'].startswith('25'):
            continue
        args = [archive] + jvm_args(jdk, debug=False) + ['--cache-dir', '']
        _, v, _ = run(args + ['--json', '-c', 'aot-verify-layout'], timeout=600)
        check(f'{name}/{kind} without DWARF: the layout has no DWARF', '"dwarf": "none:' in v, v[:200])
        status, out, err = run(args + ['-c', 'aot-map'], timeout=600)
        check(f'{name}/{kind} without DWARF: aot-map runs clean', sanitizer_clean(err) and status == 0,
              err.strip()[-300:])
        # TypeArrayOther: the CompileTrainingDatas' ci_records among the caches' entry arrays
        kinds = NO_DWARF_25 + ('TypeArrayOther',)
        with open(mapfile, errors='replace') as f:
            want = lines(f.read(), kinds)
        got = lines(out, kinds)
        check(f'{name}/{kind} without DWARF: {len(want)} lines of {", ".join(kinds)} as the JVM printed them',
              want == got, f'{len(want - got)} missing, {len(got - want)} extra: {sorted(want ^ got)[:3]}')
