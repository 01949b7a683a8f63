package dev.jbox.proof;

/** The SMT solver is not installed: the message says how to install it. */
public final class SolverMissingException extends ProofException {

    public SolverMissingException(String message) {
        super(message);
    }
}
