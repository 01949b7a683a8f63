package dev.jbox.review;

import dev.jbox.arch.Arch;
import dev.jbox.arch.Syscall;
import dev.jbox.config.ConfigException;
import dev.jbox.config.Profiles;
import dev.jbox.launch.Session;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a file the user is asked to trust allows that the default preset refuses ({@code jbox
 * trust}), found by running both programs on every syscall of this machine's ABI (arguments
 * zero, and each value the default's rules look at).
 */
public final class Widening {
    private Widening() {
    }

    /** The instructions of the file's filter (empty: it has none). */
    public static java.util.OptionalInt length(Session.TrustView v) {
        return v.program().map(p -> java.util.OptionalInt.of(p.length())).orElse(java.util.OptionalInt.empty());
    }

    /**
     * The calls the file's filter allows beyond the default preset: names, with the argument
     * that matters ("ioctl(arg1=0x5412)"); empty when nothing. A file without a filter allows
     * everything: then the one entry "everything minimal refuses".
     */
    public static List<String> beyondDefault(Session.TrustView v) throws ConfigException {
        if (v.program().isEmpty()) {
            return List.of("everything " + Profiles.DEFAULT_PROFILE + " refuses");
        }
        Program p = v.program().get();
        Program base = v.baseline();
        Arch arch = Arch.host();
        Policy minimal = Profiles.builtin().resolve(Profiles.DEFAULT_PROFILE);
        Set<String> wider = new LinkedHashSet<>();
        for (Syscall sc : arch.syscalls().all()) {
            List<long[]> inputs = new ArrayList<>();
            inputs.add(new long[6]);
            for (Rule r : minimal.rulesFor(sc.name())) {
                for (Condition c : r.conditions()) {
                    long[] a = new long[6];
                    a[c.arg()] = c.value();
                    inputs.add(a);
                }
            }
            for (long[] a : inputs) {
                SeccompData d = SeccompData.of(arch, sc.nr(), a);
                if (refuses(Emulator.run(base, d)) && !refuses(Emulator.run(p, d))) {
                    boolean zero = java.util.Arrays.stream(a).allMatch(x -> x == 0);
                    wider.add(zero ? sc.name() : sc.name() + argText(a));
                }
            }
        }
        return List.copyOf(wider);
    }

    private static String argText(long[] a) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != 0) {
                return "(arg" + i + "=0x" + Long.toHexString(a[i]) + ")";
            }
        }
        return "";
    }

    private static boolean refuses(int ret) {
        int action = ret & Ret.ACTION_FULL;
        return action != Ret.ALLOW && action != Ret.LOG;
    }
}
