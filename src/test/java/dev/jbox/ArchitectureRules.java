package dev.jbox;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;

/**
 * jbox's layering (docs/DESIGN.md), as ArchUnit rules: arrows point down only,
 * {@code cli > launch > {config, proof > seccomp} > policy > arch}, with {@code nativ} under
 * {@code launch} (and reached by {@code cli} for its exception type and constants) and
 * {@code nativ.gen} under {@code nativ} alone. {@link ArchitectureTest} holds the main classes
 * to them; {@link ArchitectureRulesTest} shows that each rule catches what it is for.
 */
public final class ArchitectureRules {
    private ArchitectureRules() {
    }

    static final String CLI = "dev.jbox.cli..";
    static final String LAUNCH = "dev.jbox.launch..";
    static final String CONFIG = "dev.jbox.config..";
    static final String SECCOMP = "dev.jbox.seccomp..";
    static final String PROOF = "dev.jbox.proof..";
    static final String POLICY = "dev.jbox.policy..";
    static final String ARCH = "dev.jbox.arch..";
    static final String NATIV = "dev.jbox.nativ";
    static final String NATIV_GEN = "dev.jbox.nativ.gen..";

    /** Every arrow points down: a layer is used only by the layers above it. */
    public static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true) // EVERY_PACKAGE_IN_A_LAYER and the main classes keep them filled
            .layer("cli").definedBy(CLI)
            .layer("launch").definedBy(LAUNCH)
            .layer("config").definedBy(CONFIG)
            .layer("seccomp").definedBy(SECCOMP)
            .layer("proof").definedBy(PROOF)
            .layer("policy").definedBy(POLICY)
            .layer("arch").definedBy(ARCH)
            .layer("nativ").definedBy(NATIV)
            .layer("nativ.gen").definedBy(NATIV_GEN)
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("launch").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("config").mayOnlyBeAccessedByLayers("launch", "cli")
            .whereLayer("seccomp").mayOnlyBeAccessedByLayers("proof", "launch", "cli")
            .whereLayer("proof").mayOnlyBeAccessedByLayers("launch", "cli")
            .whereLayer("policy").mayOnlyBeAccessedByLayers("config", "seccomp", "proof", "launch", "cli")
            .whereLayer("nativ").mayOnlyBeAccessedByLayers("launch", "cli")
            .whereLayer("nativ.gen").mayOnlyBeAccessedByLayers("nativ")
            .whereLayer("arch").mayOnlyBeAccessedByLayers("policy", "config", "seccomp", "proof", "launch", "cli", "nativ")
            .as("layers: cli > launch > {config, proof > seccomp} > policy > arch; nativ under launch;"
                    + " nativ.gen under nativ");

    /** No package outside the layers: a new package must be placed in the graph above. */
    public static final ArchRule EVERY_PACKAGE_IN_A_LAYER = classes()
            .should().resideInAnyPackage(CLI, LAUNCH, CONFIG, SECCOMP, PROOF, POLICY, ARCH, NATIV, NATIV_GEN)
            .as("every class belongs to one of the layers");

    /** The FFM API is nativ's alone: everything above sees ints, longs, strings and NativeException. */
    public static final ArchRule ONLY_NATIV_TOUCHES_FOREIGN = noClasses()
            .that().resideOutsideOfPackages(NATIV, NATIV_GEN)
            .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
            .as("only nativ touches java.lang.foreign");

    /** The generated bindings are nativ's implementation, never used past it. */
    public static final ArchRule ONLY_NATIV_USES_GEN = noClasses()
            .that().resideOutsideOfPackages(NATIV, NATIV_GEN)
            .should().dependOnClassesThat().resideInAPackage(NATIV_GEN)
            .as("only nativ uses nativ.gen");

    /** ProcessBuilder, Runtime.exec and Posix's spawn/execve entry points: launch's alone. */
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
    public static final ArchRule COMPILER_SHARES_NOTHING_WITH_THE_REFERENCE = noClasses()
            .that().resideInAnyPackage(SECCOMP, CONFIG)
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.jbox.policy.ArgWidths")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.jbox.policy.Reference")
            .as("the compiler's side (seccomp, config) uses nothing of the reference (Reference, ArgWidths)");
}
