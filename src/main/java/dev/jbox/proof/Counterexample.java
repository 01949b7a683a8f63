package dev.jbox.proof;

import dev.jbox.arch.Arch;
import dev.jbox.policy.Action;
import dev.jbox.seccomp.SeccompData;
import java.util.Arrays;
import java.util.Optional;

/**
 * One input on which two sides decide differently, as the solver found it and the emulator
 * and the reference evaluator confirmed it.
 *
 * @param input      the {@code seccomp_data} (words the solver left free are 0)
 * @param nativeArch the native architecture the sides were compiled or read for
 * @param left       what the first side does: the policy's verdict, the first program's, or the
 *                   action a declared difference expects
 * @param right      what the (second) program does
 * @param rightRet   that program's raw return value
 * @param why        why the first side decides so (the policy's rule or default, or what it returned)
 */
public record Counterexample(SeccompData input, Arch nativeArch, Action left, Action right, int rightRet,
                             String why) {

    /** {@code seccomp_data.nr}. */
    public int nr() {
        return input.nr();
    }

    /** {@code seccomp_data.arch}. */
    public int archValue() {
        return input.arch();
    }

    /** {@code seccomp_data.instruction_pointer}. */
    public long ip() {
        return input.ip();
    }

    /** {@code seccomp_data.args}. */
    public long[] args() {
        return input.args();
    }

    /** The ABI the call comes through: the native one, its compat ABI, x32 (x86_64's value with the x32 bit), or none. */
    public Optional<Arch> abi() {
        int arch = input.arch();
        if (arch == nativeArch.auditArch()) {
            return Optional.of(nativeArch == Arch.X86_64 && Arch.isX32Number(input.nr()) ? Arch.X32 : nativeArch);
        }
        return Arrays.stream(Arch.values()).filter(a -> a.auditArch() == arch && a != Arch.X32).findFirst();
    }

    /** The syscall's name on that ABI, if its table names the number. */
    public Optional<String> syscall() {
        return abi().flatMap(a -> a.syscalls().name(input.nr()));
    }

    /** "x86_64 socket(0x100000028, 0x0, ...)" or "arch 0x12345678 nr 0x9": the call as a user reads it. */
    public String call() {
        StringBuilder sb = new StringBuilder();
        Optional<Arch> abi = abi();
        sb.append(abi.map(Arch::id).orElse(String.format("arch 0x%08x", input.arch()))).append(' ');
        sb.append(syscall().orElse(String.format("syscall 0x%x", input.nr()))).append('(');
        long[] args = args();
        for (int i = 0; i < args.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format("0x%x", args[i]));
        }
        return sb.append(')').toString();
    }
}
