package dev.jbox.launch;

import dev.jbox.nativ.Posix;
import java.util.OptionalInt;

/**
 * The terminal jbox prints help to, as the kernel describes it. {@code cli} reaches nothing of
 * {@code nativ} but its error type, so the one native question help asks comes through here.
 */
public final class Terminal {
    private Terminal() {
    }

    /** The width in columns of the terminal {@code fd} is (TIOCGWINSZ); empty when it is not one. */
    public static OptionalInt columns(int fd) {
        return Posix.terminalColumns(fd);
    }
}
