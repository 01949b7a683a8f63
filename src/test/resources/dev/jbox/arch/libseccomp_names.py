"""Print every syscall name libseccomp resolves, per architecture, for LibseccompCrossCheckTest.

Output: one "<arch>\t<nr>\t<name>" line per resolved number, where <nr> is the number as
seccomp sees it (for x32 that includes __X32_SYSCALL_BIT, 0x40000000, which is also what
libseccomp's x32 resolver expects). Exit status 3 if the seccomp module is missing.
"""
import sys

try:
    import seccomp
except ImportError as e:
    print("cannot import seccomp: %s" % e, file=sys.stderr)
    sys.exit(3)

X32_SYSCALL_BIT = 0x40000000
ARCHES = [
    ("x86_64", seccomp.Arch.X86_64, 0),
    ("x32", seccomp.Arch.X32, X32_SYSCALL_BIT),
    ("x86", seccomp.Arch.X86, 0),
    ("arm", seccomp.Arch.ARM, 0),
    ("aarch64", seccomp.Arch.AARCH64, 0),
    ("riscv64", seccomp.Arch.RISCV64, 0),
]
NUMBERS = list(range(0, 1101)) + list(range(0x0F0000, 0x0F0011))

out = []
for label, arch, base in ARCHES:
    for n in NUMBERS:
        nr = n + base
        try:
            name = seccomp.resolve_syscall(arch, nr)
        except Exception:
            continue
        if isinstance(name, bytes):
            name = name.decode("ascii")
        if name:
            out.append("%s\t%d\t%s" % (label, nr, name))
sys.stdout.write("\n".join(out) + "\n")
