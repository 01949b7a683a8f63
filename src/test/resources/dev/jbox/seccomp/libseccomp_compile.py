"""Compile a seccomp policy with libseccomp (Debian's python3-seccomp, libseccomp 2.5.4).

Used by DifferentialLibseccompTest and scripts/bench-filter to build libseccomp's program
for the same policy jbox compiles, so both can be run through jbox's emulator.

Usage:
  libseccomp_compile.py [OUT]     stdin: one policy (JSON, below); the raw BPF
                                  (struct sock_filter[], host order, as export_bpf writes
                                  it) goes to OUT, or to stdout when OUT is absent or "-".
  libseccomp_compile.py --batch DIR
                                  stdin: {"policies": [policy, ...]}; policy i is written
                                  to DIR/i.bpf, or its error (one line) to DIR/i.err.
  libseccomp_compile.py --probe   stdin: {"arches": {"aarch64": [nr, ...], ...}}; prints
                                  {"arches": {"aarch64": [nr, ...]}}: the numbers for which
                                  libseccomp cannot add a rule on that arch (see below).

Policy:
  {"default": RET, "native_arch": "x86_64"|"aarch64"|"riscv64", "extra_arches": ["x86"]|["arm"]|[],
   "bad_arch": RET, "optimize": 1|2,
   "rules": [{"nr": {ARCH: NR, ...}, "action": RET,
              "args": [{"arg": 0..5, "op": "EQ"|"NE"|"LT"|"LE"|"GT"|"GE"|"MASKED_EQ",
                        "value": U64, "mask": U64}]}]}
  RET is a SECCOMP_RET_* value (u32). ARCH is "x86_64", "aarch64", "riscv64", "x86" or "arm". A rule is
  added on every arch its "nr" map names (so per-arch numbers are explicit), with
  add_rule_exactly: libseccomp neither rewrites it nor adds socketcall/ipc variants.

Facts about libseccomp 2.5.4 this script works around (and the test relies on):
  * add_rule_exactly() refuses a filter holding more than one arch, so each arch gets its
    own filter and they are merged (SyscallFilter.merge).
  * On a filter whose arch is not the host's (arch_def_native, x86_64 here), the syscall
    number given to add_rule_exactly() is read in the HOST's numbering and translated by
    name. So the target arch's number is resolved to its name with libseccomp's own table
    and the name back to the host's number (a negative pseudo-number when the host lacks
    the call, which libseccomp translates back). A number libseccomp 2.5.4 has no name for
    on that arch (calls newer than 2.5.4: open_tree_attr, mseal, lsm_*, listns, ...) cannot
    be added there: --probe lists those, and a policy naming one fails with exit status 4.
    On the host arch numbers are taken as given, known to libseccomp or not.
  * The API level is pinned (set_api(6)) so KILL_PROCESS and LOG are accepted whatever the
    kernel running the test supports: the program is exported, never loaded.

Exit status: 0 ok; 2 bad input; 3 the seccomp module is missing; 4 libseccomp refused.
"""
import json
import os
import sys

try:
    import seccomp
except ImportError as e:
    print("cannot import seccomp: %s" % e, file=sys.stderr)
    sys.exit(3)

ARCHES = {
    "x86_64": seccomp.Arch.X86_64,
    "aarch64": seccomp.Arch.AARCH64,
    "x86": seccomp.Arch.X86,
    "arm": seccomp.Arch.ARM,
    "riscv64": seccomp.Arch.RISCV64,
}
OPS = {
    "EQ": seccomp.EQ, "NE": seccomp.NE, "LT": seccomp.LT, "LE": seccomp.LE,
    "GT": seccomp.GT, "GE": seccomp.GE, "MASKED_EQ": seccomp.MASKED_EQ,
}
# system_arch() is unsigned, the Arch constants are signed: compare both as u32.
HOST = seccomp.system_arch() & 0xFFFFFFFF
# ... and the API takes the signed form.
HOST_ARCH = HOST - (1 << 32) if HOST >= (1 << 31) else HOST
U64 = (1 << 64) - 1


def ret(v):
    """A SECCOMP_RET_* value as the binding takes it: a signed 32-bit int."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= (1 << 31) else v


def is_host(arch):
    return (arch & 0xFFFFFFFF) == HOST


class Refused(Exception):
    pass


def _name(n):
    return n.decode("ascii") if isinstance(n, bytes) else n


def carrier(arch_name, nr):
    """The number to give add_rule_exactly() so that the rule lands on `nr` of the arch."""
    arch = ARCHES[arch_name]
    if is_host(arch):
        return nr
    try:
        name = _name(seccomp.resolve_syscall(arch, nr))
    except Exception:
        name = None
    if not name:
        raise Refused("libseccomp 2.5.4 has no name for %s syscall %d" % (arch_name, nr))
    host_nr = seccomp.resolve_syscall(HOST_ARCH, name)
    if seccomp.resolve_syscall(arch, name) != nr:
        raise Refused("libseccomp resolves %s syscall %d to %r, which it numbers %d"
                      % (arch_name, nr, name, seccomp.resolve_syscall(arch, name)))
    return host_nr


def new_filter(p, arch_name):
    f = seccomp.SyscallFilter(ret(p["default"]))
    arch = ARCHES[arch_name]
    if not is_host(arch):
        f.add_arch(arch)
        f.remove_arch(HOST_ARCH)
    f.set_attr(seccomp.Attr.ACT_BADARCH, ret(p["bad_arch"]))
    f.set_attr(seccomp.Attr.CTL_OPTIMIZE, p.get("optimize", 1))
    return f


def build(p):
    arches = [p["native_arch"]] + list(p.get("extra_arches", []))
    for a in arches:
        if a not in ARCHES:
            raise ValueError("unknown arch %r" % a)
    merged = None
    for a in arches:
        f = new_filter(p, a)
        for i, r in enumerate(p["rules"]):
            if a not in r["nr"]:
                continue
            nr = carrier(a, r["nr"][a])
            args = []
            for c in r.get("args", []):
                op = OPS[c["op"]]
                v = c["value"] & U64
                if op == seccomp.MASKED_EQ:
                    args.append(seccomp.Arg(c["arg"], op, c["mask"] & U64, v))
                else:
                    args.append(seccomp.Arg(c["arg"], op, v))
            try:
                f.add_rule_exactly(ret(r["action"]), nr, *args)
            except Exception as e:
                raise Refused("rule %d (%s nr %d, action 0x%08x, args %s): %s"
                              % (i, a, r["nr"][a], r["action"], r.get("args", []), e))
        if merged is None:
            merged = f
        else:
            merged.merge(f)
    return merged


def export(f, path):
    if path is None or path == "-":
        sys.stdout.flush()
        f.export_bpf(sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with open(path, "wb") as out:
            f.export_bpf(out)


def probe(req):
    out = {}
    for a, nrs in req["arches"].items():
        bad = []
        for nr in nrs:
            try:
                c = carrier(a, nr)
                f = seccomp.SyscallFilter(seccomp.ALLOW)
                if not is_host(ARCHES[a]):
                    f.add_arch(ARCHES[a])
                    f.remove_arch(HOST_ARCH)
                f.add_rule_exactly(seccomp.ERRNO(1), c)
            except Exception:
                bad.append(nr)
        out[a] = bad
    return {"arches": out}


def main(argv):
    seccomp.set_api(6)
    try:
        req = json.load(sys.stdin)
    except ValueError as e:
        print("bad JSON on stdin: %s" % e, file=sys.stderr)
        return 2
    if len(argv) >= 1 and argv[0] == "--probe":
        json.dump(probe(req), sys.stdout)
        return 0
    if len(argv) >= 2 and argv[0] == "--batch":
        d = argv[1]
        for i, p in enumerate(req["policies"]):
            try:
                export(build(p), os.path.join(d, "%d.bpf" % i))
            except Exception as e:
                with open(os.path.join(d, "%d.err" % i), "w") as err:
                    err.write("%s: %s\n" % (type(e).__name__, e))
        return 0
    try:
        f = build(req)
    except (KeyError, ValueError, TypeError) as e:
        print("bad policy: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 2
    except Exception as e:
        print("libseccomp refused: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 4
    export(f, argv[0] if argv else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
