package io.caravel.apiserver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module boundary: the API server reaches the store only through KvClient. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.caravel.apiserver");

    @Test
    void noDependencyOnStoreRaftWatchOrServer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.caravel.store..", "io.caravel.raft..",
                "io.caravel.watch..", "io.caravel.server..", "org.apache.ratis..").check(CLASSES);
    }

    @Test
    void jetcdStaysInTheRemoteClient() {
        noClasses().that().haveNameNotMatching(".*\\.JetcdKvClient(\\$.*)?").should().dependOnClassesThat()
                .resideInAnyPackage("io.etcd..").check(CLASSES);
    }

    @Test
    void resourceModelHasNoHttp() {
        noClasses().that().resideInAPackage("..apiserver.resource..").should().dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "..apiserver.http..").check(CLASSES);
    }

    @Test
    void storageHasNoHttp() {
        noClasses().that().resideInAPackage("..apiserver.storage..").should().dependOnClassesThat()
                .resideInAnyPackage("io.vertx.ext.web..", "io.vertx.core.http..", "..apiserver.http..").check(CLASSES);
    }
}
