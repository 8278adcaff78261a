package dev.billingsync.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BenchSummary;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.simulator.AtlasSimulator;
import dev.billingsync.sync.ManualRun;
import jakarta.persistence.EntityManagerFactory;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 9 §1: the 200,000 line items (and their tags) of one invoice loaded into {@code line_items} and
 * {@code line_item_tags} four ways, from the same rows in memory, each into emptied tables in a transaction of its own:
 * the {@code COPY} path the sync uses ({@link LineItemCopy}), Hibernate {@code StatelessSession} inserts one statement
 * at a time, the same with JDBC batching ({@code insertMultiple} with {@code hibernate.jdbc.batch_size}), and batched
 * with pgjdbc's
 * {@code reWriteBatchedInserts=true} (multi-row inserts). Prints each time and its ratio to {@code COPY}. Not part of
 * {@code ./mvnw verify}; run it with {@code ./mvnw -B -ntp -Pbench verify -Dit.test=LineItemLoadBenchmark}.
 */
@BillingSyncIntegrationTest(properties = {"billing.cost-explorer.enabled=false", "billing.sync.history-months=0"})
class LineItemLoadBenchmark {

    static final String ORG = "be2c1a2b3c4d5e6f7a8b9c01";
    static final int BATCH = 1_000;
    static final String NAME = "LineItemLoad";
    static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    @AtlasUnderTest(clientId = "bench-client", clientSecret = "bench-secret")
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        atlas.addOrg(ORG, "Load", 93, 10_000, 20);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    DataSource dataSource;

    @Autowired
    LineItemCopy lineItemCopy;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    EntityManagerFactory entityManagerFactory;

    @Autowired
    Environment environment;

    @Test
    void loadsTwoHundredThousandLinesFourWays() throws Exception {
        // the sync stores the invoice row (and its lines, replaced below) that the loads reference
        assertThat(ManualRun.of(context, ORG).status()).isEqualTo("SUCCEEDED");
        String invoice = atlas.org(ORG).pendingInvoiceId();
        List<UpstreamLineItem> items = lineItems(atlas.org(ORG).invoiceResponseBytes(invoice));
        assertThat(items).hasSize(200_000);
        long tags = items.stream()
                .mapToLong(i -> i.tagRows() == null ? 0 : i.tagRows().size())
                .sum();
        SessionFactory sessions = entityManagerFactory.unwrap(SessionFactory.class);
        String url = environment.getRequiredProperty("spring.datasource.url");
        String rewriteUrl = url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";

        // one unmeasured COPY and one batched load first, so that every way runs JIT-compiled
        empty(invoice);
        transaction.execute(tx -> lineItemCopy.copy(invoice, items::forEach));
        empty(invoice);
        hibernate(sessions, url, invoice, items.subList(0, 20_000), BATCH);

        Map<String, Double> seconds = new LinkedHashMap<>();
        empty(invoice);
        long start = System.nanoTime();
        transaction.execute(tx -> lineItemCopy.copy(invoice, items::forEach));
        seconds.put("COPY (LineItemCopy, the sync's path)", (System.nanoTime() - start) / 1e9);
        assertStored(invoice, items.size(), tags);

        empty(invoice);
        seconds.put("Hibernate StatelessSession, no batching", hibernate(sessions, url, invoice, items, 0));
        assertStored(invoice, items.size(), tags);

        empty(invoice);
        seconds.put(
                "StatelessSession, hibernate.jdbc.batch_size=" + BATCH,
                hibernate(sessions, url, invoice, items, BATCH));
        assertStored(invoice, items.size(), tags);

        empty(invoice);
        seconds.put(
                "StatelessSession, batch_size=" + BATCH + ", reWriteBatchedInserts",
                hibernate(sessions, rewriteUrl, invoice, items, BATCH));
        assertStored(invoice, items.size(), tags);

        double copy = seconds.values().iterator().next();
        StringBuilder report = new StringBuilder(String.format(
                Locale.ROOT,
                "%n=== Line-item load benchmark (issue 9 §1): %,d line items + %,d tags of one invoice ===%n",
                items.size(),
                tags));
        seconds.forEach((way, s) -> {
            report.append(String.format(
                    Locale.ROOT,
                    "  %-58s %7.2f s  %,8.0f lines/s  %5.1f x COPY%n",
                    way,
                    s,
                    items.size() / s,
                    s / copy));
            BenchSummary.figure(
                    NAME, "  " + way, String.format(Locale.ROOT, "%.2f s, %.1f x COPY's time", s, s / copy));
        });
        System.out.println(report.append("=====================================================================\n"));
    }

    /** Inserts lines then tags through a stateless session on a connection of its own; returns the seconds. */
    private static double hibernate(
            SessionFactory sessions, String url, String invoice, List<UpstreamLineItem> items, int batchSize)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user(), password())) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            try (StatelessSession session =
                    sessions.withStatelessOptions().connection(c).openStatelessSession()) {
                session.setJdbcBatchSize(batchSize);
                List<Object> chunk = new ArrayList<>();
                for (UpstreamLineItem item : items) {
                    insert(session, chunk, new LineItem(invoice, item), batchSize);
                }
                insert(session, chunk, null, 0);
                for (UpstreamLineItem item : items) {
                    List<UpstreamLineItem.Tag> rows = item.tagRows();
                    if (rows != null) {
                        for (UpstreamLineItem.Tag tag : rows) {
                            insert(session, chunk, new LineItemTag(invoice, item.position(), tag), batchSize);
                        }
                    }
                }
                insert(session, chunk, null, 0);
            }
            c.commit();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /**
     * One {@code insert} per entity without batching; with batching, {@code insertMultiple} of {@code batchSize}
     * entities (a stateless session's single inserts run at once, unbatched). A null entity sends what is pending.
     */
    private static void insert(StatelessSession session, List<Object> chunk, @Nullable Object entity, int batchSize) {
        if (entity != null && batchSize <= 1) {
            session.insert(entity);
            return;
        }
        if (entity != null) {
            chunk.add(entity);
        }
        if (!chunk.isEmpty() && (entity == null || chunk.size() >= batchSize)) {
            session.insertMultiple(chunk);
            chunk.clear();
        }
    }

    private static String user() {
        return dev.billingsync.TestPostgres.server().user();
    }

    private static String password() {
        return dev.billingsync.TestPostgres.server().password();
    }

    private void empty(String invoice) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("delete from line_item_tags where invoice_id = '" + invoice + "'");
            s.execute("delete from line_items where invoice_id = '" + invoice + "'");
            s.execute("vacuum line_items, line_item_tags");
        }
    }

    private void assertStored(String invoice, int lines, long tags) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("select (select count(*) from line_items where invoice_id = '" + invoice
                        + "'), (select count(*) from line_item_tags where invoice_id = '" + invoice + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(lines);
            assertThat(rs.getLong(2)).isEqualTo(tags);
        }
    }

    /** The invoice's line items as the sync translates them (positions from 0, one tag row per value). */
    private static List<UpstreamLineItem> lineItems(byte[] invoiceJson) {
        List<UpstreamLineItem> items = new ArrayList<>();
        try (JsonParser parser = EXACT.createParser(new ByteArrayInputStream(invoiceJson))) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (!name.equals("lineItems")) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    JsonNode line = parser.readValueAsTree();
                    items.add(new UpstreamLineItem(
                            items.size(),
                            new InvoiceLineItem(
                                    text(line, "clusterName"),
                                    instant(line, "created"),
                                    instant(line, "startDate"),
                                    instant(line, "endDate"),
                                    text(line, "groupId"),
                                    text(line, "groupName"),
                                    text(line, "sku"),
                                    text(line, "unit"),
                                    decimal(line, "quantity"),
                                    decimal(line, "unitPriceDollars"),
                                    number(line, "totalPriceCents"),
                                    number(line, "discountCents"),
                                    decimal(line, "percentDiscount"),
                                    decimal(line, "tierLowerBound"),
                                    decimal(line, "tierUpperBound"),
                                    text(line, "note"),
                                    text(line, "stitchAppName"),
                                    text(line, "cloudProvider"),
                                    tags(line.get("tags")))));
                }
            }
        }
        return items;
    }

    private static @Nullable Map<String, List<String>> tags(@Nullable JsonNode tags) {
        if (tags == null || tags.isNull()) {
            return null;
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> key : tags.properties()) {
            List<String> values = new ArrayList<>();
            key.getValue().forEach(value -> values.add(value.asString()));
            map.put(key.getKey(), values);
        }
        return map;
    }

    private static @Nullable String text(JsonNode line, String field) {
        JsonNode value = line.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static @Nullable Instant instant(JsonNode line, String field) {
        String value = text(line, field);
        return value == null ? null : Instant.parse(value);
    }

    private static @Nullable BigDecimal decimal(JsonNode line, String field) {
        JsonNode value = line.get(field);
        return value == null || value.isNull() ? null : value.decimalValue();
    }

    private static @Nullable Long number(JsonNode line, String field) {
        JsonNode value = line.get(field);
        return value == null || value.isNull() ? null : value.longValue();
    }
}
