"""aot-bitmap against what the JVM logs when it maps and relocates the same archive.

A JVM run with the archive logs where it mapped each region, the bounds of
each pointer map it walked (_patch_base), the size of each map in bits, and
the valid range of pointers before and after relocation.  Placing the
archive at the same base with --base must reproduce all of it, and every
slot a map marks must hold a pointer inside the range the JVM checks.
"""
import os

from harness import test, check, run_json, each_archive
from runlog import RunLog, heap_maps

PAGE = 4096


def page_up(x):
    return (x + PAGE - 1) // PAGE * PAGE


def bitmap(archive, base, region):
    args = [archive, '-c', f'aot-bitmap {region} --list']
    if base is not None:
        args += ['--base', hex(base)]
    return run_json(args)['archives'][0]['maps']


@test
def test_bitmaps_match_run_log():
    each_archive('bitmap', bitmaps_match, need_map=False)


def bitmaps_match(jdk, kind, archive, mapfile):
    runlog = archive[:archive.rindex('.')] + '.run.log'
    if not os.path.exists(runlog):
        return
    log = RunLog(runlog)
    base = log.mapped_base()
    which = 'dynamic' if kind == 'dynamic' else 'static'
    if base is None or not log.relocators:
        check(f'bitmap {jdk}/{kind}: the run relocated the archive', False, 'no relocation logged')
        return
    # Regions at the addresses the JVM mapped them.
    regions = run_json([archive, '--base', hex(base), '-c', 'aot-regions'])['archives'][-1]['regions']
    bad = []
    for idx in (0, 1):
        got = log.mapped.get((which, idx))
        r = regions[idx]
        if not got:
            bad.append(f'run log has no {which} region #{idx}')
        elif (int(r['start'], 16), page_up(int(r['end'], 16))) != got:
            bad.append(f'{r["name"]}: aotdbg {r["start"]}-{r["end"]}, JVM mapped {got[0]:#x}-{got[1]:#x}')
    check(f'bitmap {jdk}/{kind}: regions placed at the JVM\'s mapped bases', not bad, '; '.join(bad))

    # The relocators this archive's maps were walked with (a dynamic run logs the base's first).
    mine = [b for b in log.relocators if b['_patch_base'] >= int(regions[0]['start'], 16)]
    patch_bases = {b['_patch_base'] for b in mine}
    nbits = [n for _, n in log.bits]
    for name in ('rw', 'ro'):
        maps = bitmap(archive, base, name)
        bad = []
        if len(maps) != 1:
            check(f'bitmap {jdk}/{kind} {name}: one pointer map', False, f'{len(maps)} maps')
            continue
        m = maps[0]
        lo = min(b['_valid_new_base'] for b in mine)
        hi = max(b['_valid_new_end'] for b in mine)
        outside = [s for s in m['slots'] if not lo <= int(s['value'], 16) < hi]
        if outside:
            bad.append(f'{len(outside)} marked slots hold values outside [{lo:#x}, {hi:#x}); first {outside[0]}')
        if len(m['slots']) != m['set_bits'] or not m['set_bits']:
            bad.append(f'{len(m["slots"])} slots listed, set_bits {m["set_bits"]}')
        # 17/21 have one map for rw+ro starting at rw; 25+ one per region.
        shared = len(mine) == 1
        if name == 'rw' or not shared:
            if int(m['first_covered'], 16) not in patch_bases:
                bad.append(f'first covered {m["first_covered"]} is no _patch_base the JVM logged '
                           f'({", ".join(hex(p) for p in sorted(patch_bases))})')
            if nbits and kind != 'dynamic' and m['size_in_bits'] not in nbits:
                bad.append(f'size {m["size_in_bits"]} bits, JVM logged {nbits}')
        check(f'bitmap {jdk}/{kind} {name}: {m["set_bits"]} relocated slots inside the JVM\'s valid range, '
              f'bounds as logged', not bad, '; '.join(bad))

    dump = archive[:archive.rindex('.')] + '.dump.log'
    logged = heap_maps(dump) if os.path.exists(dump) else {}
    if not logged or kind == 'dynamic':
        return
    hp = [r for r in regions if r['name'] == 'hp'][0]
    maps = {m['map']: m for m in bitmap(archive, base, 'hp')}
    hp_start = int(hp['start'], 16)
    bad = []
    first, end = logged['ptrmap']
    pm = maps.get('ptrmap')
    if not pm or int(pm['first_covered'], 16) != hp_start + 8 * first or pm['size_in_bits'] != end - first:
        bad.append(f'ptrmap: JVM logged bits {first}..{end}, aotdbg {pm and (pm["first_covered"], pm["size_in_bits"])}')
    first, end = logged['oopmap']
    om = maps.get('oopmap')
    slot = om['slot_size'] if om else 4
    if not om or int(om['first_covered'], 16) != hp_start + slot * first or om['size_in_bits'] > end - first:
        bad.append(f'oopmap: JVM logged bits {first}..{end}, aotdbg {om and (om["first_covered"], om["size_in_bits"])}')
    for m in maps.values():
        if len(m['slots']) != m['set_bits'] or m.get('outside_archive'):
            bad.append(f'{m["map"]}: {m.get("outside_archive", 0)} of {m["set_bits"]} slots point outside')
    check(f'bitmap {jdk}/{kind} hp: oop and pointer maps at the positions the dump logged', not bad, '; '.join(bad))
