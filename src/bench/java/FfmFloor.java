import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The floor under any launcher that calls the kernel through FFM, for scripts/bench: the
 * smallest program that makes one system call the way jbox's launch path does (syscall(2)
 * with five variadic longs, errno captured). Its start-up against a hello world's is what
 * FFM itself costs a cold JVM, before any of jbox's own work.
 */
public class FfmFloor {
    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(l, l, l, l, l, l, l),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
        long getpid = System.getProperty("os.arch").equals("amd64") ? 39 : 172;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            long pid = (long) syscall.invokeExact(state, getpid, 0L, 0L, 0L, 0L, 0L);
            System.out.println(pid == ProcessHandle.current().pid() ? "ok" : "wrong pid " + pid);
        }
    }
}
