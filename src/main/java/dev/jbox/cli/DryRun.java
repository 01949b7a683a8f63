package dev.jbox.cli;

import dev.jbox.launch.Launcher;
import dev.jbox.nativ.Posix;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code --dry-run}: the whole launch path up to {@code execve} (the filter compiled,
 * written to a sealed memfd), then bwrap's command line printed instead of run. It also
 * serves as the training run for the AOT cache, which an exec'ing run never writes.
 */
final class DryRun {
    private DryRun() {
    }

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    static void print(Launcher.Plan plan) {
        int fd = -1;
        if (plan.filter().isPresent()) {
            fd = Posix.sealedFilterFd("jbox-seccomp", plan.filter().get().packed());
        }
        List<String> argv = plan.argv(fd);
        StringBuilder sb = new StringBuilder(plan.bwrap().toString());
        for (String a : argv.subList(1, argv.size())) {
            sb.append(' ').append(quote(a));
        }
        if (fd >= 0) {
            sb.append("   # fd ").append(fd).append(": sealed memfd, ")
                    .append(plan.filter().get().length()).append(" instructions");
            Posix.close(fd);
        }
        System.out.println(sb);
    }

    static String quote(String s) {
        return SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
