package dev.jbox.seccomp;

import dev.jbox.policy.Action;

/** The {@code SECCOMP_RET_*} encoding of actions ({@code linux/seccomp.h}). */
public final class Ret {
    private Ret() {
    }

    public static final int KILL_PROCESS = 0x80000000;
    public static final int KILL_THREAD = 0x00000000;
    public static final int TRAP = 0x00030000;
    public static final int ERRNO = 0x00050000;
    public static final int USER_NOTIF = 0x7fc00000;
    public static final int TRACE = 0x7ff00000;
    public static final int LOG = 0x7ffc0000;
    public static final int ALLOW = 0x7fff0000;
    public static final int ACTION_FULL = 0xffff0000;
    public static final int DATA = 0x0000ffff;

    public static int encode(Action action) {
        return switch (action) {
            case Action.Allow a -> ALLOW;
            case Action.Errno e -> ERRNO | e.errno();
            case Action.KillProcess k -> KILL_PROCESS;
            case Action.KillThread k -> KILL_THREAD;
            case Action.Trap t -> TRAP;
            case Action.Log l -> LOG;
            case Action.Trace t -> TRACE | t.data();
            case Action.Notify n -> USER_NOTIF;
        };
    }

    /**
     * The action the kernel takes for a filter's return value. Unknown action values are
     * treated by the kernel as KILL_PROCESS; data above MAX_ERRNO is capped to 4095.
     */
    public static Action decode(int ret) {
        int action = ret & ACTION_FULL;
        int data = ret & DATA;
        return switch (action) {
            case ALLOW -> Action.ALLOW;
            case ERRNO -> Action.errno(Math.min(data, 4095));
            case KILL_THREAD -> Action.KILL_THREAD;
            case TRAP -> Action.TRAP;
            case LOG -> Action.LOG;
            case TRACE -> new Action.Trace(data);
            case USER_NOTIF -> Action.NOTIFY;
            default -> Action.KILL_PROCESS;
        };
    }

    /** Text for a return value in the style of seccomp-tools. */
    public static String describe(int ret) {
        int action = ret & ACTION_FULL;
        int data = ret & DATA;
        return switch (action) {
            case ALLOW -> "ALLOW";
            case ERRNO -> "ERRNO(" + dev.jbox.policy.Errnos.name(data) + ")";
            case KILL_THREAD -> "KILL_THREAD";
            case KILL_PROCESS -> "KILL_PROCESS";
            case TRAP -> "TRAP";
            case LOG -> "LOG";
            case TRACE -> "TRACE(" + data + ")";
            case USER_NOTIF -> "USER_NOTIF";
            default -> String.format("0x%08x (KILL_PROCESS)", ret);
        };
    }
}
