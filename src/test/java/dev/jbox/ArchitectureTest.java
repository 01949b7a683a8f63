package dev.jbox;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The main classes (not the tests) against {@link ArchitectureRules}. */
@AnalyzeClasses(packages = "dev.jbox", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule layers = ArchitectureRules.LAYERS;

    @ArchTest
    static final ArchRule everyPackageInALayer = ArchitectureRules.EVERY_PACKAGE_IN_A_LAYER;

    @ArchTest
    static final ArchRule onlyNativTouchesForeign = ArchitectureRules.ONLY_NATIV_TOUCHES_FOREIGN;

    @ArchTest
    static final ArchRule onlyNativUsesGen = ArchitectureRules.ONLY_NATIV_USES_GEN;

    @ArchTest
    static final ArchRule onlyLaunchStartsProcesses = ArchitectureRules.ONLY_LAUNCH_STARTS_PROCESSES;

    @ArchTest
    static final ArchRule onlyTheSessionCompiles = ArchitectureRules.ONLY_THE_SESSION_COMPILES;

    @ArchTest
    static final ArchRule onlyTheSessionDecidesTrust = ArchitectureRules.ONLY_THE_SESSION_DECIDES_TRUST;

    @ArchTest
    static final ArchRule onlyTheSessionLaysOut = ArchitectureRules.ONLY_THE_SESSION_LAYS_OUT;

    @ArchTest
    static final ArchRule cliSeesOnlyMappedErrors = ArchitectureRules.CLI_SEES_ONLY_MAPPED_ERRORS;
}
