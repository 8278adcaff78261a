package dev.billingsync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.data.repository.Repository;

/** The module table of STYLE.md §1 (which feature package may use which), and what a module keeps to itself. */
class ArchitectureTests {

    static final String BASE = "dev.billingsync.";

    /** Module -> the modules it may use. */
    static final Map<String, List<String>> ALLOWED = Map.of(
            "atlas", List.of(),
            "orgs", List.of("web"),
            "invoices", List.of("orgs", "web"),
            "costexplorer", List.of("orgs", "web"),
            "spend", List.of("orgs", "invoices", "web"),
            "sync", List.of("atlas", "orgs", "invoices", "costexplorer", "web"),
            "web", List.of(),
            "config", List.of());

    final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.billingsync");

    @Test
    void modulesUseOnlyWhatTheTableAllows() {
        ALLOWED.forEach((module, allowed) -> {
            String[] forbidden = ALLOWED.keySet().stream()
                    .filter(other -> !other.equals(module) && !allowed.contains(other))
                    .map(other -> BASE + other + "..")
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage(BASE + module + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(forbidden)
                    .allowEmptyShould(true)
                    .because("STYLE.md §1 lets " + module + " use only " + allowed)
                    .check(classes);
        });
    }

    @Test
    void entitiesAndRepositoriesStayInsideTheirModule() {
        classes()
                .that()
                .areAnnotatedWith(Entity.class)
                .or()
                .areAssignableTo(Repository.class)
                .should()
                .notBePublic()
                .because("a module's JPA entities and Spring Data repositories are its own (STYLE.md §1)")
                .check(classes);
    }

    @Test
    void reactorStaysInsideTheAtlasModule() {
        noClasses()
                .that()
                .resideOutsideOfPackage(BASE + "atlas..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("reactor..")
                .check(classes);
    }

    @Test
    void noLayerNamedPackages() {
        noClasses()
                .should()
                .resideInAnyPackage("..service..", "..repository..", "..dto..", "..util..", "..common..")
                .check(classes);
    }
}
