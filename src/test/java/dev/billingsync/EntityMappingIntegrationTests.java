package dev.billingsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.simulator.AtlasSimulator;
import jakarta.persistence.EntityManagerFactory;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.MappingMetamodel;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every table of the Flyway schema is mapped by an entity, and Hibernate validates the mappings against the schema at
 * startup ({@code ddl-auto=validate}): a column the entities get wrong fails the context, a table no entity maps fails
 * here.
 */
@BillingSyncIntegrationTest(properties = "billing.cost-explorer.enabled=false")
class EntityMappingIntegrationTests {

    static final String ORG = "5e0c1a2b3c4d5e6f7a8b9c01";

    /** Flyway's own bookkeeping; no entity of ours. */
    static final Set<String> NOT_OURS = Set.of("flyway_schema_history");

    @AtlasUnderTest
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG, "Mapping Org", 1, 1);
    }

    @Autowired
    EntityManagerFactory entityManagerFactory;

    @Autowired
    JdbcClient jdbc;

    @Test
    void validatesTheMappingAgainstTheSchemaAtStartup() {
        assertThat(entityManagerFactory.getProperties()).containsEntry("hibernate.hbm2ddl.auto", "validate");
    }

    @Test
    void mapsEveryTableOfTheSchema() {
        Set<String> tables = new TreeSet<>(jdbc.sql("""
                        select table_name from information_schema.tables
                        where table_schema = current_schema() and table_type = 'BASE TABLE'
                        """).query(String.class).list());
        tables.removeAll(NOT_OURS);

        assertThat(tables).as("the schema has tables").isNotEmpty();
        assertThat(mappedTables()).containsAll(tables);
    }

    private Set<String> mappedTables() {
        MappingMetamodel metamodel =
                entityManagerFactory.unwrap(SessionFactoryImplementor.class).getMappingMetamodel();
        Set<String> mapped = new TreeSet<>();
        metamodel.forEachEntityDescriptor(entity -> {
            for (String table : entity.getTableNames()) {
                mapped.add(unqualified(table));
            }
        });
        metamodel.forEachCollectionDescriptor(collection -> mapped.add(unqualified(collection.getTableName())));
        return mapped;
    }

    private static String unqualified(String table) {
        return table.substring(table.lastIndexOf('.') + 1).replace("\"", "");
    }
}
