package dev.jbox.arch;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The syscall ABIs jbox knows, and every fact about them that the rest of jbox needs: the
 * {@code AUDIT_ARCH_*} value (what {@code seccomp_data.arch} holds), register width, byte
 * order, syscall numbering and table, the compat partner, and the names other tools give them
 * (libseccomp / OCI, Go's {@code GOARCH}, Java's {@code os.arch}). Nothing outside this file
 * spells these values: a test greps the main sources for them.
 *
 * <p>x32 is listed so that filters can recognise (and reject) it: its calls arrive with
 * {@code AUDIT_ARCH_X86_64} and {@code nr | }{@link #X32_SYSCALL_BIT}.
 */
public enum Arch {
    X86_64("x86_64", 0xC000003E, true, 0, true, "SCMP_ARCH_X86_64", "amd64",
            List.of("amd64", "x86_64"), List.of("x86-64")),
    X32("x32", 0xC000003E, true, Arch.X32_SYSCALL_BIT, false, "SCMP_ARCH_X32", null,
            List.of(), List.of()),
    I386("i386", 0x40000003, false, 0, false, "SCMP_ARCH_X86", "386",
            List.of("x86", "i386"), List.of("x86", "i686")),
    AARCH64("aarch64", 0xC00000B7, true, 0, true, "SCMP_ARCH_AARCH64", "arm64",
            List.of("aarch64"), List.of()),
    ARM("arm", 0x40000028, false, 0, false, "SCMP_ARCH_ARM", "arm",
            List.of("arm"), List.of("armhf")),
    RISCV64("riscv64", 0xC00000F3, true, 0, true, "SCMP_ARCH_RISCV64", "riscv64",
            List.of("riscv64"), List.of());

    /**
     * The kernel's {@code __X32_SYSCALL_BIT}: x32 calls arrive with x86_64's audit value and
     * this bit set in {@code nr}, so every x86_64 filter must treat numbers from here up (bar
     * {@code 0xFFFFFFFF}, the "skip this call" number tracers use) as x32.
     */
    public static final int X32_SYSCALL_BIT = 0x40000000;

    /** {@code __AUDIT_ARCH_LE} (include/uapi/linux/audit.h): set in the audit value of little-endian ABIs. */
    private static final int AUDIT_ARCH_LE = 0x40000000;

    private final String id;
    private final int auditArch;
    private final boolean is64Bit;
    private final int nrBase;
    private final boolean nativeCapable;
    private final String libseccompName;
    private final Optional<String> goArch;
    private final List<String> osArchNames;
    private final List<String> aliases;
    /** Loaded on first use: most runs need one or two of the six tables. */
    private volatile SyscallTable syscalls;

    Arch(String id, int auditArch, boolean is64Bit, int nrBase, boolean nativeCapable, String libseccompName,
         String goArch, List<String> osArchNames, List<String> aliases) {
        this.id = id;
        this.auditArch = auditArch;
        this.is64Bit = is64Bit;
        this.nrBase = nrBase;
        this.nativeCapable = nativeCapable;
        this.libseccompName = libseccompName;
        this.goArch = Optional.ofNullable(goArch);
        this.osArchNames = osArchNames;
        this.aliases = aliases;
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

    /**
     * The byte order of this ABI's {@code seccomp_data} words and {@code struct sock_filter}
     * fields, read off the audit value's {@code __AUDIT_ARCH_LE} bit (little-endian for all six).
     */
    public ByteOrder byteOrder() {
        return (auditArch & AUDIT_ARCH_LE) != 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    /**
     * Whether {@code nr}, a {@code seccomp_data.nr} read as unsigned 32 bits, is an x32 call
     * when it arrives with x86_64's audit value: at or above {@link #X32_SYSCALL_BIT}, except
     * {@code 0xFFFFFFFF} (-1, which tracers use to skip a call).
     */
    public static boolean isX32Number(long nr) {
        long u = nr & 0xFFFFFFFFL;
        return u >= X32_SYSCALL_BIT && u != 0xFFFFFFFFL;
    }

    /** Added to every table number to get the number seccomp sees: {@link #X32_SYSCALL_BIT} for X32, else 0. */
    public int nrBase() {
        return nrBase;
    }

    /**
     * libseccomp's name for this ABI, which OCI profiles use in {@code architectures} and
     * {@code archMap}: "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_X86", ...
     */
    public String libseccompName() {
        return libseccompName;
    }

    /** Go's {@code GOARCH} for this ABI ("amd64", "386", "arm64", "arm", "riscv64"); none for x32. */
    public Optional<String> goArch() {
        return goArch;
    }

    /**
     * Every spelling jbox accepts for this ABI, its id first: the id, its {@code GOARCH}, its
     * {@code os.arch} values and common aliases ("x86-64", "i686", "armhf"). Docker profiles'
     * {@code includes}/{@code excludes} "arches" use some of these.
     */
    public Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        out.add(id);
        goArch.ifPresent(out::add);
        out.addAll(osArchNames);
        out.addAll(aliases);
        return Collections.unmodifiableSet(out);
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
    public static Set<String> allSyscallNames() {
        return AllNames.NAMES;
    }

    private static final class AllNames {
        static final Set<String> NAMES = collect();

        private static Set<String> collect() {
            Set<String> out = new java.util.TreeSet<>();
            for (Arch a : values()) {
                for (Syscall s : a.syscalls().all()) {
                    out.add(s.name());
                }
                out.addAll(a.syscalls().reservedNames());
            }
            return Collections.unmodifiableSet(out);
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
        for (Arch a : values()) {
            if (a.nativeCapable && a.osArchNames.contains(osArch)) {
                return a;
            }
        }
        throw new IllegalStateException("unsupported host architecture '" + osArch + "' (jbox runs on "
                + String.join(", ", nativeIds()) + ")");
    }

    private static List<String> nativeIds() {
        return Arrays.stream(values()).filter(Arch::isNativeCapable).map(Arch::id).toList();
    }

    /**
     * The architecture with this id or one of its other {@link #names()} ("amd64", "x86-64",
     * "arm64", "386", "x86", "i686", "armhf"). Case-insensitive.
     */
    public static Optional<Arch> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String want = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.names().contains(want)).findFirst();
    }
}
