package io.caravel.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The server module's boundaries: no Vert.x, no Ratis (raft's public API only), and gRPC and the
 * generated wire types stay in the gRPC edge package (the watch engine, the embedding API and the
 * config are plain Java over raft's API).
 */
class ArchitectureTest {
    private final JavaClasses server = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.caravel.server");

    @Test
    void noVertxAndNoRatis() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.apache.ratis..")
                .check(server);
    }

    @Test
    void grpcStaysAtTheEdge() {
        noClasses().that().resideInAnyPackage("io.caravel.server.watch..", "io.caravel.server.embed..", "io.caravel.server.config..")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "io.caravel.server.grpc.pb..", "com.google.protobuf..")
                .check(server);
    }
}
