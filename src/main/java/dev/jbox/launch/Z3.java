package dev.jbox.launch;

import dev.jbox.proof.ProofException;
import dev.jbox.proof.Solver;
import dev.jbox.proof.SolverMissingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The SMT solver {@code jbox prove} runs: Debian's {@code z3} from PATH, as a process that
 * reads SMT-LIB 2 on its standard input. No JNI and no native library: the solver stays
 * outside the JVM, and jbox only writes text and reads the answer.
 */
public final class Z3 implements Solver {

    /** What to tell a user who has no z3. */
    public static final String INSTALL = "install it with 'apt-get install z3' (Debian, Ubuntu; 'dnf install z3' on Fedora)";

    private final Path exe;
    private final int timeoutSeconds;

    private Z3(Path exe, int timeoutSeconds) {
        this.exe = exe;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** z3 as PATH finds it, if anywhere. */
    public static Optional<Path> locate(Map<String, String> env) {
        try {
            return Optional.of(CommandLookup.find("z3", env.get("PATH"), System.getProperty("user.dir"),
                    p -> Optional.of(Path.of(p)), ""));
        } catch (LaunchException e) {
            return Optional.empty();
        }
    }

    /**
     * z3 from PATH, giving up on one question after {@code timeoutSeconds}.
     *
     * @throws SolverMissingException when PATH has none, with how to install it
     */
    public static Z3 find(Map<String, String> env, int timeoutSeconds) throws SolverMissingException {
        return new Z3(locate(env).orElseThrow(() -> new SolverMissingException(
                "z3, the SMT solver jbox prove runs, is not in PATH: " + INSTALL)), timeoutSeconds);
    }

    @Override
    public String version() throws ProofException {
        Process p = start(List.of(exe.toString(), "--version"));
        try (BufferedReader out = reader(p)) {
            String line = out.readLine();
            p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            return line == null ? "z3 (no version)" : line.strip();
        } catch (IOException e) {
            throw new ProofException(exe + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProofException("interrupted", e);
        } finally {
            p.destroy();
        }
    }

    /**
     * Writes the script, reads the first answer, then asks {@code ifSat} only after "sat" (z3
     * fails the whole run when asked for a model after "unsat"). z3's own {@code -T} ends a
     * question that takes too long; its "timeout" is an answer that proves nothing.
     */
    @Override
    public Answer solve(String script, String ifSat) throws ProofException {
        Process p = start(List.of(exe.toString(), "-in", "-smt2", "-T:" + timeoutSeconds));
        try (OutputStream in = p.getOutputStream(); BufferedReader out = reader(p)) {
            in.write(script.getBytes(StandardCharsets.US_ASCII));
            in.flush();
            List<String> said = new ArrayList<>();
            String status = null;
            for (String line; status == null && (line = out.readLine()) != null; ) {
                String s = line.strip();
                if (s.equals("sat") || s.equals("unsat") || s.equals("unknown")) {
                    status = s;
                } else if (!s.isEmpty()) {
                    said.add(s);
                }
            }
            if (status == null) {
                throw new ProofException("z3 gave no answer" + (said.isEmpty() ? "" : ": " + String.join(" ", said)));
            }
            if (!said.isEmpty()) {
                // an error before the answer means the question was not the one asked
                throw new ProofException("z3: " + String.join(" ", said));
            }
            if (status.equals("sat")) {
                in.write(ifSat.getBytes(StandardCharsets.US_ASCII));
            }
            in.write("(exit)\n".getBytes(StandardCharsets.US_ASCII));
            in.close();
            StringBuilder rest = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                rest.append(line).append('\n');
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new ProofException("z3 did not exit after answering");
            }
            if (p.exitValue() != 0) {
                throw new ProofException("z3 exited " + p.exitValue() + ": " + rest.toString().strip());
            }
            return new Answer(status, rest.toString());
        } catch (IOException e) {
            throw new ProofException("z3: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProofException("interrupted", e);
        } finally {
            p.destroy();
        }
    }

    private Process start(List<String> cmd) throws ProofException {
        try {
            return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new SolverMissingException(exe + " cannot be run (" + e.getMessage() + "): " + INSTALL);
        }
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    }
}
