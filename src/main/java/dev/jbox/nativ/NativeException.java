package dev.jbox.nativ;

/**
 * A failed libc call: carries the call name, the C {@code errno} value and its
 * {@code strerror} text. The message reads {@code "<call>: <strerror> (errno <n>)"},
 * for example {@code "memfd_create: Function not implemented (errno 38)"}.
 */
public final class NativeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final String strerror;

    /** Creates the exception, looking the text up with {@code strerror(errno)}. */
    public NativeException(String call, int errno) {
        this(call, errno, Posix.strerror(errno));
    }

    /** Creates the exception with an explicit error text. */
    public NativeException(String call, int errno, String strerror) {
        super(call + ": " + strerror + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
        this.strerror = strerror;
    }

    /** The libc function that failed, e.g. {@code "fcntl"}. */
    public String call() {
        return call;
    }

    /** The C {@code errno} value (or the error number a function returned directly). */
    public int errno() {
        return errno;
    }

    /** The {@code strerror} text for {@link #errno()}. */
    public String strerror() {
        return strerror;
    }
}
