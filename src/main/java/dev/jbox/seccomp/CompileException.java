package dev.jbox.seccomp;

/** A policy that cannot become a program the kernel loads (for example, too long). */
public final class CompileException extends Exception {
    public CompileException(String message) {
        super(message);
    }
}
