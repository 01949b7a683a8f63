package dev.jbox.nativ;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.nativ.gen.Libc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Seccomp user notification through the native layer, in this JVM: a throw-away thread
 * installs a filter that notifies getpid only (no_new_privs and the filter stay on that
 * thread, which then ends), this thread answers.
 */
@EnabledOnOs(OS.LINUX)
class NotifyTest {

    private static final long USER_NOTIF = 0x7fc00000L;
    private static final long ALLOW = 0x7fff0000L;

    private static long insn(int code, int jt, int jf, long k) {
        return (code & 0xFFFFL) | ((jt & 0xFFL) << 16) | ((jf & 0xFFL) << 24) | (k << 32);
    }

    @Test
    void theKernelsStructSizesAreAtLeastTheLayoutsRead() {
        int[] sizes = SeccompNotif.sizes();
        assertThat(sizes[0]).isGreaterThanOrEqualTo(80);
        assertThat(sizes[1]).isGreaterThanOrEqualTo(24);
        assertThat(sizes[2]).isEqualTo(64);
    }

    @Test
    void aListenerRefusesAndLetsThroughTheCallsOfTheFilteredThread() throws Exception {
        long getpid = Posix.Sys.GETPID.nr;
        long[] filter = {
                insn(0x20, 0, 0, 0),          // ld [0] (nr)
                insn(0x15, 0, 1, getpid),     // jeq getpid, 0, 1
                insn(0x06, 0, 0, USER_NOTIF), // ret USER_NOTIF
                insn(0x06, 0, 0, ALLOW)};     // ret ALLOW
        CompletableFuture<Integer> listener = new CompletableFuture<>();
        AtomicLongArray results = new AtomicLongArray(2);
        Thread filtered = Thread.ofPlatform().start(() -> {
            try {
                listener.complete(SeccompNotif.installListenerFilter(filter));
            } catch (RuntimeException e) {
                listener.completeExceptionally(e);
                return;
            }
            results.set(0, Libc.getpid()); // refused below with EACCES (glibc's getpid cannot fail: -13 as is)
            results.set(1, Libc.getpid()); // let through: the pid
        });
        int fd = listener.get(10, TimeUnit.SECONDS);
        try (SeccompNotif.Receiver receiver = new SeccompNotif.Receiver(fd)) {
            SeccompNotif.syncWakeUp(fd); // kernel >= 6.6: faster; older: unchanged (covered by the answers below)
            assertThat(SeccompNotif.poll(fd, 10_000)).isEqualTo(1);
            SeccompNotif.Notification first = receiver.receive();
            assertThat(first.nr()).isEqualTo((int) getpid);
            assertThat(receiver.valid(first.id())).isTrue();
            assertThat(receiver.refuse(first.id(), 13)).isTrue();
            assertThat(receiver.valid(first.id())).as("answered").isFalse();
            assertThat(SeccompNotif.poll(fd, 10_000)).isEqualTo(1);
            SeccompNotif.Notification second = receiver.receive();
            assertThat(second.id()).isNotEqualTo(first.id());
            assertThat(second.pid()).isEqualTo(first.pid());
            assertThat(receiver.letThrough(second.id())).isTrue();
            filtered.join(10_000);
            assertThat(results.get(0)).isEqualTo(-13);
            assertThat(results.get(1)).isEqualTo(Posix.getpid());
            // the filtered thread is gone: the filter has no users, the listener hangs up
            assertThat(SeccompNotif.poll(fd, 10_000)).isEqualTo(-1);
        } finally {
            Posix.close(fd);
        }
    }
}
