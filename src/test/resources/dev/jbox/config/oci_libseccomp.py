"""Build libseccomp's filter for a Docker/OCI seccomp profile, the way moby + runc do.

Used by OciDifferentialTest: jbox translates the same JSON into its own policy and
compiler; both programs then run through jbox's emulator. This script shares nothing with
jbox's Java code: it evaluates the profile the way the container runtimes do.

  * moby (profiles/seccomp): archMap -> the native architecture's entry and its
    subArchitectures; includes/excludes evaluated for the given Go arch, the given
    kernel release and the given capability set (jbox sandboxes have none).
  * runc (libcontainer/seccomp): SCMP_ACT_ERRNO/TRACE without errnoRet -> EPERM;
    SCMP_ACT_KILL -> KILL_THREAD; an entry whose action equals the default is skipped;
    a name libseccomp cannot resolve is skipped; several conditions on one argument in
    an entry become one rule each; add_rule (not _exactly); CTL_OPTIMIZE as asked.
  * libseccomp 2.5.4 (Debian's python3-seccomp) builds and exports the BPF.

Usage:
  oci_libseccomp.py PROFILE.json OUT.bpf [--goarch amd64] [--kernel 6.1] [--optimize 1|2]
  oci_libseccomp.py --probe ARCH NR...   prints the numbers (of ARCH: x86_64, x86, x32)
                                          that libseccomp 2.5.4 has no name for
Exit status: 0 ok; 2 bad input; 3 no seccomp module; 4 libseccomp refused (message on stderr).
"""
import json
import re
import sys

try:
    import seccomp
except ImportError as e:
    print("cannot import seccomp: %s" % e, file=sys.stderr)
    sys.exit(3)

ARCHES = {
    "X86": seccomp.Arch.X86, "X86_64": seccomp.Arch.X86_64, "X32": seccomp.Arch.X32,
    "ARM": seccomp.Arch.ARM, "AARCH64": seccomp.Arch.AARCH64, "RISCV64": seccomp.Arch.RISCV64,
}
NATIVE = {"amd64": "X86_64", "arm64": "AARCH64"}
OPS = {
    "SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT, "SCMP_CMP_LE": seccomp.LE,
    "SCMP_CMP_EQ": seccomp.EQ, "SCMP_CMP_GE": seccomp.GE, "SCMP_CMP_GT": seccomp.GT,
    "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ,
}
EPERM = 1


def action(name, errno):
    if name in ("SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"):
        return seccomp.KILL
    if name == "SCMP_ACT_KILL_PROCESS":
        return seccomp.KILL_PROCESS
    if name == "SCMP_ACT_TRAP":
        return seccomp.TRAP
    if name == "SCMP_ACT_ALLOW":
        return seccomp.ALLOW
    if name == "SCMP_ACT_LOG":
        return seccomp.LOG
    if name == "SCMP_ACT_ERRNO":
        return seccomp.ERRNO(EPERM if errno is None else errno)
    if name == "SCMP_ACT_TRACE":
        return seccomp.TRACE(EPERM if errno is None else errno)
    raise ValueError("unsupported action %r" % name)


def kernel_ge(release, want):
    have = re.match(r"(\d+)\.(\d+)", release)
    w = re.fullmatch(r"(\d+)\.(\d+)", want)
    return (int(have.group(1)), int(have.group(2))) >= (int(w.group(1)), int(w.group(2)))


def applies(call, goarch, kernel, caps):
    ex = call.get("excludes") or {}
    inc = call.get("includes") or {}
    if ex.get("arches") and goarch in ex["arches"]:
        return False
    for c in ex.get("caps") or []:
        if c in caps:
            return False
    if ex.get("minKernel") and kernel_ge(kernel, ex["minKernel"]):
        return False
    if inc.get("arches") and goarch not in inc["arches"]:
        return False
    for c in inc.get("caps") or []:
        if c not in caps:
            return False
    if inc.get("minKernel") and not kernel_ge(kernel, inc["minKernel"]):
        return False
    return True


def build(profile, goarch, kernel, optimize):
    if "linux" in profile:
        profile = profile["linux"]["seccomp"]
    native = NATIVE[goarch]
    default = action(profile["defaultAction"], profile.get("defaultErrnoRet"))
    f = seccomp.SyscallFilter(default)
    arches = list(profile.get("architectures") or [])
    for m in profile.get("archMap") or []:
        if m["architecture"] == "SCMP_ARCH_" + native:
            arches.append(m["architecture"])
            arches.extend(m.get("subArchitectures") or [])
    for a in arches:
        a = a[len("SCMP_ARCH_"):]
        if a in ARCHES and a != native:
            try:
                f.add_arch(ARCHES[a])
            except Exception:
                pass  # already there
    f.set_attr(seccomp.Attr.CTL_OPTIMIZE, optimize)
    for i, call in enumerate(profile.get("syscalls") or []):
        if not applies(call, goarch, kernel, set()):
            continue
        act = action(call["action"], call.get("errnoRet"))
        if act == default:
            continue
        names = list(call.get("names") or [])
        if call.get("name"):
            names.append(call["name"])
        conds = []
        counts = {}
        for c in call.get("args") or []:
            conds.append(seccomp.Arg(c["index"], OPS[c["op"]], c["value"], c.get("valueTwo", 0)))
            counts[c["index"]] = counts.get(c["index"], 0) + 1
        for name in names:
            nr = seccomp.resolve_syscall(seccomp.Arch.NATIVE, name)
            if nr == -1:
                continue  # runc: unknown to libseccomp, ignored
            try:
                if not conds:
                    f.add_rule(act, name)
                elif max(counts.values()) > 1:
                    for c in conds:
                        f.add_rule(act, name, c)
                else:
                    f.add_rule(act, name, *conds)
            except Exception as e:
                raise RuntimeError("syscalls[%d] %s: %s" % (i, name, e))
    return f


def probe(arch, nrs):
    arch = ARCHES[arch.upper()]
    bad = []
    for nr in nrs:
        try:
            name = seccomp.resolve_syscall(arch, nr)
        except Exception:
            name = None
        if not name:
            bad.append(nr)
    print(json.dumps(bad))


def main(argv):
    seccomp.set_api(6)
    if argv and argv[0] == "--probe":
        probe(argv[1], [int(x) for x in argv[2:]])
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    goarch, kernel, optimize = "amd64", "6.1", 1
    rest = argv[2:]
    while rest:
        k, v, rest = rest[0], rest[1], rest[2:]
        if k == "--goarch":
            goarch = v
        elif k == "--kernel":
            kernel = v
        elif k == "--optimize":
            optimize = int(v)
    try:
        with open(argv[0]) as fh:
            profile = json.load(fh)
    except ValueError as e:
        print("bad JSON: %s" % e, file=sys.stderr)
        return 2
    try:
        f = build(profile, goarch, kernel, optimize)
    except (KeyError, ValueError, TypeError) as e:
        print("bad profile: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 2
    except Exception as e:
        print("libseccomp refused: %s" % e, file=sys.stderr)
        return 4
    with open(argv[1], "wb") as out:
        f.export_bpf(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
