"""aotdbg in lldb: every aot-* command of libaotdbg.so, on the process or core
lldb has open, or on archive files (aot-open).

    (lldb) command script import /path/to/aotdbg/lldb/aotdbg_lldb.py
    (lldb) aot-regions
    (lldb) aot-print-klass $rsi

The commands keep their gdb names: lldb 14 accepts '-' in command names.
The library is build/libaotdbg.so beside this directory, the installed
PREFIX/lib/libaotdbg.so, or $AOTDBG_LIB.  Debian's lldb 14 needs
PYTHONPATH=/usr/lib/llvm-14/lib/python3.11/dist-packages (see
docs/frontends.md).  Only ever reads the inferior: address expressions are
evaluated without running code in it.
"""
import os
import sys

import lldb

_HERE = os.path.dirname(os.path.abspath(os.path.expanduser(__file__)))
for _d in (os.environ.get('AOTDBG_PYTHON'), os.path.join(_HERE, '..', 'plugin', 'python'),
           os.path.join(_HERE, '..', 'python')):
    if _d and os.path.exists(os.path.join(_d, 'aotdbg_native.py')):
        if _d not in sys.path:
            sys.path.insert(0, _d)
        break

import aotdbg_native as native  # noqa: E402



class _State:
    session = None
    key = None
    files = None
    options = {}
    process = None


def _process_key(debugger):
    target = debugger.GetSelectedTarget()
    process = target.GetProcess() if target and target.IsValid() else None
    if not process or not process.IsValid() or process.GetState() in (lldb.eStateInvalid, lldb.eStateExited,
                                                                       lldb.eStateDetached, lldb.eStateUnloaded):
        return None, None
    plugin = process.GetPluginName() or ''
    kind = 'core' if 'core' in plugin else 'live'
    return (kind, process.GetProcessID(), process.GetUniqueID()), process


def _maps_text(process):
    """The memory regions lldb knows (for a core, its PT_LOAD and file notes) as /proc/PID/maps text."""
    out = []
    regions = process.GetMemoryRegions()
    info = lldb.SBMemoryRegionInfo()
    for i in range(regions.GetSize()):
        if not regions.GetMemoryRegionAtIndex(i, info) or not info.IsMapped():
            continue
        perms = ('r' if info.IsReadable() else '-') + ('w' if info.IsWritable() else '-') + \
                ('x' if info.IsExecutable() else '-') + 'p'
        out.append(native.maps_line(info.GetRegionBase(), info.GetRegionEnd(), 0, info.GetName() or '', perms))
    return ''.join(out)


def _drop():
    if _State.session is not None:
        _State.session.close()
    _State.session = _State.key = _State.process = None


def session(debugger):
    if _State.files is not None:
        key, process = ('files',) + tuple(_State.files), None
    else:
        key, process = _process_key(debugger)
        if key is None:
            raise native.Error('no process or core file: attach to a JVM (process attach --pid PID), '
                               'open a core (target create JAVA --core CORE), or aot-open ARCHIVE...')
    if _State.session is not None and _State.key == key:
        return _State.session   # each command reads the process afresh (the library flushes)
    _drop()
    s = native.Session(native.load_library(_HERE))

    def read(addr, size):
        err = lldb.SBError()
        data = process.ReadMemory(addr, size, err)
        if not err.Success() or data is None:
            raise OSError(err.GetCString() or 'unreadable')
        return data

    try:
        for k, v in _State.options.items():
            s.option(k, v)
        if key[0] == 'files':
            for f in key[1:]:
                s.open(f)
        elif key[0] == 'live':
            s.attach(pid=key[1], read=read)
        else:
            s.attach(pid=0, read=read, maps=_maps_text(process))
    except BaseException:
        s.close()
        raise
    _State.session, _State.key, _State.process = s, key, process
    return s


def _evaluate_in(exe_ctx):
    def evaluate(expr):
        try:
            return hex(int(expr, 0) & (2**64 - 1))
        except ValueError:
            pass
        try:
            frame = exe_ctx.GetFrame()
            target = exe_ctx.GetTarget()
            if not frame or not frame.IsValid():
                return expr
            opts = lldb.SBExpressionOptions()
            opts.SetAllowJIT(False)          # never run code in the inferior
            opts.SetTryAllThreads(False)
            opts.SetIgnoreBreakpoints(True)
            opts.SetUnwindOnError(True)
            if hasattr(opts, 'SetGenerateDebugInfo'):
                opts.SetGenerateDebugInfo(False)
            v = frame.EvaluateExpression(expr, opts) if frame else target.EvaluateExpression(expr, opts)
            if v and v.IsValid() and v.GetError().Success():
                t = v.GetType().GetCanonicalType()
                if t.IsPointerType() or t.GetBasicType() != lldb.eBasicTypeInvalid:
                    return hex(v.GetValueAsUnsigned() & (2**64 - 1))
        except Exception:
            pass
        return expr
    return evaluate


def _finish(result, text=None, error=None):
    if text:
        result.PutCString(text)
    if error is not None:
        result.SetError(error)
        result.SetStatus(lldb.eReturnStatusFailed)
    else:
        result.SetStatus(lldb.eReturnStatusSuccessFinishResult if text else lldb.eReturnStatusSuccessFinishNoResult)


class AotCommand:
    """Base of the aot-* command classes (one per library command, made below)."""
    cmd = None

    def __init__(self, debugger, internal_dict):
        pass

    def get_short_help(self):
        return self.cmd['summary']

    def get_long_help(self):
        c = self.cmd
        doc = f'{c["summary"]}\nUsage: {c["usage"]}\n\n{c["help"]}\n\nExample:\n  {c["example"]}\n'
        if c['addr_args']:
            doc += ('\nIn lldb, ADDR is an expression ($rsi, 0x800e8bc8), evaluated without running code; '
                    'text that is not one (a class name) is passed as it is.\n')
        return doc

    def __call__(self, debugger, command, exe_ctx, result):
        try:
            line = native.command_line(self.cmd, command, _evaluate_in(exe_ctx))
            s = session(debugger)
            _finish(result, s.run(line))
        except native.Error as e:
            _finish(result, e.output, e.message)
        except Exception as e:  # never a traceback
            _finish(result, None, f'{type(e).__name__}: {e}')


class AotOpen:
    def __init__(self, debugger, internal_dict):
        pass

    def get_short_help(self):
        return 'open CDS archive or AOT cache files instead of the process: aot-open FILE...'

    def get_long_help(self):
        return ('Usage: aot-open FILE...    the aot-* commands decode these files (no process)\n'
                '       aot-open            back to the process or core lldb has open\n')

    def __call__(self, debugger, command, exe_ctx, result):
        try:
            files = [os.path.expanduser(f) for f in native.split(command)]
            _drop()
            _State.files = files or None
            if files:
                session(debugger)
            _finish(result)
        except (native.Error, ValueError) as e:
            _State.files = None
            _finish(result, None, getattr(e, 'message', str(e)))


class AotSet:
    def __init__(self, debugger, internal_dict):
        pass

    def get_short_help(self):
        return 'set an aotdbg option for the next session: aot-set OPTION VALUE'

    def get_long_help(self):
        return ('Usage: aot-set OPTION VALUE  (aot-set OPTION unsets it; aot-set alone lists them)\n\n'
                'OPTION: ' + ', '.join(native.options()) + ' (the CLI\'s long options).\n')

    def __call__(self, debugger, command, exe_ctx, result):
        try:
            argv = native.split(command)
            if not argv:
                _finish(result, ''.join(f'{k} {_State.options[k]}\n' for k in native.options() if k in _State.options))
                return
            if argv[0] not in native.options():
                raise native.Error(f"no option '{argv[0]}' (one of {', '.join(native.options())})")
            if len(argv) == 1:
                _State.options.pop(argv[0], None)
            else:
                value = ' '.join(argv[1:])
                native.Session(native.load_library(_HERE)).option(argv[0], value)
                _State.options[argv[0]] = value
            _drop()
            _finish(result)
        except (native.Error, ValueError) as e:
            _finish(result, None, getattr(e, 'message', str(e)))


def __lldb_init_module(debugger, internal_dict):
    try:
        cmds = native.commands(native.load_library(_HERE))
    except native.Error as e:
        print(f'aotdbg: {e.message}', file=sys.stderr)
        return
    mod = sys.modules[__name__]
    for c in cmds:
        cls_name = 'Aot_' + c['name'].replace('-', '_')
        setattr(mod, cls_name, type(cls_name, (AotCommand,), {'cmd': c}))
        debugger.HandleCommand(f'command script add -o -c {__name__}.{cls_name} {c["name"]}')
    debugger.HandleCommand(f'command script add -o -c {__name__}.AotOpen aot-open')
    debugger.HandleCommand(f'command script add -o -c {__name__}.AotSet aot-set')
