package dev.jbox.proof;

import dev.jbox.arch.Arch;
import dev.jbox.policy.Action;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a {@link Solver} whether two sides can ever decide differently: a program and its
 * policy, or two programs. "unsat" is a proof for every input (all 2^512 of them); "sat"
 * comes with an input, which is run through the emulator (and the reference evaluator) and
 * returned only once they confirm the difference; anything else is a {@link ProofException},
 * never a proof.
 */
public final class Prover {

    /** The outcome of one question. */
    public sealed interface Result {
        /** Solver time, process start included. */
        Duration time();
    }

    /** No input tells the two sides apart. */
    public record Proven(Duration time) implements Result {
    }

    /** One does. */
    public record Refuted(Counterexample counterexample, Duration time) implements Result {
    }

    private static final Pattern VALUE = Pattern.compile("\\(\\s*(\\w+)\\s+#x([0-9a-fA-F]{8})\\s*\\)");

    private final Solver solver;

    public Prover(Solver solver) {
        this.solver = solver;
    }

    /** Whether {@code program}, compiled or read for {@code nativeArch}, decides every input as {@code policy} says. */
    public Result prove(Policy policy, Arch nativeArch, Program program) throws ProofException {
        return prove(policy, nativeArch, program, List.of());
    }

    /** As {@link #prove(Policy, Arch, Program)}, for every input outside {@code outside}. */
    public Result prove(Policy policy, Arch nativeArch, Program program, List<Region> outside) throws ProofException {
        String script = script(program, "p")
                + "(define-fun policy () (_ BitVec 32) " + PolicyFormula.of(policy, nativeArch) + ")\n"
                + "(assert (distinct p_result policy))\n" + outside(outside) + "(check-sat)\n";
        Asked a = ask(script);
        if (a.input() == null) {
            return new Proven(a.time());
        }
        SeccompData d = a.input();
        int ret = Emulator.run(program, d);
        Reference.Verdict want = Reference.decide(policy, nativeArch, d.arch(), d.nr(), d.args());
        if (Ret.decode(ret).equals(want.action())) {
            throw new ProofException("the solver's counterexample " + d + " does not reproduce: the emulator and the"
                    + " reference evaluator both say " + want.action() + " (an encoding error in jbox prove)");
        }
        return new Refuted(new Counterexample(d, nativeArch, want.action(), Ret.decode(ret), ret, want.why()), a.time());
    }

    /**
     * Whether two programs for {@code nativeArch} decide alike on every input outside
     * {@code outside} (the declared differences).
     */
    public Result equivalent(Program left, Program right, Arch nativeArch, List<Region> outside) throws ProofException {
        StringBuilder script = new StringBuilder(script(left, "l"));
        ProgramFormula.Encoded second = ProgramFormula.of(right, "r");
        second.definitions().forEach(def -> script.append(def).append('\n'));
        script.append("(define-fun r_result () (_ BitVec 32) ").append(second.result()).append(")\n");
        script.append("(assert (distinct l_result r_result))\n");
        script.append(outside(outside)).append("(check-sat)\n");
        Asked a = ask(script.toString());
        if (a.input() == null) {
            return new Proven(a.time());
        }
        SeccompData d = a.input();
        int l = Emulator.run(left, d);
        int r = Emulator.run(right, d);
        if (Ret.decode(l).equals(Ret.decode(r))) {
            throw new ProofException("the solver's counterexample " + d + " does not reproduce in the emulator");
        }
        return new Refuted(new Counterexample(d, nativeArch, Ret.decode(l), Ret.decode(r), r, Ret.describe(l)), a.time());
    }

    /** Whether {@code program} answers every input of {@code region} with {@code expected}. */
    public Result always(Program program, Arch nativeArch, Region region, Action expected) throws ProofException {
        String script = script(program, "p")
                + "(assert " + region.condition() + ") ; " + region.name() + "\n"
                + "(assert (distinct p_result " + Words.bv32(KernelActions.of(expected)) + "))\n"
                + "(check-sat)\n";
        Asked a = ask(script);
        if (a.input() == null) {
            return new Proven(a.time());
        }
        SeccompData d = a.input();
        int ret = Emulator.run(program, d);
        if (Ret.decode(ret).equals(expected)) {
            throw new ProofException("the solver's counterexample " + d + " does not reproduce in the emulator");
        }
        return new Refuted(new Counterexample(d, nativeArch, expected, Ret.decode(ret), ret,
                "expected in " + region.name()), a.time());
    }

    private static String outside(List<Region> regions) {
        StringBuilder sb = new StringBuilder();
        for (Region x : regions) {
            sb.append("(assert (not ").append(x.condition()).append(")) ; ").append(x.name()).append('\n');
        }
        return sb.toString();
    }

    /** The common part: logic, inputs, kernel_action and the program as {@code <prefix>_result}. */
    private static String script(Program program, String prefix) throws ProofException {
        ProgramFormula.Encoded p = ProgramFormula.of(program, prefix);
        StringBuilder sb = new StringBuilder("(set-logic QF_BV)\n").append(Words.declarations())
                .append(KernelActions.DEFINITION);
        p.definitions().forEach(def -> sb.append(def).append('\n'));
        sb.append("(define-fun ").append(prefix).append("_result () (_ BitVec 32) ").append(p.result()).append(")\n");
        return sb.toString();
    }

    /** Asked only after "sat": every input word. */
    private static final String GET_VALUE = "(get-value (" + String.join(" ", Words.NAMES) + "))\n";

    /** The solver's answer: no input (unsat), or the input it found (sat); anything else throws. */
    private record Asked(SeccompData input, Duration time) {
    }

    private Asked ask(String script) throws ProofException {
        long t0 = System.nanoTime();
        Solver.Answer a = solver.solve(script, GET_VALUE);
        Duration time = Duration.ofNanos(System.nanoTime() - t0);
        return new Asked(a.status().equals("unsat") ? null : counterexample(a), time);
    }

    private static SeccompData counterexample(Solver.Answer a) throws ProofException {
        if (!a.status().equals("sat")) {
            throw new ProofException("the solver answered '" + a.status() + "': neither proven nor refuted");
        }
        Map<String, Integer> values = new HashMap<>();
        Matcher m = VALUE.matcher(a.model());
        while (m.find()) {
            values.put(m.group(1), Integer.parseUnsignedInt(m.group(2), 16));
        }
        if (!values.keySet().containsAll(Words.NAMES)) {
            throw new ProofException("the solver's model lacks input words: " + a.model().strip());
        }
        return Words.data(values);
    }
}
