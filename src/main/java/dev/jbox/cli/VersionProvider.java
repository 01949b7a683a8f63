package dev.jbox.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Jbox.class.getPackage().getImplementationVersion();
        return new String[] {
                "jbox " + (v == null ? "dev" : v),
                runtime(),
                bwrap()
        };
    }

    /**
     * The Java runtime jbox runs on and where it is: "JDK 25.0.3+9-LTS (Eclipse Adoptium,
     * /usr/lib/jvm/temurin-25-jdk-amd64)" from a checkout, "runtime 25.0.3+9-LTS (Eclipse
     * Adoptium, bundled: /usr/lib/jbox/runtime)" for an installed jbox, whose runtime is the
     * jlink image next to its jar (HOME/runtime beside HOME/lib/jbox.jar).
     */
    private static String runtime() {
        java.nio.file.Path home = java.nio.file.Path.of(System.getProperty("java.home"));
        boolean bundled = home.getParent() != null
                && java.nio.file.Files.isRegularFile(home.resolveSibling("lib").resolve("jbox.jar"));
        return (bundled ? "runtime " : "JDK ") + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vm.vendor") + ", " + (bundled ? "bundled: " : "") + home + ")";
    }

    /** "bwrap 0.8.0 (/usr/bin/bwrap)", or why there is none. */
    private static String bwrap() {
        java.util.Map<String, String> env = System.getenv();
        try {
            java.nio.file.Path p = dev.jbox.launch.Bwrap.locate(env.get("PATH"), env.get("JBOX_BWRAP"), env.get("JBOX_SELF"));
            return "bwrap " + dev.jbox.launch.BwrapVersion.of(p, env) + " (" + p + ")";
        } catch (dev.jbox.launch.LaunchException e) {
            return "bwrap: " + e.getMessage();
        }
    }
}
