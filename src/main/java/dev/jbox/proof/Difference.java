package dev.jbox.proof;

import dev.jbox.arch.Arch;
import java.util.ArrayList;
import java.util.List;

/**
 * A kind of input where another compiler's program differs from jbox's by design, which a
 * proof may leave out by name ({@code jbox prove --except}); docs/PROOF.md says why each exists.
 */
public sealed interface Difference {

    /** x32 numbers: jbox answers ENOSYS, libseccomp without x32 the bad-arch action. */
    record X32() implements Difference {
    }

    /** Numbers above the tables: jbox's future action, libseccomp's default. */
    record AboveTable() implements Difference {
    }

    /** Numbers the kernel only reserves: unassigned for jbox, named by libseccomp. */
    record Reserved() implements Difference {
    }

    /** Architecture values the program does not decide for: each compiler's bad-arch action. */
    record ForeignArch() implements Difference {
    }

    /** One syscall on every ABI that has it (one libseccomp cannot name, say). */
    record Syscall(String name) implements Difference {
    }

    /** The names {@link #parse} takes, for usage texts. */
    String NAMES = "x32, above-table, reserved, foreign-arch, syscall:NAME";

    /**
     * @throws IllegalArgumentException for anything else, saying what is accepted
     */
    static Difference parse(String name) {
        if (name.equals(Arch.X32.id())) { // "x32": the ABI's own name
            return new X32();
        }
        return switch (name) {
            case "above-table" -> new AboveTable();
            case "reserved" -> new Reserved();
            case "foreign-arch" -> new ForeignArch();
            default -> {
                String call = name.startsWith("syscall:") ? name.substring("syscall:".length()) : "";
                if (call.isEmpty()) {
                    throw new IllegalArgumentException("'" + name + "': not one of " + NAMES);
                }
                if (!Arch.allSyscallNames().contains(call)) {
                    throw new IllegalArgumentException("'" + name + "': no architecture has a syscall " + call);
                }
                yield new Syscall(call);
            }
        };
    }

    /** The name {@link #parse} reads back. */
    default String label() {
        return switch (this) {
            case X32 x -> Arch.X32.id();
            case AboveTable x -> "above-table";
            case Reserved x -> "reserved";
            case ForeignArch x -> "foreign-arch";
            case Syscall s -> "syscall:" + s.name();
        };
    }

    /** The inputs this stands for on a program deciding {@code abis} (its native ABI first). */
    default List<Region> regions(List<Arch> abis) {
        List<Region> out = new ArrayList<>();
        switch (this) {
            case X32 x -> out.add(Region.x32());
            case AboveTable x -> abis.forEach(a -> out.add(Region.aboveTable(a)));
            case Reserved x -> abis.forEach(a -> a.syscalls().reserved()
                    .forEach(s -> out.add(Region.number(a, s.nr(), s.name()))));
            case ForeignArch x -> out.add(Region.archOtherThan(abis));
            case Syscall s -> abis.stream().filter(a -> a.syscalls().number(s.name()).isPresent())
                    .forEach(a -> out.add(Region.syscall(a, s.name())));
        }
        return out;
    }
}
