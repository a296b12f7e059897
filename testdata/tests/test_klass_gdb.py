"""aot-print-klass --raw against gdb: every scalar C++ field of an archived
InstanceKlass equals what gdb printed for `p/x *(InstanceKlass*)ADDR` in a
live JVM that mapped the same archive (the oracle gdb_klass.py caches; make
it with testdata/gen-gdbklass.sh).

The JVM ran relocated, so a gdb value that points into the mapped archive is
moved back by the run's base delta before it is compared with aotdbg's value
at the requested base.  Fields the JVM writes when it loads, links or uses an
archived class are not compared (SKIP, with the HotSpot code that writes
them); each class prints how many fields were compared and skipped.
"""
import json
import os
import re
import sys
import tempfile

from harness import test, check, run, jdks, jvm_args, CACHE

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gdb_klass  # noqa: E402

# field -> (when, reason[, mask]).  when: 'loaded' = only for classes the run
# loaded (-Xlog:class+load said "source: shared"; the classes it did not load
# must equal the archive in every field), 'always' = for every class.  With a
# mask only those bits are ignored and the rest is compared.  Sources: HotSpot
# oops/klass.cpp and oops/instanceKlass.cpp (remove_unshareable_info() at dump,
# restore_unshareable_info() at load) and the run-time code named.  A name that
# a JDK's InstanceKlass does not have is simply unused.
SKIP = {
    # --- Klass ---
    '_java_mirror._obj': ('loaded',
        'Klass::remove_java_mirror() clears the OopHandle at dump; at load Klass::restore_unshareable_info() '
        'restores the archived mirror (java_lang_Class::restore_archived_mirror) or create_mirror() '
        'makes one: a pointer to an OopStorage slot in the C heap'),
    '_archived_mirror_index': ('loaded',
        'HeapShared root index of the archived mirror; java_lang_Class::restore_archived_mirror() calls '
        'k->clear_archived_mirror_index() (-> -1) once the mirror is restored'),
    '_class_loader_data': ('loaded',
        'null in the archive (Klass::remove_unshareable_info: set_class_loader_data(nullptr)); '
        'Klass::restore_unshareable_info() sets the loader\'s C-heap ClassLoaderData'),
    '_subklass': ('loaded',
        'nulled by Klass::remove_unshareable_info(); Klass::append_to_sibling_list() makes a loaded '
        'subclass the head of this list (SystemDictionary::add_to_hierarchy)'),
    '_next_sibling': ('loaded',
        'nulled by Klass::remove_unshareable_info(); set by append_to_sibling_list() when this class '
        'joins its super\'s subclass list at load'),
    '_next_link': ('loaded',
        'nulled by Klass::remove_unshareable_info() (lambda proxies: the archived proxy chain, cut by '
        'set_next_link(nullptr) in SystemDictionaryShared::load_shared_lambda_proxy_class); '
        'ClassLoaderData::add_class() links the class into its loader\'s list at load'),
    '_secondary_super_cache': ('loaded',
        'reset at dump (21+: set_secondary_super_cache(nullptr)); every successful '
        'Klass::search_secondary_supers() / subtype check of a loaded class writes it'),
    '_trace_id': ('loaded',
        'JFR: REMOVE_ID(this) at dump, RESTORE_ID(this) in Klass::restore_unshareable_info() assigns a '
        'fresh id; JFR tags it further when the class is used'),
    '_shared_class_flags': ('loaded',
        '_archived_lambda_proxy_is_available (1 << 1): cleared by clear_lambda_proxy_is_available() '
        'when SystemDictionaryShared loads the archived lambda proxy', 0x2),
    '_aot_class_flags': ('loaded', 'the same flags renamed (JDK 26+): _archived_lambda_proxy_is_available (1 << 1) '
                         'cleared when the archived lambda proxy is loaded', 0x2),
    # --- InstanceKlass ---
    '_init_state': ('loaded',
        'InstanceKlass::remove_unshareable_info() resets it to allocated; add_to_hierarchy() makes it '
        'loaded, link_class() linked, initialize() being_initialized / fully_initialized'),
    '_init_thread': ('loaded',
        'nulled at dump; the JavaThread running <clinit> while the class is being initialized'),
    '_methods_jmethod_ids': ('loaded',
        'nulled at dump; the C-heap jmethodID array InstanceKlass::get_jmethod_id() makes on demand '
        '(JNI GetMethodID, JVMTI, JFR stack traces)'),
    '_jni_ids': ('loaded', 'nulled at dump; C-heap JNIid list of jfieldIDs of static fields (JNI)'),
    '_oop_map_cache': ('loaded',
        'nulled at dump; C-heap OopMapCache made by InstanceKlass::mask_for() (GC stack walks, deopt)'),
    '_dep_context': ('loaded',
        'nulled at dump; C-heap nmethodBucket list of the nmethods that depend on this class (JIT)'),
    '_dep_context_last_cleaned': ('loaded', 'zeroed at dump; time stamp of the dependency context cleaning'),
    '_osr_nmethods_head': ('loaded', 'nulled at dump; the JIT\'s on-stack-replacement nmethods'),
    '_breakpoints': ('loaded', 'nulled at dump; JVMTI breakpoints set at run time'),
    '_nest_host': ('loaded',
        'nulled at dump ("clear _nest_host to ensure re-load at runtime"); InstanceKlass::nest_host() '
        'resolves and caches it on the first private-access check'),
    '_package_entry': ('loaded',
        'InstanceKlass::set_package() in restore_unshareable_info(): the archived PackageEntry is kept '
        'only with the full module graph, else the loader\'s C-heap PackageEntry'),
    '_array_klasses': ('loaded',
        'the ObjArrayKlass array_klass() makes at run time when no array class was archived'),
    '_misc_flags': ('loaded',
        'JDK 17 u2 flags: run-time bits _misc_has_been_redefined (1 << 7), _misc_shared_loading_failed '
        '(1 << 8), _misc_is_scratch_class (1 << 9), _misc_has_resolved_methods (1 << 13, '
        'set_has_resolved_methods() when ResolvedMethodTable adds a method), _misc_is_being_redefined '
        '(1 << 14)', 0x6380),
    # 24+: Klass::_misc_flags (KlassFlags, dump-time bits only) is compared; the
    # fields dict names the two _misc_flags Klass::... and InstanceKlass::...
    '_misc_flags._status': ('loaded',
        'InstanceKlassFlags::_status (21+): run-time-only bits (has_resolved_methods, is_being_redefined, '
        'has_been_redefined, is_scratch_class, is_marked_dependent, ...); InstanceKlassFlags keeps the '
        'dump-time bits in _flags'),
    '_is_marked_dependent': ('loaded', 'JDK 17: set while CodeCache marks dependent nmethods'),
}


# aotdbg's DWARF answers for this run (the layouts come from libjvm and its -dbg debug info).
DWARF_CACHE = tempfile.mkdtemp(prefix='aotdbg-klassgdb-')

# AOTDBG_KLASS_NOSKIP=1 compares the skipped fields too (to see what the JVM changed).
NOSKIP = os.environ.get('AOTDBG_KLASS_NOSKIP') == '1'


def archive_span(mapfile):
    """(requested base, end) of the rw and ro regions, from the map log's header."""
    req, regs, cur = None, [], None
    with open(mapfile, errors='replace') as f:
        for line in f:
            if line.startswith('0x'):
                break
            m = re.match(r'^=+ region =+ (\d+) "(\w+)"', line)
            if m:
                cur = {'name': m.group(2)}
                regs.append(cur)
                continue
            m = re.match(r'\s*- (requested_base_address|mapping_offset|used):\s*(\S+)', line)
            if m:
                v = int(m.group(2), 0)
                if m.group(1) == 'requested_base_address':
                    req = v if req is None else req
                elif cur is not None:
                    cur.setdefault(m.group(1), v)
    ends = [r['mapping_offset'] + r['used'] for r in regs if r['name'] in ('rw', 'ro')]
    return req, req + max(ends)


def raw_of(out):
    """The 'raw' list in aotdbg's JSON, wherever it is nested."""
    if isinstance(out, dict):
        if isinstance(out.get('raw'), list):
            return out['raw']
        vals = out.values()
    elif isinstance(out, list):
        vals = out
    else:
        return None
    for v in vals:
        r = raw_of(v)
        if r is not None:
            return r
    return None


def expand(fields, layout):
    """gdb's fields as {name or name[i]: (offset, size, int value)}."""
    out = {}
    for name, v in fields.items():
        lay = layout[name]
        if isinstance(v, list):
            for i, e in enumerate(v):
                if isinstance(e, str):
                    out[f'{name}[{i}]'] = (lay['offset'] + i * lay['element_size'], lay['element_size'], int(e, 16))
        elif isinstance(v, str) and v.startswith('0x'):
            out[name] = (lay['offset'], lay['size'], int(v, 16))
    return out


def aotdbg_fields(raw):
    """aotdbg's raw rows as {name or name[i]: (offset, size, int value)}; an array's
    value may be a list or a string "{a, b, ...}", its elements become name[i]; a name
    printed twice (two _misc_flags in 24+) is keyed NAME@OFFSET the second time."""
    out = {}

    def put(name, off, size, v):
        if name in out:
            name = f'{name}@{off}'
        try:
            out[name] = (off, size, int(str(v), 0))
        except ValueError:
            out[name] = (off, size, str(v))

    for r in raw:
        v = r.get('value')
        if isinstance(v, str) and v.strip().startswith('{'):     # gdb style: "{0x1, 0x0, ...}"
            v = [e.strip() for e in v.strip()[1:-1].split(',') if e.strip()]
        if isinstance(v, list):
            es = r['size'] // len(v) if v else 0
            for i, e in enumerate(v):
                put(f'{r["field"]}[{i}]', r['offset'] + i * es, es, e)
        elif v is not None:
            put(r['field'], r.get('offset'), r.get('size'), v)
    return out


def compare(oracle, cls, got, span):
    """(compared, skipped, [problems]) for one class."""
    delta = int(oracle['base_delta'], 16)
    lo, hi = span[0] + delta, span[1] + delta
    want = expand(cls['fields'], oracle['layout'])
    # aotdbg may name a field differently (the vtable pointer, Owner::name): fall back on the place
    by_place = {(o, s): n for n, (o, s, _) in got.items()}
    compared, skipped, bad = 0, 0, []
    for name, (off, size, g) in want.items():
        base = name.split('[')[0]
        rule = None if NOSKIP else SKIP.get(base, SKIP.get(base.split('::')[-1]))
        if rule and not (rule[0] == 'always' or cls['loaded']):
            rule = None
        if rule and len(rule) == 2:
            skipped += 1
            continue
        key = name if name in got else by_place.get((off, size))
        if key is None:
            bad.append(f'{name}: missing from --raw')
            continue
        aoff, asize, a = got[key]
        if aoff is not None and aoff != off:
            bad.append(f'{name}: offset {aoff}, gdb {off}')
        expect = g - delta if lo <= g < hi else g
        compared += 1
        if rule and len(rule) > 2 and isinstance(a, int):   # only the masked bits may differ
            a, expect = a & ~rule[2], expect & ~rule[2]
        if a != expect:
            note = f' (gdb {g:#x} - delta)' if expect != g else ''
            bad.append(f'{name}: {a if isinstance(a, str) else hex(a)}, gdb {expect:#x}{note}')
    return compared, skipped, bad


@test
def test_print_klass_raw_equals_gdb():
    """aot-print-klass ADDR --raw: each scalar field equals gdb's in a live JVM."""
    for jdk in jdks():
        if not jdk['dbg']:
            continue
        name = jdk['name']
        archive = os.path.join(CACHE, 'corpus', name, 'static.jsa')
        mapfile = archive[:-4] + '.map'
        if not os.path.exists(archive):
            continue
        oracle = gdb_klass.load(jdk)
        if not check(f'klass-gdb {name}: gdb oracle present', oracle is not None,
                     f'{gdb_klass.cache_path(jdk)} missing: run testdata/gen-gdbklass.sh {name}'):
            continue
        if not check(f'klass-gdb {name}: oracle made from this archive',
                     oracle['archive_sha256'] == gdb_klass.sha256(archive),
                     'static.jsa changed since the oracle was made: rerun testdata/gen-gdbklass.sh'):
            continue
        span = archive_span(mapfile)
        total_c = total_s = 0
        for cls in oracle['classes']:
            label = f'klass-gdb {name} {cls["name"]} @{cls["map_addr"]}'
            st, out, err = run([archive, *jvm_args(jdk), '--cache-dir', DWARF_CACHE, '--json',
                                '-c', f'aot-print-klass {cls["map_addr"]} --raw'])
            raw = None
            if st == 0:
                try:
                    raw = raw_of(json.loads(out))
                except ValueError:
                    pass
            if not check(label + ': --raw output', raw is not None,
                         f'exit {st}: {err.strip()[:300] or out[:300]}'):
                continue
            got = aotdbg_fields(raw)
            c, s, bad = compare(oracle, cls, got, span)
            if cls is oracle['classes'][0]:
                # The comparison itself can fail: a wrong scalar and a wrong pointer are both caught.
                wrong = dict(got)
                for f in ('_layout_helper', '_constants'):
                    k = f if f in wrong else None
                    if k:
                        o, sz, v = wrong[k]
                        wrong[k] = (o, sz, v + 8)
                _, _, caught = compare(oracle, cls, wrong, span)
                new = sorted(b.split(':')[0] for b in set(caught) - set(bad))
                check(f'klass-gdb {name}: a changed _layout_helper and _constants are reported',
                      new == ['_constants', '_layout_helper'], f'{new}')
            total_c += c
            total_s += s
            print(f'  {name} {cls["name"]}: {c} compared, {s} skipped'
                  f'{"" if cls["loaded"] else " (not loaded by the run)"}')
            check(label + f': {c} fields equal gdb', not bad and c > 0,
                  f'{len(bad)} differ: ' + '; '.join(bad[:10]))
        print(f'  {name}: {len(oracle["classes"])} classes, {total_c} fields compared, {total_s} skipped')
