import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Build step (run by the exec plugin after shading, as a single-file program on the
 * building JDK, so it may use java.lang.classfile): rewrites the classes under a package
 * prefix of a jar to class-file version 52 with generated stack maps.
 *
 * <p>Why: picocli ships Java 5 class files. HotSpot verifies those with the slow inferencing
 * verifier on every start and cannot put them in a CDS/AOT cache ("old class"), so they
 * dominate jbox's start-up. The bytecode itself is unchanged; only the version and the
 * StackMapTable attributes that version 50+ carries are new.
 *
 * <p>Usage: {@code java UpgradeClassVersion.java JAR PREFIX}
 */
public class UpgradeClassVersion {
    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        String prefix = args[1];
        int upgraded = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()});
             FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            ClassTransform version = (cb, element) -> {
                if (element instanceof ClassFileVersion) {
                    cb.withVersion(ClassFile.JAVA_8_VERSION, 0);
                } else {
                    cb.with(element);
                }
            };
            // Rebuilding every method body is what makes the API compute stack maps.
            ClassTransform transform = version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
            List<Path> classes;
            try (var walk = Files.walk(fs.getPath("/" + prefix))) {
                classes = walk.filter(p -> p.toString().endsWith(".class")).toList();
            }
            for (Path p : classes) {
                ClassModel m = cf.parse(Files.readAllBytes(p));
                if (m.majorVersion() >= ClassFile.JAVA_8_VERSION) {
                    continue;
                }
                Files.write(p, cf.transformClass(m, transform));
                upgraded++;
            }
        }
        System.out.println("UpgradeClassVersion: " + upgraded + " classes under " + prefix + " in " + jar
                + " now use class-file version 52");
    }
}
