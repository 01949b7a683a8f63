package dev.jbox.cli;

import dev.jbox.launch.PassThrough;
import java.util.Optional;

/**
 * The AOT cache's training run (scripts/lib.sh, jbox_train_aot): the JVM records the classes
 * one run loads and links, so the run must take every launch path a user's call takes:
 * {@code jbox run} (as {@code run --dry-run}, which stops just before execve), once with a
 * preset and once with a profile of the user's own (checked against every ABI's syscall
 * table), and then {@code jbox bwrap} up to the same point, with a line like the ones agent
 * sandboxes send. Without the bwrap step, each {@code jbox bwrap} read ~30 of its classes out
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
        boolean[] prepared = {false};
        BwrapCommand bwrap = new BwrapCommand((req, env, nofileSoft, version) -> {
            PassThrough.prepare(req, nofileSoft, version);
            prepared[0] = true;
        });
        Main.execute(Main.commandLine(BwrapCommand.NAME, Optional.of(bwrap)), BwrapCommand.NAME,
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--unshare-all",
                "--share-net", "--die-with-parent", "--new-session", "--setenv", "JBOX_TRAINING", "1",
                "--chdir", "/", "--", "true");
        System.exit(run == 0 && custom == 0 && prepared[0] ? 0 : 1);
    }
}
