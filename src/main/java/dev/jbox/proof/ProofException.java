package dev.jbox.proof;

/**
 * No proof either way: the solver is missing, failed, gave up, or its answer did not check
 * out. Never read as "proven" ({@code jbox prove} exits {@value #EXIT}).
 */
public class ProofException extends Exception {

    /** The exit status of {@code jbox prove} when it could not decide. */
    public static final int EXIT = 3;

    public ProofException(String message) {
        super(message);
    }

    public ProofException(String message, Throwable cause) {
        super(message, cause);
    }
}
