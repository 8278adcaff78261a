package dev.billingsync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.persistence.Entity;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The public surface of {@code atlas}: its client and session, an invoice download, a Cost Explorer query, the
     * records mirroring Atlas JSON, its exception and properties. Everything else stays package-private.
     */
    static final Set<String> ATLAS_PUBLIC = Set.of(
            "AtlasClient",
            "AtlasOrgSession",
            "AtlasCredentials",
            "AtlasProperties",
            "AtlasApiException",
            "AtlasError",
            "AtlasInvoiceDownload",
            "AtlasInvoiceSummary",
            "AtlasInvoice",
            "AtlasLineItem",
            "AtlasPayment",
            "AtlasRefund",
            "AtlasOrganization",
            "CostExplorerRequest",
            "CostExplorerPolling",
            "CostExplorerUsage",
            "AtlasUsageDetail");

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
    void atlasKeepsANarrowPublicSurface() {
        classes()
                .that()
                .resideInAPackage(BASE + "atlas..")
                .and()
                .areTopLevelClasses()
                .and()
                .arePublic()
                .should(new ArchCondition<JavaClass>("be one of " + ATLAS_PUBLIC) {
                    @Override
                    public void check(JavaClass type, ConditionEvents events) {
                        if (!ATLAS_PUBLIC.contains(type.getSimpleName())) {
                            events.add(SimpleConditionEvent.violated(
                                    type, type.getName() + " is public but not on atlas's list of public types"));
                        }
                    }
                })
                .because("sync uses atlas through a few doors; the reader, the poll loop and the spooled payloads"
                        + " are atlas's own (STYLE.md §1)")
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
