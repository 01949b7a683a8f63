package dev.jbox.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The one way jbox writes a file on the host ({@code learn -o}, {@code export -o},
 * {@code compile -o}, {@code --report-json}, the trust store, its caches). Such a file often
 * lands in a directory a sandbox could write (the working directory), where it may have left a
 * symbolic link or a hard link to {@code ~/.bashrc} at the target's name. So the target's
 * directory is opened once, when the {@code HostFile} is made ({@code learn} makes it before
 * the sandbox starts), and the file is written whole into a temporary file created in that
 * directory relative to its descriptor without following links ({@code openat} with
 * {@code O_CREAT|O_EXCL|O_NOFOLLOW}), then renamed over the target ({@code renameat}): a link
 * at the target is replaced, never written through. Links in the directory's own path are
 * followed, as the user wrote them.
 */
public final class HostFile implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path target;
    private final SecureDirectoryStream<Path> dir;
    private final Path name;

    private HostFile(Path target, SecureDirectoryStream<Path> dir, Path name) {
        this.target = target;
        this.dir = dir;
        this.name = name;
    }

    /**
     * Opens the directory {@code target} will be written in.
     *
     * @throws IOException if the directory cannot be opened, {@code target} names no file
     *                     (ends in "/", ".", ".."), or the platform has no directory-relative calls
     */
    public static HostFile open(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path name = abs.getFileName();
        String n = name == null ? "" : name.toString();
        if (n.isEmpty() || n.equals(".") || n.equals("..") || target.toString().endsWith("/")) {
            throw new IOException(target + ": not a file name");
        }
        DirectoryStream<Path> ds = Files.newDirectoryStream(abs.getParent());
        if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
            ds.close();
            throw new IOException(abs.getParent() + ": cannot write safely here (no directory-relative file calls)");
        }
        return new HostFile(abs, sds, name);
    }

    /** The file this writes. */
    public Path target() {
        return target;
    }

    /** Writes {@code data} as the whole file, created with mode 0666 less the umask. */
    public void write(byte[] data) throws IOException {
        write(data, null);
    }

    /**
     * Writes {@code data} as the whole file: a temporary file in the directory (never following
     * a link), then a rename over the target.
     *
     * @param perms the new file's permissions (before the umask), or null for 0666
     */
    public void write(byte[] data, Set<PosixFilePermission> perms) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileAttribute<?>[] attrs = perms == null ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)};
        Path tmp = null;
        SeekableByteChannel ch = null;
        for (int attempt = 0; ch == null; attempt++) {
            byte[] r = new byte[6];
            RANDOM.nextBytes(r);
            tmp = Path.of("." + name + ".jbox-" + HexFormat.of().formatHex(r) + ".tmp");
            try {
                ch = dir.newByteChannel(tmp, options, attrs);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 9) {
                    throw e;
                }
            }
        }
        boolean moved = false;
        try {
            try (SeekableByteChannel c = ch) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    c.write(b);
                }
            }
            dir.move(tmp, dir, name);
            moved = true;
        } finally {
            if (!moved) {
                try {
                    dir.deleteFile(tmp);
                } catch (IOException ignored) {
                    // the error that brought us here is the one to report
                }
            }
        }
    }

    /** Opens, writes and closes: for a file whose directory nothing runs in between. */
    public static void write(Path target, byte[] data) throws IOException {
        try (HostFile f = open(target)) {
            f.write(data);
        }
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }
}
