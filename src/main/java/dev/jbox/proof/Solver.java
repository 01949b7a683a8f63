package dev.jbox.proof;

/**
 * An SMT-LIB 2 solver. jbox runs Debian's {@code z3} as a process (launch's {@code Z3});
 * this package only writes the script and reads the answer, so no native library enters jbox.
 */
public interface Solver {

    /**
     * What the solver said.
     *
     * @param status "sat", "unsat" or "unknown"
     * @param model  the output of {@code ifSat} when the status is "sat", else empty
     */
    record Answer(String status, String model) {
    }

    /**
     * Runs {@code script} (which ends in {@code (check-sat)}), then, only when the answer is
     * "sat", {@code ifSat} (a {@code (get-model)}: asked after an "unsat" it is an error).
     */
    Answer solve(String script, String ifSat) throws ProofException;

    /** The solver's name and version, for reports ("Z3 version 4.8.12"). */
    String version() throws ProofException;
}
