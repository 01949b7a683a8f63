package dev.jbox.config;

import java.util.Map;
import java.util.OptionalLong;

/**
 * Symbolic values a profile may use in argument conditions, so that profiles read like
 * the C they guard ({@code CLONE_NEWUSER}, {@code TIOCSTI}, {@code AF_VSOCK}). Values
 * are those of Linux on x86 and arm, which share them. A value may combine names and
 * numbers with {@code |}.
 */
public final class SymbolicValues {
    private SymbolicValues() {
    }

    private static final Map<String, Long> VALUES = Map.ofEntries(
            // clone flags (linux/sched.h)
            Map.entry("CSIGNAL", 0x000000ffL), Map.entry("CLONE_VM", 0x00000100L),
            Map.entry("CLONE_FS", 0x00000200L), Map.entry("CLONE_FILES", 0x00000400L),
            Map.entry("CLONE_SIGHAND", 0x00000800L), Map.entry("CLONE_PIDFD", 0x00001000L),
            Map.entry("CLONE_PTRACE", 0x00002000L), Map.entry("CLONE_VFORK", 0x00004000L),
            Map.entry("CLONE_PARENT", 0x00008000L), Map.entry("CLONE_THREAD", 0x00010000L),
            Map.entry("CLONE_NEWNS", 0x00020000L), Map.entry("CLONE_SYSVSEM", 0x00040000L),
            Map.entry("CLONE_SETTLS", 0x00080000L), Map.entry("CLONE_PARENT_SETTID", 0x00100000L),
            Map.entry("CLONE_CHILD_CLEARTID", 0x00200000L), Map.entry("CLONE_UNTRACED", 0x00800000L),
            Map.entry("CLONE_CHILD_SETTID", 0x01000000L), Map.entry("CLONE_NEWCGROUP", 0x02000000L),
            Map.entry("CLONE_NEWUTS", 0x04000000L), Map.entry("CLONE_NEWIPC", 0x08000000L),
            Map.entry("CLONE_NEWUSER", 0x10000000L), Map.entry("CLONE_NEWPID", 0x20000000L),
            Map.entry("CLONE_NEWNET", 0x40000000L), Map.entry("CLONE_IO", 0x80000000L),
            Map.entry("CLONE_NEWTIME", 0x00000080L),
            // terminal ioctls (asm-generic/ioctls.h)
            Map.entry("TIOCSTI", 0x5412L), Map.entry("TIOCLINUX", 0x541CL),
            Map.entry("TIOCSCTTY", 0x540EL), Map.entry("TIOCSETD", 0x5423L),
            Map.entry("FIONREAD", 0x541BL), Map.entry("TCGETS", 0x5401L),
            // address families (linux/socket.h)
            Map.entry("AF_UNSPEC", 0L), Map.entry("AF_UNIX", 1L), Map.entry("AF_LOCAL", 1L),
            Map.entry("AF_INET", 2L), Map.entry("AF_AX25", 3L), Map.entry("AF_IPX", 4L),
            Map.entry("AF_APPLETALK", 5L), Map.entry("AF_NETROM", 6L), Map.entry("AF_BRIDGE", 7L),
            Map.entry("AF_ATMPVC", 8L), Map.entry("AF_X25", 9L), Map.entry("AF_INET6", 10L),
            Map.entry("AF_ROSE", 11L), Map.entry("AF_DECnet", 12L), Map.entry("AF_NETBEUI", 13L),
            Map.entry("AF_SECURITY", 14L), Map.entry("AF_KEY", 15L), Map.entry("AF_NETLINK", 16L),
            Map.entry("AF_PACKET", 17L), Map.entry("AF_ASH", 18L), Map.entry("AF_ECONET", 19L),
            Map.entry("AF_ATMSVC", 20L), Map.entry("AF_RDS", 21L), Map.entry("AF_SNA", 22L),
            Map.entry("AF_IRDA", 23L), Map.entry("AF_PPPOX", 24L), Map.entry("AF_WANPIPE", 25L),
            Map.entry("AF_LLC", 26L), Map.entry("AF_IB", 27L), Map.entry("AF_MPLS", 28L),
            Map.entry("AF_CAN", 29L), Map.entry("AF_TIPC", 30L), Map.entry("AF_BLUETOOTH", 31L),
            Map.entry("AF_IUCV", 32L), Map.entry("AF_RXRPC", 33L), Map.entry("AF_ISDN", 34L),
            Map.entry("AF_PHONET", 35L), Map.entry("AF_IEEE802154", 36L), Map.entry("AF_CAIF", 37L),
            Map.entry("AF_ALG", 38L), Map.entry("AF_NFC", 39L), Map.entry("AF_VSOCK", 40L),
            Map.entry("AF_KCM", 41L), Map.entry("AF_QIPCRTR", 42L), Map.entry("AF_SMC", 43L),
            Map.entry("AF_XDP", 44L), Map.entry("AF_MCTP", 45L),
            // personality (linux/personality.h)
            Map.entry("PER_LINUX", 0L), Map.entry("PER_LINUX32", 0x0008L),
            Map.entry("UNAME26", 0x0020000L), Map.entry("ADDR_NO_RANDOMIZE", 0x0040000L),
            Map.entry("FDPIC_FUNCPTRS", 0x0080000L), Map.entry("MMAP_PAGE_ZERO", 0x0100000L),
            Map.entry("ADDR_COMPAT_LAYOUT", 0x0200000L), Map.entry("READ_IMPLIES_EXEC", 0x0400000L),
            Map.entry("ADDR_LIMIT_32BIT", 0x0800000L), Map.entry("SHORT_INODE", 0x1000000L),
            Map.entry("WHOLE_SECONDS", 0x2000000L), Map.entry("STICKY_TIMEOUTS", 0x4000000L),
            Map.entry("ADDR_LIMIT_3GB", 0x8000000L),
            // prctl / misc
            Map.entry("PR_SET_NO_NEW_PRIVS", 38L), Map.entry("PR_SET_SECCOMP", 22L),
            Map.entry("PTRACE_TRACEME", 0L), Map.entry("PTRACE_ATTACH", 16L), Map.entry("PTRACE_SEIZE", 0x4206L));

    /** A name, a decimal or 0x-hex number, or several of them joined by {@code |}. */
    public static OptionalLong parse(String text) {
        long v = 0;
        for (String part : text.split("\\|", -1)) {
            String p = part.strip();
            if (p.isEmpty()) {
                return OptionalLong.empty();
            }
            Long named = VALUES.get(p);
            if (named != null) {
                v |= named;
                continue;
            }
            try {
                if (p.startsWith("0x") || p.startsWith("0X")) {
                    v |= Long.parseUnsignedLong(p.substring(2), 16);
                } else if (p.startsWith("-")) {
                    v |= Long.parseLong(p);
                } else {
                    v |= Long.parseUnsignedLong(p);
                }
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(v);
    }

    public static java.util.Set<String> names() {
        return VALUES.keySet();
    }
}
