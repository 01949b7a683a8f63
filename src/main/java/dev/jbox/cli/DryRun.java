package dev.jbox.cli;

import dev.jbox.launch.LaunchException;
import dev.jbox.launch.Launcher;
import dev.jbox.nativ.Posix;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code --dry-run}: the whole launch path up to {@code execve} (the filter compiled, bwrap
 * checked for --seccomp, the filter written to a sealed memfd, the process state prepared),
 * then bwrap's command line printed instead of run. It also
 * serves as the training run for the AOT cache, which an exec'ing run never writes.
 */
final class DryRun {
    private DryRun() {
    }

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    /**
     * Prepares the launch as {@code run} would (the sealed memfd, the fds and limits the
     * command would inherit) and prints bwrap's command line instead of running it.
     */
    static void print(Launcher.Plan plan, long nofileSoft) throws LaunchException {
        Launcher.Prepared p = Launcher.prepare(plan, nofileSoft);
        List<String> argv = p.argv();
        StringBuilder sb = new StringBuilder(plan.bwrap().toString());
        for (String a : argv.subList(1, argv.size())) {
            sb.append(' ').append(quote(a));
        }
        if (p.filterFd() >= 0) {
            sb.append("   # fd ").append(p.filterFd()).append(": sealed memfd, ")
                    .append(plan.filter().get().length()).append(" instructions");
            Posix.close(p.filterFd());
        }
        System.out.println(sb);
    }

    static String quote(String s) {
        return SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
