package dev.jbox.arch;

/**
 * One entry of a {@link SyscallTable}: a syscall name and the number seccomp sees for it
 * on that table's architecture (for x32, with {@link Arch#X32_SYSCALL_BIT} already set).
 */
public record Syscall(String name, int nr) {
}
