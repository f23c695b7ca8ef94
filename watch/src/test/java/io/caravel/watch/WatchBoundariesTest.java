package io.caravel.watch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** watch depends on the store API only: no Raft, gRPC, Vert.x, and none of the store's implementations. */
class WatchBoundariesTest {
    private static JavaClasses watchClasses;

    @BeforeAll
    static void importClasses() {
        watchClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.caravel.watch");
    }

    @Test
    void watchImportsNoRaftGrpcOrVertx() {
        noClasses().that().resideInAPackage("io.caravel.watch..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.ratis..", "io.grpc..", "io.vertx..", "com.google.protobuf..", "io.caravel.raft..",
                        "io.caravel.server..")
                .check(watchClasses);
    }

    @Test
    void watchUsesTheStoreApiNotItsImplementations() {
        noClasses().that().resideInAPackage("io.caravel.watch..")
                .should().dependOnClassesThat().resideInAnyPackage("io.caravel.store.rocks..", "io.caravel.store.mem..")
                .check(watchClasses);
    }
}
