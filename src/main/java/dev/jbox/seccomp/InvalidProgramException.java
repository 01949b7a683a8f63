package dev.jbox.seccomp;

/** A BPF program the kernel would refuse to load, with the reason. */
public final class InvalidProgramException extends Exception {
    public InvalidProgramException(String message) {
        super(message);
    }
}
