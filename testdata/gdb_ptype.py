#!/usr/bin/env python3
"""gdb as the oracle of C++ type layouts: `ptype/o TYPE` on a JDK's libjvm.so.

    python3 testdata/gdb_ptype.py JDKNAME TYPE...    prints {TYPE: layout} as JSON
    python3 testdata/gdb_ptype.py --summary JDKNAME TYPE...   one line: gdb's time

A layout is {'name', 'size', 'bases': [names], 'statics': [names], 'members':
[{'name', 'offset', 'size', 'bit_offset', 'bit_size', 'type'}]}, top-level
members only, in declaration order.  'name' is '' for an anonymous union or
struct.  A bit-field's 'offset' and 'bit_offset' are gdb's: its bit position
// 8 and % 8, and 'size' is its storage unit's; bit_offset and bit_size are None
for other members.  'type' is gdb's spelling minus the member name, e.g.
'class Array<Method*> *'.  ptype/o prints neither base-class subobjects nor
vtable pointers, so members need not start at 0.

gdb needs minutes to read the debug info of a libjvm.so, so its raw output is
kept in $AOTDBG_CACHE/ptype/<build-id>/<TYPE>.txt beside <TYPE>.time, a JSON
record of the gdb run that produced it: wall 'seconds', 'max_rss_kb' and the
'types' that run answered (each run loads the debug info first, so one run
answers all the types asked for at once).
"""
import functools
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import CACHE, jdks  # noqa: E402

MARK = '@@ptype '

OFFSET = re.compile(r'^/\*\s*(\d+)(?::\s*(\d+))?\s*\|\s*(\d+) \*/(.*)$')
SIZE_ONLY = re.compile(r'^/\*\s*(\d+) \*/(.*)$')
HEADER = re.compile(r'^(?:/\* offset\s*\|\s*size \*/)?\s*type = (.*)$')
TOTAL = re.compile(r'^/\* total size \(bytes\):\s*(\d+) \*/$')


class PtypeError(Exception):
    pass


def jdk(name):
    for row in jdks():
        if row['name'] == name:
            return row
    raise PtypeError(f'{name}: not in {os.path.join(CACHE, "jdks", "jdks.tsv")}')


@functools.lru_cache
def build_id(path):
    out = subprocess.run(['readelf', '-n', path], capture_output=True, text=True, check=True).stdout
    m = re.search(r'Build ID:\s*([0-9a-f]+)', out)
    if not m:
        raise PtypeError(f'{path}: no GNU build id')
    return m.group(1)


def _paths(row, name):
    d = os.path.join(CACHE, 'ptype', build_id(row['libjvm']))
    base = os.path.join(d, urllib.parse.quote(name, safe=':,'))
    return base + '.txt', base + '.time'


def ptype(row, name):
    return ptype_many(row, [name])[name]


def ptype_many(row, names):
    """{name: layout} for NAMES in JDK ROW (a harness.jdks() row or its name),
    running gdb once for all that are not cached."""
    if isinstance(row, str):
        row = jdk(row)
    missing = [n for n in dict.fromkeys(names) if not os.path.exists(_paths(row, n)[0])]
    if missing:
        _run_gdb(row, missing)
    out = {}
    for n in names:
        with open(_paths(row, n)[0]) as f:
            out[n] = parse(f.read(), n)
    return out


def timing(row, name):
    """The record of the gdb run that answered NAME (see the module's doc)."""
    if isinstance(row, str):
        row = jdk(row)
    with open(_paths(row, name)[1]) as f:
        return json.load(f)


def _run_gdb(row, names):
    lib, dbg = row['libjvm'], row['dbg']
    bid = build_id(lib)
    if not dbg:
        raise PtypeError(f'{row["name"]}: no debug root in jdks.tsv, gdb would see no types')
    debug_file = os.path.join(dbg, '.build-id', bid[:2], bid[2:] + '.debug')
    if not os.path.exists(debug_file):
        raise PtypeError(f'{row["name"]}: {debug_file} missing: no debug info for {lib}')
    # -iex, not -ex: gdb looks for the separate debug file while loading LIB,
    # before any -ex runs.  The auto-loaded OpenJDK unwinder only adds noise.
    cmd = ['gdb', '-nx', '-batch', '-iex', f'set debug-file-directory {dbg}',
           '-iex', 'set auto-load python-scripts off']
    for n in names:
        cmd += ['-ex', f'echo {MARK}{n}\\n', '-ex', f'ptype/o {n}']
    cmd.append(lib)
    text, status, seconds, rss = run_gdb(cmd)
    outputs = _split(text)
    errors = []
    for n in names:
        raw = outputs.get(n)
        if raw is None:
            errors.append(f'{n}: gdb printed nothing (exit {os.waitstatus_to_exitcode(status)}): {text[-500:].strip()}')
            continue
        try:
            parse(raw, n)       # only layouts that parse are cached
        except PtypeError as e:
            errors.append(str(e))
            continue
        txt, tim = _paths(row, n)
        os.makedirs(os.path.dirname(txt), exist_ok=True)
        _write(tim, json.dumps({'seconds': round(seconds, 2), 'max_rss_kb': rss, 'types': names}) + '\n')
        _write(txt, raw)
    if errors:
        raise PtypeError(f'{row["name"]} ({lib}): ' + '; '.join(errors))


def run_gdb(cmd):
    """Run gdb CMD to the end: (its output, wait status, seconds, its peak RSS in KB)."""
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         text=True, errors='replace')
    with p.stdout:
        text = p.stdout.read()
    # wait4, not wait: the benchmark wants gdb's own peak memory too.
    _, status, usage = os.wait4(p.pid, 0)
    return text, status, time.monotonic() - t, usage.ru_maxrss


def _write(path, text):
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def _split(text):
    out, cur = {}, None
    for line in text.splitlines(keepends=True):
        if line.startswith(MARK):
            cur = line[len(MARK):].rstrip('\n')
            out[cur] = ''
        elif cur is not None:
            out[cur] += line
    return out


def parse(text, what='type'):
    """The layout in one ptype/o output."""
    if 'No symbol table is loaded' in text:
        raise PtypeError(f'{what}: gdb loaded no debug info: {text.strip()}')
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if HEADER.match(l)), None)
    if start is None:
        raise PtypeError(f'{what}: no "type =" line in gdb output: {text.strip()[:300]}')
    head = HEADER.match(lines[start]).group(1).strip()
    if not head.endswith('{'):
        raise PtypeError(f'{what}: not a struct, class or union: type = {head}')
    name, bases = _header(head[:-1].strip())
    t = {'name': name, 'size': None, 'members': [], 'bases': bases, 'statics': []}
    depth, pending = 1, None     # pending: a member whose type ptype/o expands inline
    for line in lines[start + 1:]:
        m = OFFSET.match(line)
        s = None if m else SIZE_ONLY.match(line)
        if m:
            off, bit, size, body = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4).strip()
        elif s:
            off, bit, size, body = 0, None, int(s.group(1)), s.group(2).strip()   # in a union
        else:
            off = bit = size = None
            body = line.strip()
        if depth == 1:
            if (m or s) and body.endswith('{'):
                pending = {'offset': off, 'size': size, 'type': _strip_with(body[:-1].strip())}
            elif m or s:
                d = _declarator(body.rstrip(';'))
                if (bit is None) != (d['bit_size'] is None):
                    raise PtypeError(f'{what}: bit-field without a bit offset: {line.strip()}')
                t['members'].append(_member(d, off, size, None if bit is None else int(bit)))
            elif TOTAL.match(body):
                t['size'] = int(TOTAL.match(body).group(1))
            elif body.startswith('static ') and not re.search(r'\w\(', body):   # not a method
                t['statics'].append(_declarator(body[len('static '):].rstrip(';'))['name'])
            # else: access labels, holes, blank lines (methods and typedefs ptype/o omits)
        if body.startswith('}'):
            depth -= 1
            if depth == 0:
                break
            if depth == 1 and pending:
                rest = body[1:].strip().rstrip(';').strip()
                typ = pending['type']
                if typ.split()[-1] in ('struct', 'class', 'union'):
                    typ += ' {...}'
                d = _declarator(f'{typ} {rest}') if rest else {'name': '', 'type': typ, 'bit_size': None}
                t['members'].append(_member(d, pending['offset'], pending['size'], None))
                pending = None
        elif body.endswith('{'):
            depth += 1
    if depth != 0 or t['size'] is None:
        raise PtypeError(f'{what}: gdb output for {name} ends early (no total size or closing brace)')
    return t


def _member(d, offset, size, bit_offset):
    return {'name': d['name'], 'offset': offset, 'size': size, 'bit_offset': bit_offset,
            'bit_size': d['bit_size'], 'type': d['type']}


def _header(head):
    """('InstanceKlass', ['Klass']) from 'class InstanceKlass : public Klass'."""
    head = _strip_with(head)
    while head.split(' ', 1)[0] in ('const', 'volatile'):
        head = head.split(' ', 1)[1]
    rest = head.partition(' ')[2]      # after class, struct or union
    name, _, derivation = rest.partition(' : ')
    bases = []
    for b in _split_top(derivation):
        words = b.split()
        while words and words[0] in ('public', 'protected', 'private', 'virtual'):
            words.pop(0)
        bases.append(' '.join(words))
    return name.strip(), bases


def _strip_with(s):
    """Drop gdb's ' [with T = int]' template-argument note."""
    i = s.find(' [with ')
    if i < 0:
        return s
    depth = 0
    for j in range(i + 1, len(s)):
        depth += {'[': 1, ']': -1}.get(s[j], 0)
        if depth == 0:
            return (s[:i] + s[j + 1:]).strip()
    return s[:i]


def _split_top(s):
    """Split on commas outside <>, () and []."""
    parts, depth, cur = [], 0, ''
    for c in s:
        if c in '<([':
            depth += 1
        elif c in '>)]':
            depth -= 1
        if c == ',' and depth == 0:
            parts.append(cur.strip())
            cur = ''
        else:
            cur += c
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _declarator(decl):
    """{'name', 'type', 'bit_size'} from a declaration such as
    'class Klass *_primary_supers[8]', 'int (*fp)(int)', 'unsigned int f : 3'."""
    bit_size = None
    m = re.match(r'^(.*\S)\s+:\s+(\d+)$', decl)
    if m:
        decl, bit_size = m.group(1), int(m.group(2))
    dims = re.search(r'(\s*\[\d*\])+$', decl)
    core = decl[:dims.start()] if dims else decl
    fn = re.search(r'\(\s*(?:[\w:<>]+::)?\*+\s*(?:(?:const|volatile)\s+)*(\w+)\s*\)', core) \
        if core.endswith(')') else None
    m = fn or re.search(r'(\w+)$', core)
    if not m:
        raise PtypeError(f'cannot find the member name in {decl!r}')
    typ = decl[:m.start(1)] + decl[m.end(1):]
    return {'name': m.group(1), 'type': ' '.join(typ.split()), 'bit_size': bit_size}


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--summary', action='store_true', help="one line: gdb's time and each type's size")
    ap.add_argument('jdk')
    ap.add_argument('types', nargs='+')
    args = ap.parse_args(argv)
    try:
        row = jdk(args.jdk)
        had = all(os.path.exists(_paths(row, n)[0]) for n in args.types)
        layouts = ptype_many(row, args.types)
    except (PtypeError, OSError, subprocess.CalledProcessError) as e:
        print(f'gdb_ptype: {e}', file=sys.stderr)
        return 1
    if not args.summary:
        json.dump(layouts, sys.stdout, indent=1)
        print()
        return 0
    runs = {}
    for n in args.types:
        tm = timing(row, n)
        runs.setdefault(tm['seconds'], tm)
    gdb = ', '.join(f'{tm["seconds"]:.1f} s ({tm["max_rss_kb"] // 1024} MB) for {" ".join(tm["types"])}'
                    for tm in runs.values())
    sizes = ' '.join(f'{n}={t["size"]}/{len(t["members"])}' for n, t in layouts.items())
    print(f'{row["name"]}: gdb {gdb}{" (cached)" if had else ""}; size/members: {sizes}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
