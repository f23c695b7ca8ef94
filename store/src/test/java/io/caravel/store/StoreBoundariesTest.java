package io.caravel.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store is a deterministic library: no Raft, gRPC, HTTP or JSON, and no clock in its logic. */
class StoreBoundariesTest {
    private static JavaClasses storeClasses;

    @BeforeAll
    static void importClasses() {
        storeClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.caravel.store");
    }

    @Test
    void storeImportsNoRaftGrpcVertxOrJackson() {
        noClasses().that().resideInAPackage("io.caravel.store..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.ratis..", "io.grpc..", "io.vertx..", "com.fasterxml.jackson..", "com.google.protobuf..")
                .check(storeClasses);
    }

    @Test
    void storeReadsNoWallClockAndStartsNoThreads() {
        noClasses().that().resideInAPackage("io.caravel.store..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executors")
                .check(storeClasses);
    }
}
