package dev.jbox.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs jbox in-process with stdout and stderr captured. Never for a `run` that would exec. */
final class Cli {
    record Result(int code, String out, String err) {
    }

    private Cli() {
    }

    static synchronized Result run(String... args) {
        if (args.length > 0 && args[0].equals("run")) {
            boolean safe = false;
            for (String a : args) {
                safe |= a.equals("--dry-run");
            }
            if (!safe && !java.util.Arrays.asList(args).contains("--help")) {
                // a run that got as far as execve would replace the test JVM
                throw new IllegalArgumentException("in-process `run` only with --dry-run");
            }
        }
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            System.out.flush();
            System.err.flush();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
