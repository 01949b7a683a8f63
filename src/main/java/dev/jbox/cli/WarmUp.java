package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.arch.ArgTypes;
import dev.jbox.launch.Launcher;

/**
 * What every launch needs whatever its options say, started on a second thread as soon as
 * {@code run} or {@code bwrap} is seen: the native calls linked, then the syscall tables and
 * argument types loaded. The main thread meanwhile builds the command line, reads the
 * config and parses the profiles; when it gets to these, it finds them done (or waits for
 * them: class initialisation is the lock). On two cores this hides most of the native
 * layer's cold start. Measured orders (docs/STARTUP.md): this one was fastest; parsing the
 * profiles here too made the main thread wait for them.
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
            Arch.allSyscallNames(); // every ABI's table: profile names are checked against all of them
            ArgTypes.of("read");
        } catch (RuntimeException | LinkageError ignored) {
            // the launch makes the same calls on the main thread and reports what fails there
        }
    }
}
