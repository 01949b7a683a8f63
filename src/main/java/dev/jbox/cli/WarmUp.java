package dev.jbox.cli;

import dev.jbox.launch.Launcher;

/**
 * What every launch needs whatever its options say, started on a second thread as soon as
 * {@code run} or {@code bwrap} is seen: the native calls linked (~50 ms, interpreted). The
 * main thread meanwhile builds the command line, reads the config, parses the profiles and
 * compiles the filter, and ends about when the link does (docs/STARTUP.md). Only the link:
 * the syscall tables and argument types, once loaded here after it, were by then loaded by
 * the main thread for itself (or never needed), so they only took CPU from it.
 */
final class WarmUp {
    private WarmUp() {
    }

    static void start() {
        Thread t = new Thread(WarmUp::run, "jbox-warm-up");
        t.setDaemon(true); // never keeps jbox alive, and execve ends it
        t.start();
    }

    private static void run() {
        try {
            Launcher.warmUp();
        } catch (RuntimeException | LinkageError ignored) {
            // the launch makes the same calls on the main thread and reports what fails there
        }
    }
}
