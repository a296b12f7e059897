"""gdb side of gdb_klass.py: sourced into a gdb attached to a JVM.

Defines `aotdbg-klasses IN OUT`: IN is a JSON list of {"name", "map_addr",
"addr"} (addr = the runtime address of an InstanceKlass); OUT receives
{"layout": {field: {offset, size, type[, bit_offset, bit_size, count]}},
 "classes": [{..., "fields": {field: "0x.." | [elements]}, "symbol": the
 class name read from _name, "error"?}]}.

Fields are the members of InstanceKlass and its bases (Klass, Metadata,
MetaspaceObj) flattened: base-class members keep their own names, members
of nested structs, classes and named unions get dotted names
(_access_flags._flags), an anonymous union's members their own; a
name that occurs twice (JDK 24+: Klass::_misc_flags and
InstanceKlass::_misc_flags) becomes Owner::name at both places.  Values
are what `p/x` prints: unsigned hex of the field's bytes.  Before the
walk each class is also printed with `p/x *(InstanceKlass*)ADDR` between
@@klass markers, for a human to read (gdb_klass.py keeps it).
"""
import json

import gdb


def _hex(v, size):
    t = v.type.strip_typedefs().unqualified()
    if t.code == gdb.TYPE_CODE_PTR:
        n = int(v.cast(gdb.lookup_type('unsigned long')))
    elif t.code == gdb.TYPE_CODE_FLT:
        return str(float(v))
    else:
        n = int(v)
    return hex(n & ((1 << (8 * size)) - 1))


def _walk(val, typ, off, prefix, out, owner=None):
    """Append (owner class, name, layout record, value) for every scalar or
    array member of VAL (of type TYP, at byte offset OFF) to OUT."""
    t = typ.strip_typedefs().unqualified()
    for f in t.fields():
        if not hasattr(f, 'bitpos'):          # static member
            continue
        fo = off + f.bitpos // 8
        if f.is_base_class:
            _walk(val[f], f.type, fo, prefix, out, owner)
            continue
        own = owner or t.name
        ft = f.type.strip_typedefs().unqualified()
        if f.name is None:                     # anonymous union or struct
            _walk(val[f], ft, fo, prefix, out, own)
            continue
        name = prefix + f.name
        if ft.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
            _walk(val[f], ft, fo, name + '.', out, own)
            continue
        rec = {'offset': fo, 'size': ft.sizeof, 'type': str(f.type)}
        v = val[f]
        if f.bitsize:
            rec.update(bit_offset=f.bitpos % 8, bit_size=f.bitsize, size=(f.bitpos % 8 + f.bitsize + 7) // 8)
            value = hex(int(v) & ((1 << f.bitsize) - 1))
        elif ft.code == gdb.TYPE_CODE_ARRAY:
            et = ft.target().strip_typedefs().unqualified()
            lo, hi = ft.range()
            rec['count'] = hi - lo + 1
            rec['element_size'] = et.sizeof
            if et.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
                value = []
                for i in range(lo, hi + 1):
                    sub = []
                    _walk(v[i], et, 0, '', sub, own)
                    value.append({n: x for _, n, _, x in sub})
            else:
                value = [_hex(v[i], et.sizeof) for i in range(lo, hi + 1)]
        else:
            value = _hex(v, ft.sizeof)
        out.append((own, name, rec, value))


def flatten(val, typ):
    """({name: layout record}, {name: value}).  A name that occurs twice in the
    hierarchy (JDK 24+: Klass::_misc_flags and InstanceKlass::_misc_flags) is
    qualified as Owner::name at each occurrence."""
    out = []
    _walk(val, typ, 0, '', out)
    count = {}
    for _, n, _, _ in out:
        count[n] = count.get(n, 0) + 1
    layout, fields = {}, {}
    for own, n, rec, v in out:
        if count[n] > 1:
            n = f'{own}::{n}'
        rec['owner'] = own
        layout[n] = rec
        fields[n] = v
    return layout, fields


def _symbol(ptr):
    """The text of a Symbol* (the class's _name), or None."""
    if int(ptr) == 0:
        return None
    s = ptr.dereference()
    n = int(s['_length'])
    body = int(s['_body'].address)
    return bytes(gdb.selected_inferior().read_memory(body, n)).decode('utf-8', 'replace')


class Klasses(gdb.Command):
    def __init__(self):
        super().__init__('aotdbg-klasses', gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        src, dst = gdb.string_to_argv(arg)
        with open(src) as f:
            wanted = json.load(f)
        ik = gdb.lookup_type('InstanceKlass')
        layout, classes = {}, []
        for c in wanted:
            addr = int(c['addr'], 16)
            rec = dict(c)
            gdb.write(f'@@klass {c["map_addr"]} {c["addr"]} {c["name"]}\n')
            try:
                gdb.write(gdb.execute(f'p/x *(InstanceKlass*){addr:#x}', to_string=True))
                val = gdb.Value(addr).cast(ik.pointer()).dereference()
                lay, fields = flatten(val, ik)
                layout = layout or lay
                rec['fields'] = fields
                rec['symbol'] = _symbol(val['_name'])
            except gdb.error as e:
                rec['error'] = str(e)
            classes.append(rec)
        gdb.write('@@klass end\n')
        with open(dst, 'w') as f:
            json.dump({'layout': layout, 'sizeof': ik.sizeof, 'classes': classes}, f, indent=1)


Klasses()
