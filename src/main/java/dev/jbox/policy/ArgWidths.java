package dev.jbox.policy;

import dev.jbox.arch.Arch;
import dev.jbox.arch.TsvLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many bits of each syscall argument the kernel uses, as the reference evaluator and the
 * prover read a condition: on its low 16 or 32 bits when the argument is narrower than the
 * register, because the kernel's syscall wrapper casts it and ignores the rest.
 *
 * <p>Deliberately not the compiler's table ({@code arch.ArgTypes}, from the declarations in
 * the kernel's {@code syscalls.h} and a Java type rule): this one, {@code syscall-widths.tsv},
 * is made by {@code scripts/gen-syscall-widths} from the definitions ({@code SYSCALL_DEFINE})
 * as a running kernel describes them in its syscall trace events, with a type rule of its own.
 * Were both sides of a test to read one table, a wrong width there (a 64-bit compare of an
 * {@code int}: a bypass of a deny rule) would agree with itself. {@code ArgWidthsTest} holds
 * the two tables against each other; an ArchUnit rule keeps the compiler off this one and the
 * reference and the prover off the compiler's.
 */
public final class ArgWidths {
    private ArgWidths() {
    }

    static final String RESOURCE = "syscall-widths.tsv";

    /** Loaded on first use (the reference evaluator is not on the launch path). */
    private static final class Holder {
        static final Map<String, List<Integer>> WIDTHS = load();
    }

    /**
     * The width in bits (16, 32 or 64) of argument {@code arg} of {@code syscall} called through
     * {@code abi}: 32 for every argument of a 32-bit ABI (its registers are 32 bits); otherwise
     * what the kernel's definition says, and the whole register for an argument the
     * definition does not have or a call the table does not know.
     */
    public static int of(Arch abi, String syscall, int arg) {
        if (!abi.is64Bit()) {
            return 32;
        }
        List<Integer> w = Holder.WIDTHS.get(syscall);
        return w == null || arg >= w.size() ? 64 : w.get(arg);
    }

    /** The widths the table lists for {@code syscall} (empty for a call without arguments), or null if unknown. */
    public static List<Integer> listed(String syscall) {
        return Holder.WIDTHS.get(syscall);
    }

    /** Every name the table lists. */
    public static java.util.Set<String> names() {
        return Holder.WIDTHS.keySet();
    }

    /** The table's first comment line: which kernel it was read from. */
    public static String source() {
        byte[] b = bytes();
        int end = TsvLines.indexOf(b, 0, b.length, (byte) '\n');
        return TsvLines.ascii(b, 0, end);
    }

    private static byte[] bytes() {
        try (InputStream in = ArgWidths.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/jbox/policy/" + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<Integer>> load() {
        Map<String, List<Integer>> out = new HashMap<>(512);
        String what = "dev/jbox/policy/" + RESOURCE;
        TsvLines.scanLists(bytes(), what, (line, name, items) -> {
            List<Integer> widths = items.stream().map(s -> switch (s) {
                case "16" -> 16;
                case "32" -> 32;
                case "64" -> 64;
                default -> throw new IllegalStateException(what + ":" + line + ": width '" + s + "' is not 16, 32 or 64");
            }).toList();
            if (widths.size() > 6 || out.putIfAbsent(name, widths) != null) {
                throw new IllegalStateException(what + ":" + line + ": " + name + " listed twice or with over 6 arguments");
            }
        });
        return Map.copyOf(out);
    }
}
