package dev.jbox.cli;

import dev.jbox.launch.LandlockScope;
import dev.jbox.launch.LaunchException;
import dev.jbox.launch.Launcher;
import dev.jbox.launch.Sandbox;
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

    /**
     * What the walls add, one comment line each: Landlock's scope (decided as the exec will
     * decide it, which also puts that step in the AOT cache's training), and what became of
     * each credential place (masks.tsv) that exists here: where it is masked, or why it shows.
     */
    static void walls(Sandbox sandbox, Launcher.Plan plan) {
        StringBuilder sb = new StringBuilder("# landlock: ").append(LandlockScope.of(plan.bwrap()).describe())
                .append('\n');
        for (Sandbox.Secret s : sandbox.secrets()) {
            if (!s.maskedAt().isEmpty()) {
                sb.append("# masked ").append(s.name()).append(": ").append(String.join(", ", s.maskedAt()));
            } else {
                sb.append("# not masked ").append(s.name()).append(": ").append(s.host()).append(" (")
                        .append(s.shown().orElse("not visible in the sandbox")).append(')');
            }
            sb.append('\n');
        }
        System.out.print(sb);
    }

    static String quote(String s) {
        return SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
