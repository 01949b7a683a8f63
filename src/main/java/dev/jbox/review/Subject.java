package dev.jbox.review;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.FileBytes;
import dev.jbox.config.FilterSource;
import dev.jbox.config.JsonWriter;
import dev.jbox.launch.Session;
import dev.jbox.policy.Action;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Disassembler;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Insn;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A program under review: the one the launch session resolved for a command, or a raw file a
 * reviewer names, with everything the reviewer commands show of it (its bytes, its
 * disassembly, a call run through it, the kernel's cache of its verdicts, its audit). The
 * commands get text and values from here, never the program itself: what they show is
 * computed from exactly what {@code run} would apply.
 */
public final class Subject {
    private final Program program;
    private final Optional<Policy> policy;

    private Subject(Program program, Optional<Policy> policy) {
        this.program = program;
        this.policy = policy;
    }

    /** The program the session resolved; an error when the filter there is none. */
    public static Subject of(Session.Resolved r) throws ConfigException {
        Session.Filter f = r.filter();
        Program p = f.program().orElseThrow(() -> new ConfigException("no seccomp filter here: "
                + f.choice().describe() + " is none; name one with -p"));
        return new Subject(p, f.policy());
    }

    /** The rules the session resolved, for commands that explain them; a raw program or no filter has none. */
    public static Policy policy(Session.Resolved r) throws ConfigException {
        Session.Filter f = r.filter();
        return f.policy().orElseThrow(() -> new ConfigException("the filter here is " + f.choice().describe()
                + ", which has no rules to show" + (f.choice().source() instanceof FilterSource.None
                ? "" : ": use jbox disasm, jbox audit or jbox check")));
    }

    /** A raw program file ({@code disasm FILE}), verified as the kernel would. */
    public static Subject rawFile(Path file) throws ConfigException {
        return new Subject(Session.fromBytes(file, FileBytes.read(file)), Optional.empty());
    }

    public int length() {
        return program.length();
    }

    /** The architecture it was compiled for (the first it decides for); the host's for a raw program. */
    public String arch() {
        return (program.arches().isEmpty() ? Arch.host() : program.arches().getFirst()).id();
    }

    /** The architectures it decides for (empty for a raw program). */
    public List<String> arches() {
        return program.arches().stream().map(Arch::id).toList();
    }

    /** The raw {@code struct sock_filter[]} bytes that {@code bwrap --seccomp} reads. */
    public byte[] bytes() {
        return program.toBytes();
    }

    /** The instructions as JSON ({@code compile --json}, {@code disasm --json}). */
    public String json() {
        List<Object> insns = new ArrayList<>();
        for (Insn i : program.insns()) {
            insns.add(List.of(i.code(), i.jt(), i.jf(), i.k() & 0xFFFFFFFFL));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arches", arches());
        m.put("length", program.length());
        m.put("instructions", insns);
        return JsonWriter.of(m);
    }

    /** seccomp-tools style. */
    public String disassembly() {
        return Disassembler.disassemble(program);
    }

    /** The audit's findings ({@code disasm --audit}). */
    public Audit audit(String what) {
        return Audit.of(what, program);
    }

    /**
     * One system call run through the program in the emulator, and the rule that decided it.
     *
     * @param action    the verdict
     * @param ret       the 32-bit value the program returned
     * @param described the verdict as {@code Ret.describe} says it
     * @param executed  how many instructions ran
     * @param rule      where the deciding rule was written (a profile's; none for a raw program)
     * @param why       the rule's reason, or why there is none
     */
    public record Verdict(Action action, long ret, String described, int executed, Optional<String> rule,
                          String why) {
    }

    /**
     * Runs a call through the program, as the kernel would, and finds the rule of the policy
     * that decides it; the two must agree (a disagreement is a compiler bug, said loudly).
     */
    public Verdict check(Arch nativeArch, Arch via, int nr, long[] args) {
        Emulator.Result r = Emulator.trace(program, new SeccompData(nr, via.auditArch(), 0, args));
        Action action = Ret.decode(r.ret());
        Reference.Verdict why = policy.isEmpty()
                ? new Reference.Verdict(action, Optional.empty(), "raw program: no rules to cite")
                : Reference.decide(policy.get(), nativeArch, via.auditArch(), nr, args);
        if (!why.action().equals(action)) {
            throw new IllegalStateException("filter says " + action + " but the profile says " + why.action());
        }
        return new Verdict(action, r.ret() & 0xFFFFFFFFL, Ret.describe(r.ret()), r.executed(),
                why.rule().map(x -> x.origin()), why.why());
    }

    /**
     * The kernel's constant-action cache (Linux 5.11+, {@code seccomp_is_const_allow}) replayed
     * for every syscall of one ABI.
     *
     * @param abi     the ABI
     * @param cached  the syscalls always allowed without running the filter
     * @param checked the others (refused, or checked by argument)
     */
    public record Cache(String abi, List<String> cached, List<String> checked) {
    }

    /** The cache for every ABI the program decides for. */
    public List<Cache> cache() {
        List<Cache> out = new ArrayList<>();
        for (Arch abi : program.arches()) {
            out.add(cache(abi));
        }
        return out;
    }

    /** The cache for one ABI. */
    public Cache cache(Arch abi) {
        List<String> cached = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (var s : abi.syscalls().all()) {
            (Emulator.isConstAllow(program, abi, s.nr()) ? cached : checked).add(s.name());
        }
        return new Cache(abi.id(), cached, checked);
    }

    /** Per ABI the program decides for, the syscalls of the policy that ABI does not have (skipped there). */
    public Map<String, List<String>> skipped() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (policy.isPresent()) {
            for (Arch a : program.arches()) {
                out.put(a.id(), Compiler.skippedNames(policy.get(), a));
            }
        }
        return out;
    }
}
