package dev.jbox.cli;

import dev.jbox.launch.PassThrough;
import java.util.List;

/**
 * The AOT cache's training run (scripts/lib.sh, jbox_train_aot): the JVM records the classes
 * one run loads and links, so the run must take every launch path a user's call takes:
 * {@code jbox run} (as {@code run --dry-run}, which stops just before execve), once with a
 * preset and once with a profile of the user's own (checked against every ABI's syscall
 * table), and then {@code jbox bwrap} up to the same point, with a line like the ones agent
 * sandboxes send (given by scripts/lib.sh, which starts this program through jbox's launcher:
 * the environment is the launcher's, as in every launch). Without the bwrap step, each {@code jbox bwrap} read ~30 of its classes out
 * of the jar (~20 ms); without the user's profile, such a run read the tables' classes so
 * (~30 ms). The empty file that masks files is made on a state directory's first run: that too.
 * Not a command: nothing on jbox's command line reaches the bwrap path that does not exec.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws java.io.IOException {
        int run = Main.run("run", "--dry-run", "--", "true");
        // a profile of the user's own: its syscall names are checked against every ABI's table
        java.nio.file.Path config = java.nio.file.Files.createTempFile("jbox-aot-training", ".toml");
        int custom;
        try {
            java.nio.file.Files.writeString(config, "[profiles.trained]\nextends = \"strict\"\nallow = [\"ptrace\"]\n");
            custom = Main.run("run", "--dry-run", "--config", config.toString(), "--profile", "trained", "--", "true");
        } finally {
            java.nio.file.Files.deleteIfExists(config);
        }
        // the empty file that masks files, made on a state directory's first run (config.HostFile)
        java.nio.file.Path state = java.nio.file.Files.createTempDirectory("jbox-aot-training");
        try {
            dev.jbox.launch.Sandbox.emptyFile(java.util.Optional.of(state.resolve("jbox")));
        } finally {
            try (var w = java.nio.file.Files.walk(state)) {
                for (java.nio.file.Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        }
        // a client that starts jbox with no environment (flatpak): the user's directories come
        // from the password database (read here, not in the user's home: the training reads no
        // config of the user's)
        dev.jbox.config.UserDirs.of(java.util.Map.of());
        // jbox bwrap with the line the launcher started this program with ("bwrap ..."), so that the
        // caller's line and environment are read (/proc/self/cmdline, JBOX_CALLER_ENV) as in a launch
        if (args.length == 0 || !args[0].equals(BwrapCommand.NAME)) {
            System.err.println("AotTraining: give a bwrap line to train with: bwrap ARGS...");
            System.exit(2);
        }
        boolean[] prepared = {false};
        BwrapCommand bwrap = new BwrapCommand((req, env, nofileSoft, version) -> {
            PassThrough.prepare(req, nofileSoft, version);
            prepared[0] = true;
        });
        Main.bwrap(bwrap, List.of(args).subList(1, args.length));
        System.exit(run == 0 && custom == 0 && prepared[0] ? 0 : 1);
    }
}
