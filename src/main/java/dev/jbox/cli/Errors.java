package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.launch.LaunchException;
import dev.jbox.nativ.NativeException;
import dev.jbox.proof.ProofException;
import dev.jbox.seccomp.CompileException;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.config.Suggest;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one place where errors become exit codes and one line on stderr.
 *
 * <p>{@code run}, {@code learn} and {@code bwrap} pass the command's own status through, so
 * their own errors, usage errors included, use 125 (like {@code env}, {@code timeout},
 * {@code docker run}), 126 for a command that cannot be executed and 127 for one that is not
 * found. The other commands (compile, check, explain, disasm, ...) and jbox itself exit 2 on
 * bad input, like most Unix tools ({@link Jbox#EXIT_STATUSES} documents them).
 */
final class Errors {
    private Errors() {
    }

    static final int LAUNCH_ERROR = 125;
    static final int NOT_EXECUTABLE = 126;
    static final int NOT_FOUND = 127;
    static final int USAGE = 2;

    /** Commands whose other exit codes belong to the sandboxed command. */
    static boolean isLauncher(CommandLine cl) {
        String n = cl.getCommandName();
        return n.equals("run") || n.equals("bwrap") || n.equals("learn");
    }

    static int errorCode(CommandLine cl) {
        return isLauncher(cl) ? LAUNCH_ERROR : USAGE;
    }

    static int onBadUsage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        cl.getErr().println(name + ": " + usageMessage(ex));
        return errorCode(cl);
    }

    /**
     * One helpful line for a usage error: the nearest option or command when something was
     * mistyped, what the command would do with an argument it does not take, else picocli's
     * message; with where to look when there is nothing nearer to say.
     */
    static String usageMessage(CommandLine.ParameterException ex) {
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        String seeHelp = " (see '" + spec.qualifiedName() + " --help')";
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return ex.getMessage() + seeHelp;
        }
        String arg = u.getUnmatched().getFirst();
        if (u.isUnknownOption()) {
            List<String> near = u.getSuggestions(); // picocli's, from the command's own options
            return "unknown option '" + arg + "'" + (near.isEmpty() ? seeHelp
                    : " (did you mean " + String.join(", ", near) + "?)");
        }
        if (!spec.subcommands().isEmpty()) {
            // by edit distance, as for profile and syscall names: picocli's similarity offers
            // 'learn' for 'rn' and 'profiles' for 'frobnicate'
            List<String> near = Suggest.nearest(arg, spec.subcommands().keySet());
            return "unknown command '" + arg + "'" + (near.isEmpty()
                    ? "; the commands are " + String.join(", ", spec.subcommands().keySet()) + seeHelp
                    : " (did you mean " + String.join(", ", near) + "?)");
        }
        Optional<String> hint = spec.userObject() instanceof Subcommand s ? s.unexpected(arg) : Optional.empty();
        return hint.orElse("unexpected argument '" + arg + "'" + seeHelp);
    }

    static int onFailure(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        return report(ex, isLauncher(cl), cl.getErr());
    }

    /**
     * Says what went wrong in one line on {@code err} and returns the exit code for it.
     *
     * @param launcher whether the command's other exit codes are the sandboxed command's
     */
    static int report(Exception ex, boolean launcher, PrintWriter err) {
        if (Debug.enabled) {
            ex.printStackTrace(err);
        }
        String name = "jbox";
        int code = launcher ? LAUNCH_ERROR : USAGE;
        String msg = switch (ex) {
            case LaunchException le -> {
                code = switch (le.kind()) {
                    case NOT_FOUND -> NOT_FOUND;
                    case NOT_EXECUTABLE -> NOT_EXECUTABLE;
                    case BWRAP_MISSING, FAILED -> code;
                };
                yield le.getMessage();
            }
            case ConfigException ce -> ce.getMessage();
            case ProofException pe -> {
                code = ProofException.EXIT; // neither proven nor refuted: never 0, never 1
                yield pe.getMessage();
            }
            case CompileException ce -> "cannot compile the filter: " + ce.getMessage();
            case InvalidProgramException ip -> "invalid BPF program: " + ip.getMessage();
            case NativeException ne -> ne.getMessage();
            case UsageException ue -> ue.getMessage();
            case java.nio.file.NoSuchFileException nf -> "no such file: " + nf.getMessage();
            case java.io.IOException io -> io.getMessage() == null ? io.toString() : io.getMessage();
            default -> "internal error: " + ex + (Debug.enabled ? "" : " (run with --debug for details)");
        };
        msg = msg.replace("\r", "\\r").replace("\n", "\\n"); // one line, whatever a library said
        if (launcher && code == LAUNCH_ERROR) {
            msg = msg + "; nothing was run";
        }
        err.println(name + ": " + msg);
        err.flush();
        return code;
    }

    /** A problem with how options were combined, found after parsing. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Set by --debug. */
    static final class Debug {
        static boolean enabled;

        private Debug() {
        }
    }
}
