package dev.jbox.launch;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.FileBytes;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Policy;
import dev.jbox.proof.Difference;
import dev.jbox.proof.ProofException;
import dev.jbox.proof.Prover;
import dev.jbox.proof.Region;
import dev.jbox.proof.Solver;
import dev.jbox.seccomp.CompileException;
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
     * @param except the declared differences left out (--except)
     * @param proofs one per architecture, in order; stops at the first counterexample
     */
    public record Report(String solver, List<Difference> except, List<ArchProof> proofs) {
        public boolean proven() {
            return proofs.stream().allMatch(p -> p.result() instanceof Prover.Proven);
        }
    }

    /** The solver jbox runs: z3 from PATH, or a {@link dev.jbox.proof.SolverMissingException} saying how to install it. */
    public static Solver solver(Map<String, String> env) throws ProofException {
        return Z3.find(env, TIMEOUT_SECONDS);
    }

    /**
     * The program the session resolves for {@code request} (what {@code run} would apply, or
     * what -p / {@code --seccomp-profile} names), proven against its policy on each of
     * {@code arches}.
     */
    public static Report prove(Session.Host host, Session.Request request, List<Arch> arches, List<Difference> except,
                               Solver solver) throws ProofException, ConfigException, CompileException,
            LaunchException {
        Policy policy = null;
        List<Program> programs = new ArrayList<>();
        for (Arch a : arches) {
            Session.Filter f = Session.review(host, request, a).filter();
            policy = f.policy().orElseThrow(() -> new ConfigException("the filter here is " + f.choice().describe()
                    + ", which has no profile to prove it against: name one with -p (and a program with --bpf)"));
            programs.add(f.program().orElseThrow());
        }
        return run(policy, arches, programs, except, solver);
    }

    /** A raw program from {@code file} (verified as the kernel would), proven against {@code policy} for {@code arch}. */
    public static Report proveFile(Policy policy, Arch arch, Path file, List<Difference> except, Solver solver)
            throws ProofException, ConfigException {
        Program p = Session.fromBytes(file, FileBytes.read(file));
        return run(policy, List.of(arch), List.of(p), except, solver);
    }

    private static Report run(Policy policy, List<Arch> arches, List<Program> programs, List<Difference> except,
                              Solver solver) throws ProofException {
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

    /** The differences {@code names} name (--except), checked before any proof starts. */
    public static List<Difference> except(List<String> names) throws ConfigException {
        List<Difference> out = new ArrayList<>();
        for (String n : names) {
            try {
                out.add(Difference.parse(n));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--except " + e.getMessage());
            }
        }
        return out;
    }

    private static List<Region> regions(List<Difference> except, List<Arch> abis) {
        List<Region> out = new ArrayList<>();
        except.forEach(d -> out.addAll(d.regions(abis)));
        return out;
    }
}
