package dev.jbox.launch;

/**
 * jbox could not start the sandbox. {@link #exitCode()} follows the convention of
 * {@code env}, {@code timeout} and {@code docker run}: 127 when the command is not found,
 * 126 when it cannot be executed, otherwise the caller's code for jbox's own errors.
 */
public final class LaunchException extends Exception {

    public enum Kind { NOT_FOUND, NOT_EXECUTABLE, BWRAP_MISSING, FAILED }

    private final Kind kind;

    public LaunchException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LaunchException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
