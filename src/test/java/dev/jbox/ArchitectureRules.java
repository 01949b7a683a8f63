package dev.jbox;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * jbox's layering (docs/DESIGN.md), as ArchUnit rules: arrows point down only,
 * {@code cli > review > launch > {config, proof > seccomp} > policy > arch}, with {@code nativ} under
 * {@code launch} and {@code nativ.gen} under {@code nativ} alone. {@code cli} parses and renders:
 * of {@code seccomp} and {@code nativ} it sees only the error types {@code cli/Errors} maps. Every
 * decision of what a command shows or launches is the launch session's ({@code launch.Session}):
 * it alone compiles a policy, verifies trust, makes a trust gate and lays out a sandbox.
 * {@link ArchitectureTest} holds the main classes to these rules; {@link ArchitectureRulesTest}
 * shows that each rule catches what it is for.
 */
public final class ArchitectureRules {
    private ArchitectureRules() {
    }

    static final String CLI = "dev.jbox.cli..";
    static final String REVIEW = "dev.jbox.review..";
    static final String LAUNCH = "dev.jbox.launch..";
    static final String CONFIG = "dev.jbox.config..";
    static final String SECCOMP = "dev.jbox.seccomp..";
    static final String PROOF = "dev.jbox.proof..";
    static final String POLICY = "dev.jbox.policy..";
    static final String ARCH = "dev.jbox.arch..";
    static final String NATIV = "dev.jbox.nativ";
    static final String NATIV_GEN = "dev.jbox.nativ.gen..";

    /** The launch session: the one class (with its nested types) that decides what a command gets. */
    static final String SESSION = "dev.jbox.launch.Session";

    /** The error types of seccomp and nativ that cli maps to exit codes (cli/Errors): all cli may see of them. */
    static final java.util.Set<String> MAPPED_ERRORS = java.util.Set.of("dev.jbox.seccomp.CompileException",
            "dev.jbox.seccomp.InvalidProgramException", "dev.jbox.nativ.NativeException");

    /** Every arrow points down: a layer is used only by the layers above it. */
    @ArchTest
    public static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true) // EVERY_PACKAGE_IN_A_LAYER and the main classes keep them filled
            .layer("cli").definedBy(CLI)
            .layer("review").definedBy(REVIEW)
            .layer("launch").definedBy(LAUNCH)
            .layer("config").definedBy(CONFIG)
            .layer("seccomp").definedBy(SECCOMP)
            .layer("proof").definedBy(PROOF)
            .layer("policy").definedBy(POLICY)
            .layer("arch").definedBy(ARCH)
            .layer("nativ").definedBy(NATIV)
            .layer("nativ.gen").definedBy(NATIV_GEN)
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("review").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("launch").mayOnlyBeAccessedByLayers("cli", "review")
            .whereLayer("config").mayOnlyBeAccessedByLayers("launch", "review", "cli")
            .whereLayer("seccomp").mayOnlyBeAccessedByLayers("proof", "launch", "review", "cli")
            .whereLayer("proof").mayOnlyBeAccessedByLayers("launch", "review", "cli")
            .whereLayer("policy").mayOnlyBeAccessedByLayers("config", "seccomp", "proof", "launch", "review", "cli")
            .whereLayer("nativ").mayOnlyBeAccessedByLayers("launch", "cli")
            .whereLayer("nativ.gen").mayOnlyBeAccessedByLayers("nativ")
            .whereLayer("arch").mayOnlyBeAccessedByLayers("policy", "config", "seccomp", "proof", "launch", "review", "cli",
                    "nativ")
            .as("layers: cli > review > launch > {config, proof > seccomp} > policy > arch; nativ under launch;"
                    + " nativ.gen under nativ");

    /** The launch session and its nested types. */
    static final DescribedPredicate<JavaClass> THE_SESSION = describe("the launch session (" + SESSION + ")",
            (JavaClass c) -> c.getName().equals(SESSION) || c.getName().startsWith(SESSION + "$"));

    /** A call to a member of class {@code owner} (binary name) whose name matches {@code name}. */
    static DescribedPredicate<JavaCall<?>> calls(String owner, String name) {
        return target(owner(describe(owner, (JavaClass c) -> c.getName().equals(owner))))
                .and(target(nameMatching(name)));
    }

    /** Only the session compiles a policy: every command shows or applies the program it resolved. */
    @ArchTest
    public static final ArchRule ONLY_THE_SESSION_COMPILES = noClasses()
            .that(not(THE_SESSION)).and().resideOutsideOfPackage(SECCOMP)
            .should().callMethodWhere(calls("dev.jbox.seccomp.Compiler", "compile.*"))
            .as("only the launch session compiles a policy (seccomp.Compiler.compile)");

    /** Only the session verifies trust or makes a trust gate: one trust rule, applied in one place. */
    @ArchTest
    public static final ArchRule ONLY_THE_SESSION_DECIDES_TRUST = noClasses()
            .that(not(THE_SESSION)).and().doNotHaveFullyQualifiedName("dev.jbox.config.Trust")
            .should().callMethodWhere(calls("dev.jbox.config.Trust", "verify"))
            .orShould().callConstructorWhere(calls("dev.jbox.config.Trust$Gate", "<init>"))
            .as("only the launch session verifies trust (Trust.verify) or makes a trust gate (Trust.Gate)");

    /** Only the session lays out a sandbox: the layout is built in one place. */
    @ArchTest
    public static final ArchRule ONLY_THE_SESSION_LAYS_OUT = noClasses()
            .that(not(THE_SESSION)).and().doNotHaveFullyQualifiedName("dev.jbox.launch.Sandbox$Layout")
            .should().callConstructorWhere(calls("dev.jbox.launch.Sandbox$Layout", "<init>"))
            .orShould().callMethodWhere(calls("dev.jbox.launch.Sandbox", "standard"))
            .as("only the launch session lays out a sandbox (new Sandbox.Layout, Sandbox.standard)");

    /** cli renders values: of seccomp and nativ it knows only the errors it maps to exit codes. */
    @ArchTest
    public static final ArchRule CLI_SEES_ONLY_MAPPED_ERRORS = noClasses()
            .that().resideInAPackage(CLI)
            .should().dependOnClassesThat(describe("are in seccomp or nativ and are not an error type cli/Errors maps",
                    (JavaClass c) -> (c.getPackageName().startsWith("dev.jbox.seccomp")
                            || c.getPackageName().startsWith("dev.jbox.nativ"))
                            && !MAPPED_ERRORS.contains(c.getName())))
            .as("cli uses nothing of seccomp or nativ but the error types it maps (cli/Errors)");

    /** No package outside the layers: a new package must be placed in the graph above. */
    @ArchTest
    public static final ArchRule EVERY_PACKAGE_IN_A_LAYER = classes()
            .should().resideInAnyPackage(CLI, REVIEW, LAUNCH, CONFIG, SECCOMP, PROOF, POLICY, ARCH, NATIV, NATIV_GEN)
            .as("every class belongs to one of the layers");

    /** The FFM API is nativ's alone: everything above sees ints, longs, strings and NativeException. */
    @ArchTest
    public static final ArchRule ONLY_NATIV_TOUCHES_FOREIGN = noClasses()
            .that().resideOutsideOfPackages(NATIV, NATIV_GEN)
            .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
            .as("only nativ touches java.lang.foreign");

    /** The generated bindings are nativ's implementation, never used past it. */
    @ArchTest
    public static final ArchRule ONLY_NATIV_USES_GEN = noClasses()
            .that().resideOutsideOfPackages(NATIV, NATIV_GEN)
            .should().dependOnClassesThat().resideInAPackage(NATIV_GEN)
            .as("only nativ uses nativ.gen");

    /** ProcessBuilder, Runtime.exec and Posix's spawn/execve entry points: launch's alone. */
    @ArchTest
    public static final ArchRule ONLY_LAUNCH_STARTS_PROCESSES = noClasses()
            .that().resideOutsideOfPackages(LAUNCH, NATIV)
            .should().dependOnClassesThat(describe("are ProcessBuilder",
                    (JavaClass c) -> c.isAssignableTo(ProcessBuilder.class)))
            .orShould().callMethodWhere(target(owner(describe("Runtime", (JavaClass c) -> c.isEquivalentTo(Runtime.class))))
                    .and(target(nameMatching("exec"))))
            .orShould().callMethodWhere(target(owner(describe("Posix",
                            (JavaClass c) -> c.getName().equals("dev.jbox.nativ.Posix"))))
                    .and(target(nameMatching("spawn|execve.*"))))
            .as("only launch starts processes (ProcessBuilder, Runtime.exec, Posix.spawn/execve*)");

    /**
     * The two readings of a policy that tests and proofs hold the compiler against share no
     * table with it: the reference evaluator ({@code policy}) and the prover's policy side
     * ({@code proof}) never touch the compiler, its code generator or its width table
     * ({@code arch.ArgTypes}); the compiler's side ({@code seccomp}) never touches theirs
     * ({@code policy.ArgWidths}). A wrong width or rule then shows as a difference instead of
     * agreeing with itself.
     */
    @ArchTest
    public static final ArchRule REFERENCE_SHARES_NOTHING_WITH_THE_COMPILER = noClasses()
            .that().resideInAnyPackage(POLICY, PROOF)
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.jbox.arch.ArgTypes")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.jbox.seccomp.Compiler")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.jbox.seccomp.CodeGen")
            .orShould().callMethodWhere(target(owner(describe("Ret",
                            (JavaClass c) -> c.getName().equals("dev.jbox.seccomp.Ret"))))
                    .and(target(nameMatching("encode"))))
            .as("the reference evaluator and the prover use nothing of the compiler (Compiler, CodeGen, Ret.encode,"
                    + " arch.ArgTypes)");

    /** ... and the compiler's side nothing of theirs. */
    @ArchTest
    public static final ArchRule COMPILER_SHARES_NOTHING_WITH_THE_REFERENCE = noClasses()
            .that().resideInAnyPackage(SECCOMP, CONFIG)
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.jbox.policy.ArgWidths")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.jbox.policy.Reference")
            .as("the compiler's side (seccomp, config) uses nothing of the reference (Reference, ArgWidths)");
}
