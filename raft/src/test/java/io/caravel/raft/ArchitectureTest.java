package io.caravel.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The raft module's boundaries: Ratis types stay inside {@code io.caravel.raft} (its public API,
 * {@link ReplicatedKv} and the value types beside it, never mention them), unshaded gRPC and Vert.x are
 * not used at all, and the store never sees Ratis.
 */
class ArchitectureTest {
    private final JavaClasses raft = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.caravel.raft");
    private final JavaClasses all = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.caravel");

    @Test
    void onlyRaftDependsOnRatis() {
        noClasses().that().resideOutsideOfPackage("io.caravel.raft..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.ratis..")
                .check(all);
    }

    @Test
    void noUnshadedGrpcOrVertx() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "io.vertx..")
                .check(raft);
    }

    @Test
    void theContractAndCommandsDoNotMentionRatis() {
        noClasses().that().resideInAnyPackage("io.caravel.raft.command..")
                .or().haveSimpleName("ReplicatedKv").or().haveSimpleName("Member").or().haveSimpleName("NodeStatus")
                .or().haveSimpleName("RaftNodeConfig").or().haveSimpleName("RaftTuning")
                .should().dependOnClassesThat().resideInAPackage("org.apache.ratis..")
                .check(raft);
    }
}
