"""ctypes binding of libaotdbg.so's flat front-end API (plugin/frontend.h).

The one place the gdb front end (gdb-scripts/aotdbg.py) and the lldb front
end (lldb/aotdbg_lldb.py) talk to the C library; it knows nothing of either
debugger.  A debugger hands a Session its memory as a Python function
read(addr, size) -> bytes (raising on an unreadable range); the binding turns
it into the C callback, which never lets an exception escape.

    s = Session(load_library())
    s.option('debug-dir', '/usr/lib/debug')
    s.attach(pid=1234, read=my_read)          # or s.open('app.aot')
    status, out, err = s.run('aot-regions')
"""
import ctypes
import os
import shlex

__all__ = ['Error', 'Session', 'load_library', 'library_candidates', 'commands', 'options', 'split', 'join',
           'PAGE', 'maps_line']

PAGE = 4096

READ_FN = ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_size_t)


class Error(Exception):
    """A failure the library reported: STATUS as the CLI's exit status (1 a
    check failed, 2 an error), the one-line MESSAGE, and OUTPUT printed before it."""

    def __init__(self, message, status=2, output=''):
        Exception.__init__(self, message)
        self.message = message
        self.status = status
        self.output = output


_lib = None


def library_candidates(near=None):
    """Where to look for libaotdbg.so: $AOTDBG_LIB, then beside the build tree
    or the installed tree of NEAR (a front end's directory) and of this file."""
    out = []
    env = os.environ.get('AOTDBG_LIB')
    if env:
        out.append(env)
    for d in [near, os.path.dirname(os.path.abspath(__file__))]:
        if not d:
            continue
        d = os.path.abspath(d)
        out += [os.path.join(d, '..', 'build', 'libaotdbg.so'),          # gdb-scripts/, lldb/
                os.path.join(d, '..', '..', 'build', 'libaotdbg.so'),    # plugin/python/
                os.path.join(d, '..', '..', '..', 'lib', 'libaotdbg.so')]  # PREFIX/share/aotdbg/x/
    out.append('libaotdbg.so')                                           # the dynamic loader's path
    return out


def load_library(near=None):
    """Load libaotdbg.so once (see library_candidates); raises Error if none loads."""
    global _lib
    if _lib is not None:
        return _lib
    tried = []
    for path in library_candidates(near):
        if os.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            lib = ctypes.CDLL(os.path.normpath(path) if os.sep in path else path)
        except OSError as e:
            tried.append(f'{path} ({e})')
            continue
        _declare(lib)
        _lib = lib
        return lib
    raise Error('cannot load libaotdbg.so (build it with make, or set AOTDBG_LIB); tried: ' + ', '.join(tried))


def _declare(lib):
    P, S, I, VP = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
    OUT = ctypes.POINTER(ctypes.c_void_p)
    lib.aot_fe_new.restype = S
    lib.aot_fe_new.argtypes = []
    lib.aot_fe_destroy.restype = None
    lib.aot_fe_destroy.argtypes = [S]
    lib.aot_fe_free.restype = None
    lib.aot_fe_free.argtypes = [VP]
    lib.aot_fe_option.restype = I
    lib.aot_fe_option.argtypes = [S, P, P, OUT]
    lib.aot_fe_open.restype = I
    lib.aot_fe_open.argtypes = [S, P, OUT]
    lib.aot_fe_attach.restype = I
    lib.aot_fe_attach.argtypes = [S, I, P, READ_FN, VP, P, OUT]
    lib.aot_fe_flush.restype = None
    lib.aot_fe_flush.argtypes = [S]
    lib.aot_fe_run.restype = I
    lib.aot_fe_run.argtypes = [S, P, OUT, OUT]
    lib.aot_fe_command_count.restype = ctypes.c_size_t
    lib.aot_fe_command_count.argtypes = []
    lib.aot_fe_option_name.restype = P
    lib.aot_fe_option_name.argtypes = [ctypes.c_size_t]
    lib.aot_fe_command_field.restype = P
    lib.aot_fe_command_field.argtypes = [ctypes.c_size_t, P]
    lib.aot_fe_describe.restype = I
    lib.aot_fe_describe.argtypes = [S, ctypes.c_uint64, OUT, OUT]
    lib.aot_fe_find_klass.restype = I
    lib.aot_fe_find_klass.argtypes = [S, P, ctypes.POINTER(ctypes.c_uint64), OUT]


def _enc(s):
    return None if s is None else os.fsencode(s) if not isinstance(s, bytes) else s


def _take(lib, p):
    """The malloc'ed C string at P as str (freed), '' for NULL."""
    if not p.value:
        return ''
    try:
        return ctypes.string_at(p.value).decode('utf-8', 'replace')
    finally:
        lib.aot_fe_free(p.value)


_options = None


def options(lib=None):
    """The session options aot-set takes (aot_fe_option's names, the CLI's long options)."""
    global _options
    if _options is None:
        lib = lib or load_library()
        names, i = [], 0
        while lib.aot_fe_option_name(i):
            names.append(lib.aot_fe_option_name(i).decode())
            i += 1
        _options = names
    return _options


_commands = None


def commands(lib=None):
    """The library's command table: a list of dicts name, usage, summary, help,
    example, complete ('region' or ''), addr_args (bool), options (the --long
    options of its usage) and valued (those of them that take a value)."""
    global _commands
    if _commands is not None:
        return _commands
    lib = lib or load_library()
    out = []
    for i in range(lib.aot_fe_command_count()):
        c = {}
        for f in ('name', 'usage', 'summary', 'help', 'example', 'complete', 'addr_args'):
            v = lib.aot_fe_command_field(i, f.encode())
            c[f] = v.decode('utf-8', 'replace') if v else ''
        c['addr_args'] = c['addr_args'] == '1'
        opts, valued = [], set()
        toks = c['usage'].replace('[', ' ').replace(']', ' ').split()
        for j, t in enumerate(toks):
            if t.startswith('--'):
                opts.append(t)
                nxt = toks[j + 1] if j + 1 < len(toks) else '-'
                if not nxt.startswith('-') and nxt != '|' and (nxt.isupper() or '|' in nxt):
                    valued.add(t)
        if '--json' not in opts:
            opts.append('--json')
        c['options'] = opts
        c['valued'] = valued
        out.append(c)
    _commands = out
    return out


def split(line):
    """LINE split as the library splits a command line (shell words, quotes)."""
    return shlex.split(line, posix=True)


def join(words):
    return ' '.join(w if w and all(ch.isalnum() or ch in '-_./:+$[]<>,@=%*?' for ch in w) else shlex.quote(w)
                    for w in words)


def rewrite_addr_arg(cmd, words, evaluate):
    """WORDS (the arguments of command CMD, a commands() entry) with the first
    positional argument replaced by EVALUATE(text) when CMD takes an address:
    every non-option word is joined into one expression (so "$rsi + 8" needs
    no quotes).  EVALUATE returns the replacement text, or the text unchanged."""
    if not cmd['addr_args']:
        return words
    pos, rest, i = [], [], 0
    first = None
    while i < len(words):
        w = words[i]
        if w.startswith('--') and len(w) > 2:
            rest.append(w)
            if w in cmd['valued'] and i + 1 < len(words):
                rest.append(words[i + 1])
                i += 1
        else:
            if first is None:
                first = len(rest)
            pos.append(w)
        i += 1
    if not pos:
        return words
    expr = ' '.join(pos)
    return rest[:first] + [evaluate(expr)] + rest[first:]


def command_line(cmd, arg, evaluate):
    """The library's command line for command CMD (a commands() entry) typed
    in a debugger with the argument text ARG.  For a command that takes an
    address, the words of ARG that are not options (split at white space only,
    quotes kept) are one debugger expression, replaced by EVALUATE(text): its
    value in hex, or the text unchanged when it is not an address (a class
    name).  Everything else is passed as typed."""
    arg = arg.strip()
    if cmd['addr_args'] and arg:
        words = arg.split()
        new = rewrite_addr_arg(cmd, words, evaluate)
        if new != words:
            arg = ' '.join(new)
    return cmd['name'] + (' ' + arg if arg else '')


def maps_line(start, end, offset, path, perms='r--p'):
    """One line of /proc/PID/maps text."""
    return f'{start:x}-{end:x} {perms} {offset:08x} 00:00 0' + (f' {path}' if path else '') + '\n'


class Session:
    """One aot_session: an archive file set, or a process or core attached
    through a debugger's memory reads."""

    def __init__(self, lib=None):
        self.lib = lib or load_library()
        self.ptr = self.lib.aot_fe_new()
        if not self.ptr:
            raise Error('out of memory')
        self._cb = None        # the ctypes callback must live as long as the session
        self._read = None
        self.last_read_error = None

    def close(self):
        if self.ptr:
            self.lib.aot_fe_destroy(self.ptr)
            self.ptr = None
        self._cb = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _check(self, status, err, output=''):
        if status:
            raise Error(_take(self.lib, err) or f'failed (status {status})', status, output)

    def option(self, name, value):
        err = ctypes.c_void_p()
        self._check(self.lib.aot_fe_option(self.ptr, _enc(name), _enc(value), ctypes.byref(err)), err)

    def open(self, path):
        err = ctypes.c_void_p()
        self._check(self.lib.aot_fe_open(self.ptr, _enc(path), ctypes.byref(err)), err)

    def _reader(self, read):
        """The C callback around READ(addr, size) -> bytes: a failed read is
        retried page by page, so a read stops short at the first unreadable page;
        nothing raised ever crosses into C."""
        def cb(_arg, addr, dst, size):
            try:
                try:
                    data = read(addr, size)
                except Exception:
                    data = b''
                    a, end = addr, addr + size
                    while a < end:
                        n = min(end, (a // PAGE + 1) * PAGE) - a
                        try:
                            chunk = read(a, n)
                        except Exception as e:
                            self.last_read_error = e
                            break
                        data += bytes(chunk)
                        if len(chunk) < n:
                            break
                        a += n
                    if not data:
                        return -1
                data = bytes(data)[:size]
                ctypes.memmove(dst, data, len(data))
                return len(data)
            except BaseException as e:  # noqa: B036 - never into C
                try:
                    self.last_read_error = e
                except BaseException:
                    pass
                return -1
        return READ_FN(cb)

    def attach(self, pid=0, core=None, read=None, maps=None):
        """Attach to a process (PID) or core (CORE, or READ and MAPS for a core a
        debugger has open); READ(addr, size) -> bytes gives the memory when given."""
        err = ctypes.c_void_p()
        self._cb = self._reader(read) if read else READ_FN()
        self._read = read
        self._check(self.lib.aot_fe_attach(self.ptr, int(pid or 0), _enc(core), self._cb, None, _enc(maps),
                                           ctypes.byref(err)), err)

    def flush(self):
        self.lib.aot_fe_flush(self.ptr)

    def run(self, line):
        """Run one command line; returns its output, raises Error (with .output)."""
        out, err = ctypes.c_void_p(), ctypes.c_void_p()
        st = self.lib.aot_fe_run(self.ptr, _enc(line), ctypes.byref(out), ctypes.byref(err))
        text = _take(self.lib, out)
        self._check(st, err, text)
        return text

    def describe(self, addr):
        """The name of the archived object at ADDR, or None."""
        out, err = ctypes.c_void_p(), ctypes.c_void_p()
        st = self.lib.aot_fe_describe(self.ptr, ctypes.c_uint64(addr & (2**64 - 1)), ctypes.byref(out),
                                      ctypes.byref(err))
        _take(self.lib, err)
        text = _take(self.lib, out)
        return text if st == 0 and text else None

    def find_klass(self, name):
        addr, err = ctypes.c_uint64(), ctypes.c_void_p()
        self._check(self.lib.aot_fe_find_klass(self.ptr, _enc(name), ctypes.byref(addr), ctypes.byref(err)), err)
        return addr.value
