package dev.jbox.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Jbox.class.getPackage().getImplementationVersion();
        return new String[] {
                "jbox " + (v == null ? "dev" : v),
                "JDK " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")",
                bwrap()
        };
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
