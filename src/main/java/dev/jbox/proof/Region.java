package dev.jbox.proof;

import dev.jbox.arch.Arch;

/**
 * A named set of inputs, as an SMT condition over the input {@link Words}: where two
 * programs are known to differ on purpose (a declared difference), proven apart from the rest.
 *
 * @param name      a stable name ("x32", "above-table:x86_64", "syscall:i386:open_tree_attr")
 * @param condition the SMT condition that holds exactly for the region's inputs
 */
public record Region(String name, String condition) {

    /** x32 calls: x86_64's audit value and a number with the x32 bit, bar 0xFFFFFFFF. */
    public static Region x32() {
        return new Region(Arch.X32.id(), PolicyFormula.x32(Arch.X86_64));
    }

    /**
     * The numbers of {@code abi} above its table's newest that the table does not name (what a
     * policy's {@code future_syscalls} covers), x32 numbers excluded.
     */
    public static Region aboveTable(Arch abi) {
        String cond = "(and (= " + Words.ARCH + " " + Words.bv32(abi.auditArch()) + ") " + PolicyFormula.aboveTable(abi)
                + (abi == Arch.X86_64 ? " (not " + PolicyFormula.x32(abi) + ")" : "") + ")";
        return new Region("above-table:" + abi.id(), cond);
    }

    /** Calls of one syscall through one ABI, whatever their arguments. */
    public static Region syscall(Arch abi, String name) {
        int nr = abi.syscalls().number(name).orElseThrow(() -> new IllegalArgumentException(
                abi.id() + " has no syscall " + name));
        Region r = number(abi, nr, name);
        return new Region("syscall:" + abi.id() + ":" + name, r.condition());
    }

    /** One number of one ABI, whatever the arguments (a number the table only reserves, say). */
    public static Region number(Arch abi, int nr, String what) {
        return new Region("nr:" + abi.id() + ":" + what, "(and (= " + Words.ARCH + " " + Words.bv32(abi.auditArch())
                + ") (= " + Words.NR + " " + Words.bv32(nr) + "))");
    }

    /** An architecture value: every call made through that ABI (or claiming to be). */
    public static Region arch(Arch abi) {
        return new Region("arch:" + abi.id(), "(= " + Words.ARCH + " " + Words.bv32(abi.auditArch()) + ")");
    }

    /** Every architecture value but these: ABIs a filter does not know. */
    public static Region archOtherThan(java.util.Collection<Arch> abis) {
        StringBuilder sb = new StringBuilder("(and true");
        abis.stream().map(Arch::auditArch).distinct()
                .forEach(a -> sb.append(" (distinct ").append(Words.ARCH).append(' ').append(Words.bv32(a)).append(')'));
        return new Region("arch-other-than:" + abis.stream().map(Arch::id).sorted().toList(), sb.append(')').toString());
    }

    /** Every input outside this region. */
    public Region complement() {
        return new Region("not " + name, "(not " + condition + ")");
    }
}
