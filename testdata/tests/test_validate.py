"""aot-validate passes on every archive a real JVM wrote, and did check something."""
from harness import test, check, run, each_archive


@test
def test_validate_passes_on_the_corpus():
    each_archive('validate', validate, need_map=False)


def validate(jdk, kind, archive, mapfile):
    st, out, err = run([archive, '-c', 'aot-validate'])
    oks = [l for l in out.splitlines() if l.strip().startswith('ok ')]
    fails = [l for l in out.splitlines() if l.strip().startswith('FAIL')]
    # Header CRC, one CRC per region, placements and at least the rw and ro pointer maps.
    check(f'validate {jdk}/{kind}: {len(oks)} checks pass', st == 0 and not fails and len(oks) >= 10,
          f'status {st}; {fails[:3]} {err.strip()}')
