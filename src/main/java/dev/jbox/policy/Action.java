package dev.jbox.policy;

/**
 * What the kernel does with a system call that a rule matched. The encoding into
 * {@code SECCOMP_RET_*} values lives in the compiler; this is only the intent.
 *
 * <p>The records spell out equals and hashCode: the compiler compares and hashes actions on
 * every launch, and a record's generated methods are bootstrapped through invokedynamic at
 * first use, which the AOT cache does not keep (~1-2 ms each; docs/STARTUP.md).
 */
public sealed interface Action {

    /** Let the call through. */
    record Allow() implements Action {
        @Override public boolean equals(Object o) { return o instanceof Allow; }
        @Override public int hashCode() { return 1; }
        @Override public String toString() { return "allow"; }
    }

    /** Fail the call with {@code -errno} without running it. */
    record Errno(int errno) implements Action {
        public Errno {
            // The kernel caps the returned errno at MAX_ERRNO (4095); larger data would
            // be returned as a bogus positive value.
            if (errno < 0 || errno > 4095) {
                throw new IllegalArgumentException("errno out of range 0..4095: " + errno);
            }
        }
        @Override public boolean equals(Object o) { return o instanceof Errno e && e.errno == errno; }
        @Override public int hashCode() { return 0x10000 + errno; }
        @Override public String toString() { return "errno(" + Errnos.name(errno) + ")"; }
    }

    /** Kill the whole process (thread group) with SIGSYS. */
    record KillProcess() implements Action {
        @Override public boolean equals(Object o) { return o instanceof KillProcess; }
        @Override public int hashCode() { return 2; }
        @Override public String toString() { return "kill-process"; }
    }

    /** Kill only the calling thread with SIGSYS. */
    record KillThread() implements Action {
        @Override public boolean equals(Object o) { return o instanceof KillThread; }
        @Override public int hashCode() { return 3; }
        @Override public String toString() { return "kill-thread"; }
    }

    /** Deliver SIGSYS to the thread (a handler may emulate the call). */
    record Trap() implements Action {
        @Override public boolean equals(Object o) { return o instanceof Trap; }
        @Override public int hashCode() { return 4; }
        @Override public String toString() { return "trap"; }
    }

    /** Allow the call, but log it to the kernel audit log. */
    record Log() implements Action {
        @Override public boolean equals(Object o) { return o instanceof Log; }
        @Override public int hashCode() { return 5; }
        @Override public String toString() { return "log"; }
    }

    /** Notify a ptrace tracer with the given 16-bit message; ENOSYS without one. */
    record Trace(int data) implements Action {
        public Trace {
            if (data < 0 || data > 0xFFFF) {
                throw new IllegalArgumentException("trace data out of range 0..65535: " + data);
            }
        }
        @Override public boolean equals(Object o) { return o instanceof Trace t && t.data == data; }
        @Override public int hashCode() { return 0x20000 + data; }
        @Override public String toString() { return "trace(" + data + ")"; }
    }

    /**
     * Suspend the call and ask the process holding the filter's listener fd (seccomp user
     * notification, {@code SECCOMP_RET_USER_NOTIF}); with no listener the kernel fails the
     * call with ENOSYS. Only jbox's own report and learn filters use it: the listener
     * answers with the verdict of the profile it enforces, so this is not a verdict itself.
     */
    record Notify() implements Action {
        @Override public boolean equals(Object o) { return o instanceof Notify; }
        @Override public int hashCode() { return 6; }
        @Override public String toString() { return "notify"; }
    }

    Action ALLOW = new Allow();
    Action NOTIFY = new Notify();
    Action KILL_PROCESS = new KillProcess();
    Action KILL_THREAD = new KillThread();
    Action TRAP = new Trap();
    Action LOG = new Log();

    static Action errno(int errno) {
        return new Errno(errno);
    }

    /** True for every action that stops the call from running as asked. */
    default boolean denies() {
        return !(this instanceof Allow) && !(this instanceof Log) && !(this instanceof Notify);
    }
}
