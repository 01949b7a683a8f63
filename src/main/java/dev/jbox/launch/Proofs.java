package dev.jbox.launch;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.FileBytes;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Policy;
import dev.jbox.proof.ProofException;
import dev.jbox.proof.Prover;
import dev.jbox.proof.Region;
import dev.jbox.proof.Solver;
import dev.jbox.seccomp.CompileException;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code jbox prove}: proves, with z3, that a filter's program decides exactly as its policy
 * for every input, per native architecture. The policy comes resolved (the filter any command
 * would apply, or the one named); the program is the one jbox compiles for it, or a given
 * file. The result is a value the command renders.
 */
public final class Proofs {
    private Proofs() {
    }

    /** How long z3 may take over one architecture (each preset takes well under a second). */
    static final int TIMEOUT_SECONDS = 120;

    /**
     * One native architecture's proof.
     *
     * @param nativeArch   the architecture the program is for
     * @param abis         the ABIs the program lets run (the native one, its compat ABI when in scope)
     * @param instructions the program's length
     * @param result       proven, or refuted with a counterexample
     */
    public record ArchProof(Arch nativeArch, List<Arch> abis, int instructions, Prover.Result result) {
    }

    /**
     * The whole answer.
     *
     * @param solver the solver's version line
     * @param except the regions left out (the names given with --except)
     * @param proofs one per architecture, in order; stops at the first counterexample
     */
    public record Report(String solver, List<String> except, List<ArchProof> proofs) {
        public boolean proven() {
            return proofs.stream().allMatch(p -> p.result() instanceof Prover.Proven);
        }
    }

    /** The solver jbox runs: z3 from PATH, or a {@link dev.jbox.proof.SolverMissingException} saying how to install it. */
    public static Solver solver(Map<String, String> env) throws ProofException {
        return Z3.find(env, TIMEOUT_SECONDS);
    }

    /** jbox's own program for {@code policy}, proven on each of {@code arches}. */
    public static Report prove(Policy policy, List<Arch> arches, List<String> except, Solver solver)
            throws ProofException, CompileException, ConfigException {
        List<Program> programs = new ArrayList<>();
        for (Arch a : arches) {
            programs.add(Compiler.compile(policy, a));
        }
        return run(policy, arches, programs, except, solver);
    }

    /** A raw program from {@code file} (verified as the kernel would), proven against {@code policy} for {@code arch}. */
    public static Report proveFile(Policy policy, Arch arch, Path file, List<String> except, Solver solver)
            throws ProofException, ConfigException {
        Program p = Filters.fromBytes(file, FileBytes.read(file));
        return run(policy, List.of(arch), List.of(p), except, solver);
    }

    private static Report run(Policy policy, List<Arch> arches, List<Program> programs, List<String> except,
                              Solver solver) throws ProofException, ConfigException {
        Prover prover = new Prover(solver);
        List<ArchProof> out = new ArrayList<>();
        for (int i = 0; i < arches.size(); i++) {
            Arch arch = arches.get(i);
            Program p = programs.get(i);
            // a raw program names no ABIs: those the policy lets run (the proof covers every arch value anyway)
            List<Arch> abis = !p.arches().isEmpty() ? p.arches()
                    : policy.scope() == ArchScope.NATIVE_COMPAT && arch.compat().isPresent()
                    ? List.of(arch, arch.compat().get()) : List.of(arch);
            Prover.Result r = prover.prove(policy, arch, p, regions(except, abis));
            out.add(new ArchProof(arch, abis, p.length(), r));
            if (r instanceof Prover.Refuted) {
                break;
            }
        }
        return new Report(solver.version(), except, out);
    }

    /** The names --except takes, for the usage text. */
    public static final String EXCEPT_NAMES = "x32, above-table, reserved, foreign-arch, syscall:NAME";

    /**
     * The regions {@code names} stand for on a program deciding {@code abis}: where a program
     * compiled elsewhere (libseccomp's for an exported profile) differs from jbox's by design.
     */
    static List<Region> regions(List<String> names, List<Arch> abis) throws ConfigException {
        List<Region> out = new ArrayList<>();
        for (String n : names) {
            switch (n) {
                case "x32" -> out.add(Region.x32());
                case "above-table" -> abis.forEach(a -> out.add(Region.aboveTable(a)));
                case "reserved" -> abis.forEach(a -> a.syscalls().reserved()
                        .forEach(s -> out.add(Region.number(a, s.nr(), s.name()))));
                case "foreign-arch" -> out.add(Region.archOtherThan(abis));
                default -> {
                    if (!n.startsWith("syscall:")) {
                        throw new ConfigException("--except '" + n + "': not one of " + EXCEPT_NAMES);
                    }
                    String name = n.substring("syscall:".length());
                    boolean any = false;
                    for (Arch a : abis) {
                        if (a.syscalls().number(name).isPresent()) {
                            out.add(Region.syscall(a, name));
                            any = true;
                        }
                    }
                    if (!any) {
                        throw new ConfigException("--except '" + n + "': no ABI of the program ("
                                + abis.stream().map(Arch::id).toList() + ") has a syscall " + name);
                    }
                }
            }
        }
        return out;
    }
}
