package dev.jbox.arch;

import java.util.Locale;
import java.util.Optional;

/**
 * The syscall ABIs jbox knows: their {@code AUDIT_ARCH_*} value (what {@code seccomp_data.arch}
 * holds), their register width, their syscall numbering and their syscall table.
 *
 * <p>x32 is listed so that filters can recognise (and reject) it: its calls arrive with
 * {@code AUDIT_ARCH_X86_64} and {@code nr | 0x40000000}.
 */
public enum Arch {
    X86_64("x86_64", 0xC000003E, true, 0, true),
    X32("x32", 0xC000003E, true, 0x40000000, false),
    I386("i386", 0x40000003, false, 0, false),
    AARCH64("aarch64", 0xC00000B7, true, 0, true),
    ARM("arm", 0x40000028, false, 0, false),
    RISCV64("riscv64", 0xC00000F3, true, 0, true);

    public static final int X32_SYSCALL_BIT = 0x40000000;

    private final String id;
    private final int auditArch;
    private final boolean is64Bit;
    private final int nrBase;
    private final boolean nativeCapable;
    /** Loaded on first use: most runs need one or two of the six tables. */
    private volatile SyscallTable syscalls;

    Arch(String id, int auditArch, boolean is64Bit, int nrBase, boolean nativeCapable) {
        this.id = id;
        this.auditArch = auditArch;
        this.is64Bit = is64Bit;
        this.nrBase = nrBase;
        this.nativeCapable = nativeCapable;
    }

    /** "x86_64", "x32", "i386", "aarch64", "arm" or "riscv64". */
    public String id() {
        return id;
    }

    /** The {@code AUDIT_ARCH_*} constant the kernel puts in {@code seccomp_data.arch}. */
    public int auditArch() {
        return auditArch;
    }

    /**
     * Whether syscall arguments reach seccomp as 64-bit registers (x32 included: it passes
     * 64-bit registers). False for I386 and ARM, whose arguments are all 32 bits.
     */
    public boolean is64Bit() {
        return is64Bit;
    }

    /** Added to every table number to get the number seccomp sees: 0x40000000 for X32, else 0. */
    public int nrBase() {
        return nrBase;
    }

    /** The 32-bit ABI a process of this architecture can also call: X86_64 → I386, AARCH64 → ARM. */
    public Optional<Arch> compat() {
        return switch (this) {
            case X86_64 -> Optional.of(I386);
            case AARCH64 -> Optional.of(ARM);
            default -> Optional.empty();
        };
    }

    /** Whether jbox can run as a native process of this ABI (X86_64, AARCH64, RISCV64). */
    public boolean isNativeCapable() {
        return nativeCapable;
    }

    /** This ABI's syscall table, loaded from the class path on first call and then cached. */
    public SyscallTable syscalls() {
        SyscallTable t = syscalls;
        if (t == null) {
            synchronized (this) {
                t = syscalls;
                if (t == null) {
                    t = SyscallTable.load(this);
                    syscalls = t;
                }
            }
        }
        return t;
    }

    /**
     * Every syscall name any of jbox's ABIs knows, reserved numbers included: the names a
     * profile may use. A name missing on one ABI is skipped there when compiling.
     */
    public static java.util.Set<String> allSyscallNames() {
        return AllNames.NAMES;
    }

    private static final class AllNames {
        static final java.util.Set<String> NAMES = collect();

        private static java.util.Set<String> collect() {
            java.util.Set<String> out = new java.util.TreeSet<>();
            for (Arch a : values()) {
                for (Syscall s : a.syscalls().all()) {
                    out.add(s.name());
                }
                out.addAll(a.syscalls().reservedNames());
            }
            return java.util.Collections.unmodifiableSet(out);
        }
    }

    /**
     * The architecture of the running JVM, from {@code os.arch}.
     *
     * @throws IllegalStateException if it is not x86_64, aarch64 or riscv64
     */
    public static Arch host() {
        return fromOsArch(System.getProperty("os.arch", ""));
    }

    static Arch fromOsArch(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64" -> AARCH64;
            case "riscv64" -> RISCV64;
            default -> throw new IllegalStateException(
                    "unsupported host architecture '" + osArch + "' (jbox runs on x86_64, aarch64 and riscv64)");
        };
    }

    /**
     * The architecture with this id, or one of the aliases "amd64", "x86-64" (X86_64),
     * "arm64" (AARCH64), "x86", "i686" (I386), "armhf" (ARM). Case-insensitive.
     */
    public static Optional<Arch> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (id.trim().toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64", "x86-64" -> X86_64;
            case "x32" -> X32;
            case "i386", "x86", "i686" -> I386;
            case "aarch64", "arm64" -> AARCH64;
            case "arm", "armhf" -> ARM;
            case "riscv64" -> RISCV64;
            default -> null;
        });
    }
}
