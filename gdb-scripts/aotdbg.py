"""aotdbg in gdb: every aot-* command of libaotdbg.so, on the live process or
core gdb has open, or on archive files (aot-open).

    (gdb) source /path/to/aotdbg/gdb-scripts/aotdbg.py
    (gdb) aot-regions
    (gdb) aot-print-klass $rsi
    (gdb) p (InstanceKlass*)$rsi        # 0x800e8bc8 java.lang.String
    (gdb) p $aot_klass("java.lang.String")

The library is build/libaotdbg.so beside this directory, the installed
PREFIX/lib/libaotdbg.so, or $AOTDBG_LIB.  Only ever reads the inferior.
See docs/frontends.md.
"""
import os
import re
import sys

import gdb

_HERE = os.path.dirname(os.path.abspath(os.path.expanduser(__file__)))
for _d in (os.environ.get('AOTDBG_PYTHON'), os.path.join(_HERE, '..', 'plugin', 'python'),
           os.path.join(_HERE, '..', 'python')):
    if _d and os.path.exists(os.path.join(_d, 'aotdbg_native.py')):
        if _d not in sys.path:
            sys.path.insert(0, _d)
        break

import aotdbg_native as native  # noqa: E402

_DEFAULT_REGIONS = ['rw', 'ro', 'bm', 'hp', 'ac', 'ca0', 'ca1', 'ca2', 'ca3', 'oa0', 'oa1', 'mc', 'md', 'od']


class _State:
    session = None      # the native.Session in use
    key = None          # what it is attached to: ('live', pid) / ('core', path) / ('files', paths)
    files = None        # aot-open's files: the session follows them, not the inferior
    options = {}        # aot-set's options, applied to every new session
    dirty = False       # the inferior ran since the last flush


def _inferior_key():
    """('live', pid), ('core', pid, path) or None (no process)."""
    inf = gdb.selected_inferior()
    if not inf or not inf.pid:
        return None
    conn = getattr(inf, 'connection', None)
    kind = conn.type if conn is not None else None
    if kind is None:
        text = gdb.execute('info target', to_string=True)
        kind = 'core' if 'core dump file' in text else 'native'
    if kind == 'core':
        text = gdb.execute('info target', to_string=True)
        m = re.search(r"core dump file:\s*`(.*)', file type", text)
        return ('core', inf.pid, m.group(1) if m else '')
    return ('live', inf.pid)


def _read(addr, size):
    return gdb.selected_inferior().read_memory(addr, size).tobytes()


def _maps_text():
    """gdb's `info proc mappings` as /proc/PID/maps text (a core's NT_FILE view)."""
    out = []
    for line in gdb.execute('info proc mappings', to_string=True).splitlines():
        t = line.split()
        if len(t) < 4 or not t[0].startswith('0x'):
            continue
        try:
            start, end, off = int(t[0], 16), int(t[1], 16), int(t[3], 16)
        except ValueError:
            continue
        rest = t[4:]
        perms = 'r--p'
        if rest and re.fullmatch(r'[r-][w-][x-][ps]', rest[0]):
            perms = rest.pop(0)
        out.append(native.maps_line(start, end, off, ' '.join(rest), perms))
    return ''.join(out)


def _new_session():
    s = native.Session(native.load_library(_HERE))
    for k, v in _State.options.items():
        s.option(k, v)
    return s


def _drop():
    if _State.session is not None:
        _State.session.close()
    _State.session = _State.key = None


def session():
    """The session for the next command: aot-open's files, else the inferior's
    process or core (attached again when that changed); raises native.Error."""
    if _State.files is not None:
        key = ('files',) + tuple(_State.files)
    else:
        key = _inferior_key()
        if key is None:
            raise native.Error('no process or core file: attach to a JVM (gdb -p PID), open a core '
                               '(gdb JAVA CORE), or aot-open ARCHIVE...')
    if _State.session is not None and _State.key == key:
        if key[0] == 'live' and _State.dirty:
            _State.session.flush()
        _State.dirty = False
        return _State.session
    _drop()
    s = _new_session()
    try:
        if key[0] == 'files':
            for f in key[1:]:
                s.open(f)
        elif key[0] == 'live':
            s.attach(pid=key[1], read=_read)
        else:
            # The core file itself first, read as `aotdbg --core` reads it (same
            # output, including which regions came from the cache file: gdb 13
            # serves a core's missing file-backed pages from the files
            # themselves, so through gdb every page looks like the core's).
            # Through gdb's memory when the library cannot read the core.
            try:
                if not key[2] or not os.path.exists(key[2]):
                    raise native.Error('no core path')
                s.attach(pid=0, core=key[2])
            except native.Error:
                s.close()
                s = _new_session()
                s.attach(pid=0, read=_read, maps=_maps_text())
    except BaseException:
        s.close()
        raise
    _State.session, _State.key, _State.dirty = s, key, False
    return s


def _on_stop(_event=None):
    _State.dirty = True


def _on_exit(_event=None):
    if _State.key and _State.key[0] != 'files':
        _drop()


def _evaluate(expr):
    """A gdb expression's value as hex when it is an integer or pointer; the text
    unchanged otherwise (a class name such as java.lang.String)."""
    try:
        v = gdb.parse_and_eval(expr)
        code = v.type.strip_typedefs().code
        if code in (gdb.TYPE_CODE_PTR, gdb.TYPE_CODE_INT, gdb.TYPE_CODE_ENUM, gdb.TYPE_CODE_CHAR,
                    gdb.TYPE_CODE_BOOL):
            return hex(int(v) & (2**64 - 1))
        if code == gdb.TYPE_CODE_ARRAY or code == gdb.TYPE_CODE_FUNC:
            return hex(int(v.address) & (2**64 - 1)) if v.address is not None else expr
    except gdb.MemoryError as e:   # an expression, but its memory is unreadable
        raise gdb.GdbError(str(e)) from None
    except Exception:
        pass
    return expr


def _region_names():
    names = list(_DEFAULT_REGIONS)
    s = _State.session
    if s is not None:
        try:
            import json
            doc = json.loads(s.run('aot-regions --json'))
            got = [r['name'] for r in doc['archives'][0]['regions']]
            got += ['base:' + r['name'] for a in doc['archives'][1:] for r in a['regions']]
            names = got or names
        except Exception:
            pass
    return names


def run_line(line):
    """Run a command line (with a debugger-evaluated address argument already
    substituted) and print what it printed; errors as gdb.GdbError."""
    try:
        s = session()
        out = s.run(line)
    except native.Error as e:
        if e.output:
            gdb.write(e.output)
        raise gdb.GdbError(e.message) from None
    gdb.write(out)


def _relative(got, text, word):
    """Completions of the whole last token (GOT) cut to what gdb calls the word
    (gdb breaks words at '-' and ':' too)."""
    if not isinstance(got, list):
        return got
    cur = '' if not text or text[-1].isspace() else text.split()[-1]
    cut = len(cur) - len(word or '')
    return [g[cut:] for g in got if g.startswith(cur)] if cut >= 0 else got


class AotCommand(gdb.Command):
    """An aot-* command of the library's table."""

    def __init__(self, cmd):
        self.cmd = cmd
        super().__init__(cmd['name'], gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        self.dont_repeat()
        run_line(native.command_line(self.cmd, arg, _evaluate))

    def complete(self, text, word):
        try:
            return _relative(self._complete(text), text, word)
        except Exception:
            return gdb.COMPLETE_NONE

    def _complete(self, text):
        toks = text.split()
        if not text or text[-1].isspace():
            word, prev = '', (toks[-1] if toks else None)
        else:
            word, prev = toks[-1], (toks[-2] if len(toks) >= 2 else None)
        if word.startswith('-'):
            return [o for o in self.cmd['options'] if o.startswith(word)]
        if prev == '--region' or self.cmd['complete'] == 'region':
            return [r for r in _region_names() if r.startswith(word)]
        if self.cmd['addr_args']:
            return gdb.COMPLETE_EXPRESSION
        return gdb.COMPLETE_NONE


class AotOpen(gdb.Command):
    """Open CDS archive or AOT cache files instead of the process: aot-open FILE...

Usage: aot-open FILE...    the aot-* commands decode these files (no process)
       aot-open            back to the process or core gdb has open

Takes effect at the next aot-* command; the options of aot-set apply."""

    def __init__(self):
        super().__init__('aot-open', gdb.COMMAND_DATA, gdb.COMPLETE_FILENAME)

    def invoke(self, arg, from_tty):
        self.dont_repeat()
        files = [os.path.expanduser(f) for f in gdb.string_to_argv(arg)]
        _drop()
        _State.files = files or None
        if files:
            try:
                session()
            except native.Error as e:
                _State.files = None
                raise gdb.GdbError(e.message) from None


class AotSet(gdb.Command):
    """Set an aotdbg option for the next session: aot-set OPTION VALUE

Usage: aot-set OPTION VALUE    (aot-set OPTION to unset it; aot-set alone lists them)

OPTION is one of the CLI's long options: jvm (libjvm.so giving the layouts),
java-home, debug-file, debug-dir (a directory holding .build-id/), cache-dir,
base-archive, archive (the cache file a core's regions are filled from), exe,
base.  The session in use is dropped; the next aot-* command makes a new one."""

    def __init__(self):
        super().__init__('aot-set', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        self.dont_repeat()
        argv = gdb.string_to_argv(arg)
        if not argv:
            for k in native.options():
                if k in _State.options:
                    gdb.write(f'{k} {_State.options[k]}\n')
            return
        name = argv[0]
        if name not in native.options():
            raise gdb.GdbError(f"no option '{name}' (one of {', '.join(native.options())})")
        if len(argv) == 1:
            _State.options.pop(name, None)
        else:
            value = ' '.join(argv[1:])
            try:  # let the library refuse a bad value now
                _new_session().option(name, value)
            except native.Error as e:
                raise gdb.GdbError(e.message) from None
            _State.options[name] = value
        _drop()

    def complete(self, text, word):
        if len(text.split()) <= 1 and not text.endswith(' '):
            return [o for o in native.options() if o.startswith(word or '')]
        return gdb.COMPLETE_FILENAME


# Pretty-printers: archived metadata pointers show their name.
_PRINTED = {'Klass', 'InstanceKlass', 'InstanceMirrorKlass', 'InstanceRefKlass', 'InstanceClassLoaderKlass',
            'InstanceStackChunkKlass', 'ArrayKlass', 'ObjArrayKlass', 'TypeArrayKlass', 'RefArrayKlass',
            'FlatArrayKlass', 'InlineKlass', 'Method', 'Symbol'}


class _MetaPrinter:
    def __init__(self, val, name):
        self.val, self.name = val, name

    def to_string(self):
        return f'{int(self.val) & (2**64 - 1):#x} {self.name}'


def _lookup(val):
    try:
        t = val.type.strip_typedefs()
        if t.code != gdb.TYPE_CODE_PTR:
            return None
        target = t.target().strip_typedefs().unqualified()
        if target.tag not in _PRINTED and target.name not in _PRINTED:
            return None
        addr = int(val) & (2**64 - 1)
        if addr == 0:
            return None
        s = _State.session
        if s is None or (_State.files is None and _State.key != _inferior_key()):
            s = session()
        elif _State.dirty and _State.key[0] == 'live':
            s = session()
        name = s.describe(addr)
        return _MetaPrinter(val, name) if name else None
    except BaseException:
        return None


class AotKlass(gdb.Function):
    """$aot_klass("java.lang.String"): the address of an archived class, as an
InstanceKlass* when gdb knows that type, else as a long."""

    def __init__(self):
        super().__init__('aot_klass')

    def invoke(self, name):
        try:
            text = name.string() if name.type.strip_typedefs().code != gdb.TYPE_CODE_INT else hex(int(name))
            addr = session().find_klass(text)
        except native.Error as e:
            raise gdb.GdbError(e.message) from None
        except gdb.error as e:
            raise gdb.GdbError(f'$aot_klass: {e}') from None
        v = gdb.Value(addr)
        for t in ('InstanceKlass', 'Klass'):
            try:
                return v.cast(gdb.lookup_type(t).pointer())
            except Exception:
                pass
        for t in ('long', 'long long'):
            lt = gdb.lookup_type(t)
            if lt.sizeof == 8:
                return v.cast(lt)
        return v


def _register():
    try:
        cmds = native.commands(native.load_library(_HERE))
    except native.Error as e:
        gdb.write(f'aotdbg: {e.message}\n', gdb.STDERR)
        return
    for c in cmds:
        doc = (f'{c["summary"]}\nUsage: {c["usage"]}\n\n{c["help"]}\n\nExample:\n  {c["example"]}')
        if c['addr_args']:
            doc += ('\n\nIn gdb, ADDR is an expression ($rsi, obj->_klass, 0x800e8bc8); '
                    'text that is not one (a class name) is passed as it is.')
        cls = type('Aot_' + c['name'].replace('-', '_'), (AotCommand,), {'__doc__': doc})
        cls(c)
    AotOpen()
    AotSet()
    AotKlass()
    if _lookup not in gdb.pretty_printers:
        gdb.pretty_printers.append(_lookup)
    gdb.events.stop.connect(_on_stop)
    gdb.events.cont.connect(_on_stop)
    gdb.events.exited.connect(_on_exit)
    if hasattr(gdb.events, 'inferior_deleted'):
        gdb.events.inferior_deleted.connect(_on_exit)


_register()
