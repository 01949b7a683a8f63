package dev.jbox.launch;

import dev.jbox.nativ.NativeException;
import dev.jbox.nativ.Posix;
import dev.jbox.nativ.SeccompNotif;
import dev.jbox.policy.Policy;
import dev.jbox.seccomp.Program;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * The launch path of {@code run --report} and {@code learn}: bwrap supervised as with
 * {@code --forward-signals}, but under a notifying filter that jbox installs itself, since
 * bwrap's {@code --seccomp} loads programs with prctl, which cannot hand back a listener.
 *
 * <p>Threads, and why:
 * <ul>
 *   <li>the answering thread ({@link Notifier}) starts first: glibc's posix_spawn tries clone3
 *       and waits for the child's execve, both notified, so someone must already be answering,
 *       and it must not be a child of the filtered thread (it would carry the filter);</li>
 *   <li>a dedicated spawning thread sets no_new_privs on itself only, installs the filter with
 *       SECCOMP_FILTER_FLAG_NEW_LISTENER, hands the listener over and posix_spawns bwrap, which
 *       inherits the filter; it then stays alive until bwrap has been reaped, because
 *       {@code --die-with-parent} (PR_SET_PDEATHSIG) follows the parent <em>thread</em>;</li>
 *   <li>the main thread supervises as {@link Supervisor} does (signals, time limit, exit status).</li>
 * </ul>
 * The notifying filter is the enforcement: bwrap gets no {@code --seccomp} (an ERRNO filter
 * stacked with it would outrank the notification and hide the call). If jbox dies, the
 * listener closes and every notified call fails with ENOSYS; {@code --die-with-parent} then
 * ends the sandbox.
 */
public final class NotifyLaunch {
    private NotifyLaunch() {
    }

    /**
     * How a notified run went.
     *
     * @param exitStatus    the status jbox exits with (the command's, or Supervisor's own)
     * @param log           the calls recorded after the command's first exec
     * @param notifications how many notifications were answered
     * @param answerNanos   the time spent answering them (receive to send, summed)
     * @param commandExec     the file name bwrap exec'd the command as (its last execvp attempt)
     */
    public record Result(int exitStatus, CallLog log, long notifications, long answerNanos, String commandExec) {
    }

    /**
     * Refuses to start when a notifying filter cannot work here: a setuid bwrap (no_new_privs
     * keeps it from gaining root, so it cannot set up the sandbox), or a kernel without seccomp
     * user notification.
     */
    public static void requireUsable(Path bwrap, String what) throws LaunchException {
        try {
            Object mode = Files.getAttribute(bwrap, "unix:mode");
            if (mode instanceof Integer m && (m & 04000) != 0) {
                throw new LaunchException(LaunchException.Kind.FAILED, what + " needs a bwrap that is not setuid ("
                        + bwrap + " is): it runs bwrap under no_new_privs, which keeps a setuid bwrap from setting up"
                        + " the sandbox");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot read " + bwrap + ": " + e.getMessage(), e);
        }
        try {
            int[] sizes = SeccompNotif.sizes();
            if (sizes[0] < 80 || sizes[1] < 24) {
                throw new LaunchException(LaunchException.Kind.FAILED, what + ": unexpected seccomp notification sizes "
                        + sizes[0] + "/" + sizes[1]);
            }
        } catch (NativeException e) {
            throw new LaunchException(LaunchException.Kind.FAILED, what + " needs seccomp user notification"
                    + " (Linux >= 5.5): " + e.getMessage(), e);
        }
    }

    /**
     * The programs of a notified run, compiled by the launch session ({@link Session}).
     *
     * @param policy   the profile whose verdicts are given (for learn: the base)
     * @param filter   the notifying filter jbox installs ({@code policy.NotifyingPolicies}: reporting or learning)
     * @param verdicts {@code policy}'s own program, run in the emulator to answer each notification
     */
    public record Programs(Policy policy, Program filter, Program verdicts) {
    }

    /**
     * {@code run --report}: the command runs under the profile, refused calls answered with
     * the profile's errno (let through in complain mode) and recorded.
     */
    public static Result report(Launcher.Plan plan, Programs programs, boolean complain, List<String> env,
                                long nofileSoft, Supervisor.Limits limits, PrintStream err) throws LaunchException {
        return run(plan, programs, complain ? Notifier.Mode.COMPLAIN : Notifier.Mode.REPORT, env, nofileSoft, limits,
                err);
    }

    /**
     * {@code learn}: every call outside the core is notified, let through unless the base
     * refuses it, and recorded.
     */
    public static Result learn(Launcher.Plan plan, Programs programs, List<String> env, long nofileSoft,
                               Supervisor.Limits limits, PrintStream err) throws LaunchException {
        return run(plan, programs, Notifier.Mode.LEARN, env, nofileSoft, limits, err);
    }

    private static Result run(Launcher.Plan plan, Programs programs, Notifier.Mode mode, List<String> env,
                              long nofileSoft, Supervisor.Limits limits, PrintStream err) throws LaunchException {
        Program filter = programs.filter();
        CallLog log = new CallLog();
        CompletableFuture<Integer> listener = new CompletableFuture<>();
        Notifier notifier = new Notifier(mode, programs.policy(), programs.verdicts(), plan.bwrap(), log, listener);
        Thread answering = Thread.ofPlatform().daemon().name("jbox-notify").start(notifier);
        CountDownLatch reaped = new CountDownLatch(1);
        Thread[] spawning = new Thread[1];
        LandlockScope scope = LandlockScope.of(plan.bwrap());
        Supervisor.Spawner spawner = (path, argv, envp, fds, group) -> {
            CompletableFuture<Integer> pid = new CompletableFuture<>();
            spawning[0] = Thread.ofPlatform().daemon().name("jbox-spawn").start(() -> {
                try {
                    notifier.spawningThread(threadId());
                    scope.enter(); // before the listener's filter, so its calls are never notified
                    listener.complete(SeccompNotif.installListenerFilter(filter.packed()));
                    pid.complete(Posix.spawn(path, argv, envp, fds, group));
                } catch (RuntimeException e) {
                    listener.completeExceptionally(e);
                    pid.completeExceptionally(e);
                    return;
                }
                // bwrap's --die-with-parent follows this thread: keep it until bwrap is reaped
                awaitUninterruptibly(reaped);
            });
            try {
                return pid.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        };
        // no --seccomp: the notifying filter is the enforcement (see the class comment)
        Launcher.Plan unfiltered = new Launcher.Plan(plan.bwrap(), plan.options(), plan.command(), Optional.empty());
        int status;
        try {
            status = Supervisor.run(unfiltered, env, nofileSoft, limits, err, spawner);
        } finally {
            reaped.countDown();
            if (spawning[0] != null) {
                joinQuietly(spawning[0], 5000);
            }
            // with the spawning thread gone and bwrap reaped, the filter has no users left:
            // the listener reports POLLHUP and the loop ends; stop() covers a stray process
            joinQuietly(answering, 2000);
            notifier.stop();
            joinQuietly(answering, 1000);
            if (listener.isDone() && !listener.isCompletedExceptionally()) {
                try {
                    Posix.close(listener.join());
                } catch (NativeException ignored) {
                    // closing is best effort
                }
            }
        }
        if (notifier.failure().isPresent()) {
            throw new LaunchException(LaunchException.Kind.FAILED, "the seccomp listener failed: "
                    + notifier.failure().get().getMessage() + " (calls it should have answered failed with ENOSYS)",
                    notifier.failure().get());
        }
        long[] stats = notifier.stats();
        return new Result(status, log, stats[0], stats[1], notifier.commandExec());
    }

    /** The calling thread's kernel tid, from /proc/thread-self ("PID/task/TID"). */
    private static int threadId() {
        try {
            String link = java.nio.file.Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
            return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
        } catch (IOException | RuntimeException e) {
            throw new NativeException("readlink(/proc/thread-self)", 2, "cannot tell this thread's id: " + e);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
