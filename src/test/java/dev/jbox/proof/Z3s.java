package dev.jbox.proof;

import dev.jbox.launch.Z3;
import org.junit.jupiter.api.Assumptions;

/**
 * The solver for the proof tests: z3 from PATH (scripts/test installs it). Without it a proof
 * test is reported as not run, with the reason, never as passed.
 */
public final class Z3s {
    private Z3s() {
    }

    /** The reason a proof test gives when z3 is missing (scripts/test counts these). */
    public static final String NOT_RUN = "not run (z3 missing): " + Z3.INSTALL;

    public static Solver solver() {
        try {
            return Z3.find(System.getenv(), 120);
        } catch (SolverMissingException e) {
            Assumptions.abort(NOT_RUN);
            throw new AssertionError(e);
        }
    }

    public static Prover prover() {
        return new Prover(solver());
    }
}
