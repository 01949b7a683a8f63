package dev.jbox.proof;

import static dev.jbox.seccomp.Ret.*;

import dev.jbox.policy.Action;

/**
 * What the kernel does with a filter's return value, as one canonical 32-bit value per
 * action of the policy model, so a program and a policy compare with {@code =}.
 *
 * <p>As kernel/seccomp.c, __seccomp_filter(), reads a return value: the action is
 * {@code ret & SECCOMP_RET_ACTION_FULL}; ERRNO's data is capped at MAX_ERRNO (4095); TRACE's
 * 16 bits reach the tracer; any action value the kernel does not know kills the process.
 * The data of the other actions is not part of jbox's model (a TRAP's si_errno, the unused
 * bits of ALLOW, LOG, USER_NOTIF, KILL_*), so it is not compared.
 *
 * <p>The mapping from the model's actions is written here, not taken from the compiler's
 * {@code Ret.encode}: a wrong encoding there would otherwise agree with itself.
 */
final class KernelActions {
    private KernelActions() {
    }

    /** The SMT function {@code kernel_action}: a program's return value -> its canonical value. */
    static final String DEFINITION = "(define-fun kernel_action ((r (_ BitVec 32))) (_ BitVec 32)\n"
            + "  (let ((a (bvand r " + Words.bv32(ACTION_FULL) + ")) (d (bvand r " + Words.bv32(DATA) + ")))\n"
            + "    (ite (= a " + Words.bv32(ALLOW) + ") " + Words.bv32(ALLOW) + "\n"
            + "    (ite (= a " + Words.bv32(ERRNO) + ") (bvor " + Words.bv32(ERRNO) + " (ite (bvugt d "
            + Words.bv32(4095) + ") " + Words.bv32(4095) + " d))\n"
            + "    (ite (= a " + Words.bv32(KILL_THREAD) + ") " + Words.bv32(KILL_THREAD) + "\n"
            + "    (ite (= a " + Words.bv32(TRAP) + ") " + Words.bv32(TRAP) + "\n"
            + "    (ite (= a " + Words.bv32(LOG) + ") " + Words.bv32(LOG) + "\n"
            + "    (ite (= a " + Words.bv32(TRACE) + ") r\n"
            + "    (ite (= a " + Words.bv32(USER_NOTIF) + ") " + Words.bv32(USER_NOTIF) + "\n"
            + "      " + Words.bv32(KILL_PROCESS) + ")))))))))\n";

    /**
     * {@code kernel_action} on a known return value, computed here (a program's RET K): the
     * formulas then carry canonical constants, which the solver compares far faster than
     * the same function applied to a whole decision tree.
     */
    static int of(int ret) {
        int a = ret & ACTION_FULL;
        int d = ret & DATA;
        return switch (a) {
            case ALLOW, KILL_THREAD, TRAP, LOG, USER_NOTIF -> a;
            case ERRNO -> ERRNO | Math.min(d, 4095);
            case TRACE -> ret;
            default -> KILL_PROCESS;
        };
    }

    /** The canonical value of a policy's action (what {@code kernel_action} gives for a program that returns it). */
    static int of(Action a) {
        return switch (a) {
            case Action.Allow x -> ALLOW;
            case Action.Errno e -> ERRNO | e.errno();
            case Action.KillProcess x -> KILL_PROCESS;
            case Action.KillThread x -> KILL_THREAD;
            case Action.Trap x -> TRAP;
            case Action.Log x -> LOG;
            case Action.Trace t -> TRACE | t.data();
            case Action.Notify x -> USER_NOTIF;
        };
    }
}
