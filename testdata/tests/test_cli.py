"""The aotdbg command line: options, -c, --batch, help, exit statuses, JSON,
and the readline prompt (completion, history) driven through a pty."""
import json
import os
import pty
import select
import tempfile
import time

import harness
from harness import test, check, run, corpus, sanitizer_clean

COMMANDS = ('aot-header', 'aot-regions', 'aot-bitmap', 'aot-validate')


def an_archive(kind='static'):
    for jdk, k, archive, _ in corpus():
        if k == kind:
            return archive
    return None


@test
def test_help_and_usage():
    st, out, err = run(['--help'])
    check('cli: --help prints usage', st == 0 and 'usage: aotdbg' in out, err)
    st, out, err = run(['-c', 'help'])
    check('cli: help lists every command', st == 0 and all(c in out for c in COMMANDS), out + err)
    for c in COMMANDS:
        st, out, err = run(['-c', f'help {c}'])
        check(f'cli: help {c} has usage and an example', st == 0 and 'usage:' in out and 'example:' in out,
              out + err)
    st, out, err = run([])
    check('cli: no archive is an error', st == 2 and 'no archive' in err, err)
    st, out, err = run(['--bogus'])
    check('cli: an unknown option is an error', st == 2, err)


@test
def test_commands_and_exit_status():
    a = an_archive()
    if not check('cli: the corpus has a static archive', a is not None):
        return
    st, out, err = run([a, '-c', 'aot-nope'])
    check('cli: an unknown command is one error line, status 2',
          st == 2 and len(err.strip().splitlines()) == 1 and 'unknown command' in err, err)
    st, out, err = run([a, '-c', 'aot-regions', '-c', 'regions'])
    check('cli: commands run with or without the aot- prefix', st == 0 and out.count('rw ') >= 2, err)
    st, out, err = run([a, '--batch'], input='aot-regions\n# a comment\naot-validate\n')
    check('cli: --batch reads commands from standard input',
          st == 0 and 'address range' in out and 'header crc' in out, err)
    st, out, err = run([a, '-c', 'aot-bitmap'])
    check('cli: a missing argument is a usage error', st == 2 and 'usage' in err, err)
    st, out, err = run([a, '-c', 'aot-bitmap nosuch'])
    check('cli: an unknown region names the regions there are', st == 2 and 'rw' in err, err)
    for c in ('aot-header', 'aot-regions', 'aot-validate', 'aot-bitmap rw --list --limit 5',
              'aot-bitmap ro'):
        st, out, err = run([a, '--json', '-c', c])
        try:
            json.loads(out)
            ok = st == 0
        except ValueError as e:
            ok, err = False, f'{e}: {out[:200]}'
        check(f'cli: {c} --json is valid JSON', ok and sanitizer_clean(err), err)


def pty_session(args, keys, env):
    """Run aotdbg on a pty, type KEYS (a list of strings, with pauses), return the screen text."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(harness.AOTDBG, [harness.AOTDBG] + args, env)
    out = b''

    def drain(seconds):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                out += chunk
    drain(1.5)
    for k in keys:
        os.write(fd, k.encode())
        drain(0.8)
    drain(1.0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)
    return out.decode(errors='replace')


@test
def test_readline_prompt_completion_and_history():
    a = an_archive()
    if not a:
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp, XDG_STATE_HOME=os.path.join(tmp, 'state'), TERM='dumb',
                   ASAN_OPTIONS='detect_leaks=0')
        screen = pty_session([a], ['aot-reg\t\n', 'aot-bitmap r\t\t', '\x15', 'quit\n'], env)
        check('cli: the prompt appears', '(aotdbg)' in screen, screen[-500:])
        check('cli: tab completes a command name', 'aot-regions' in screen and 'address range' in screen,
              screen[-800:])
        check('cli: tab completes region names', 'rw' in screen and 'ro' in screen.split('aot-bitmap r', 1)[-1],
              screen[-500:])
        hist = os.path.join(tmp, 'state', 'aotdbg', 'history')
        text = open(hist).read() if os.path.exists(hist) else ''
        check('cli: history is kept in the XDG state directory', 'aot-regions' in text, f'history: {text!r}')
