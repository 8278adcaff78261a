package dev.billingsync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module table of STYLE.md §1: which feature package may use which. */
class ArchitectureTests {

    static final String BASE = "dev.billingsync.";

    /** Module -> the modules it may use. */
    static final Map<String, List<String>> ALLOWED = Map.of(
            "atlas", List.of(),
            "invoices", List.of("web"),
            "costexplorer", List.of("web"),
            "spend", List.of("invoices", "web"),
            "sync", List.of("atlas", "invoices", "costexplorer", "web"),
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
