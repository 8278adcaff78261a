package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

/**
 * Linked orgs' invoices nested in a paying org's invoice used to be kept whole as JSON in {@code linked_invoices.raw}.
 * The migration that stores them as invoices of their own orgs moves what is stored, field by field: nothing a
 * finance app could read before is lost.
 */
class LinkedInvoicesMigrationIntegrationTests {

    static final String PAYING_ORG = "5f0c1a2b3c4d5e6f7a8b9c01";
    static final String LINKED_ORG = "5f0c1a2b3c4d5e6f7a8b9c09";
    static final String PAYING_INVOICE = "65a1b2c3d4e5f6a7b8c9d0e1";
    static final String LINKED_INVOICE = "65a1b2c3d4e5f6a7b8c9d0e2";
    static final String STORED_LINKED_INVOICE = "65a1b2c3d4e5f6a7b8c9d0e3";

    /** Keys in the order jsonb keeps them (shorter first), since that is the order the old column gave back. */
    static final String LINKED = """
            {"id": "65a1b2c3d4e5f6a7b8c9d0e2", "orgId": "5f0c1a2b3c4d5e6f7a8b9c09", "statusName": "PAID",
             "startDate": "2026-10-01T00:00:00Z", "endDate": "2026-11-01T00:00:00Z", "created": "2026-10-01T00:05:00Z",
             "updated": "2026-11-03T10:00:00Z", "amountBilledCents": 1507, "amountPaidCents": 1507, "creditsCents": 0,
             "salesTaxCents": 7, "subtotalCents": 1500,
             "lineItems": [
               {"sku": "ATLAS_AWS_INSTANCE_M10", "unit": "server hours", "quantity": 1.50, "unitPriceDollars": 0.0850,
                "totalPriceCents": 13, "groupId": "6f0c1a2b3c4d5e6f7a8b9c10", "groupName": "shop",
                "clusterName": "main", "created": "2026-10-02T04:10:00.120Z", "startDate": "2026-10-01T00:00:00Z",
                "endDate": "2026-10-02T00:00:00Z", "percentDiscount": 10.0, "discountCents": 1,
                "tags": {"env": ["prod"], "team": ["billing", "finance"], "empty": []}},
               {"sku": "ATLAS_AWS_DATA_TRANSFER", "quantity": 13.000042, "totalPriceCents": 1487,
                "tierLowerBound": 0, "tierUpperBound": 1000.5, "note": "line without tags", "cloudProvider": "AWS"}
             ],
             "payments": [
               {"id": "65a1b2c3d4e5f6a7b8c9d0f0", "statusName": "PAID", "created": "2026-11-02T04:10:00Z",
                "updated": "2026-11-03T10:00:00Z", "currency": "USD", "amountBilledCents": 1507,
                "amountPaidCents": 1507, "salesTaxCents": 7, "subtotalCents": 1500, "unitPrice": "1.0000"}
             ],
             "refunds": [
               {"amountCents": 100, "created": "2026-11-04T00:00:00Z", "paymentId": "65a1b2c3d4e5f6a7b8c9d0f0",
                "reason": "goodwill"}
             ],
             "linkedInvoices": []}
            """;

    static JdbcClient jdbc;
    static Flyway flyway;

    @BeforeAll
    static void migrateOldSchemaWithNestedLinkedInvoices() {
        TestPostgres.Server server = TestPostgres.server();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                TestPostgres.newDatabase("linked_migration"), server.user(), server.password());
        jdbc = JdbcClient.create(dataSource);
        flyway = Flyway.configure().dataSource(dataSource).target("8").load();
        flyway.migrate();

        jdbc.sql("insert into organizations (id) values (?)").param(PAYING_ORG).update();
        insertInvoice(PAYING_INVOICE, PAYING_ORG);
        // The linked org's own sync had stored this one already: its copy stays.
        jdbc.sql("insert into organizations (id) values (?)")
                .param("5f0c1a2b3c4d5e6f7a8b9c0a")
                .update();
        insertInvoice(STORED_LINKED_INVOICE, "5f0c1a2b3c4d5e6f7a8b9c0a");
        insertLinked(0, LINKED);
        insertLinked(
                1,
                "{\"id\": \"" + STORED_LINKED_INVOICE + "\", \"orgId\": \"5f0c1a2b3c4d5e6f7a8b9c0a\","
                        + " \"statusName\": \"an older copy\"}");
        insertLinked(2, "{\"statusName\": \"PAID\", \"amountBilledCents\": 1}");

        flyway = Flyway.configure().dataSource(dataSource).load();
        flyway.migrate();
    }

    @Test
    void aNestedInvoiceBecomesAnInvoiceOfItsOwnOrgFieldByField() {
        JsonNode linked = StoredInvoiceAssertions.EXACT.readTree(LINKED);

        new StoredInvoiceAssertions(jdbc).assertMatches(linked);

        assertThat(jdbc.sql("select id from organizations where id = ?")
                        .param(LINKED_ORG)
                        .query(String.class)
                        .optional())
                .as("the linked org is registered")
                .isPresent();
        assertThat(jdbc.sql("select content_sha256 from invoices where id = ?")
                        .param(LINKED_INVOICE)
                        .query(String.class)
                        .single())
                .as("no hash Atlas's next copy could match, so that copy replaces the moved one")
                .hasSizeLessThan(64);
        assertThat(jdbc.sql("select jsonb_exists(raw, 'lineItems') from invoices where id = ?")
                        .param(LINKED_INVOICE)
                        .query(Boolean.class)
                        .single())
                .isFalse();
    }

    @Test
    void thePayingInvoicePointsAtItsLinkedInvoicesInOrder() {
        assertThat(jdbc.sql("select linked_invoice_id from linked_invoices where invoice_id = ? order by position")
                        .param(PAYING_INVOICE)
                        .query(String.class)
                        .list())
                .as("the nested document without an id names no invoice to point at")
                .containsExactly(LINKED_INVOICE, STORED_LINKED_INVOICE);
        assertThat(jdbc.sql("select status_name from invoices where id = ?")
                        .param(STORED_LINKED_INVOICE)
                        .query(String.class)
                        .single())
                .as("an invoice its own org had stored keeps that copy")
                .isEqualTo("CLOSED");
    }

    private static void insertInvoice(String id, String orgId) {
        jdbc.sql("""
                        insert into invoices (id, org_id, status_name, line_item_count, content_sha256, raw,
                            first_stored_at, content_changed_at)
                        values (?, ?, 'CLOSED', 0, 'x', '{}', now(), now())""").params(id, orgId).update();
    }

    private static void insertLinked(int position, String json) {
        jdbc.sql("""
                        insert into linked_invoices (invoice_id, position, linked_invoice_id, org_id, raw)
                        values (?, ?, ?::jsonb ->> 'id', ?::jsonb ->> 'orgId', ?::jsonb)""").params(PAYING_INVOICE, position, json, json, json).update();
    }
}
