package dev.jbox.policy;

/** Which syscall ABIs a policy lets run at all. */
public enum ArchScope {
    /** Only the native ABI; the compat ABI (i386 on x86_64, arm on aarch64) is refused. */
    NATIVE("native"),
    /** The native ABI and its compat ABI, each with the policy's rules in its own numbers. */
    NATIVE_COMPAT("native+compat");

    private final String id;

    ArchScope(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
