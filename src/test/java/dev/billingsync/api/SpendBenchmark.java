package dev.billingsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billingsync.BenchSummary;
import dev.billingsync.TestDatabaseConfiguration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * DESIGN §8 "Spend": 2,000,000 stored line items (20 orgs × 100,000 over 12 months), the two spend questions over
 * HTTP against the same SQL aggregate run directly over JDBC on the same data, p50/p99 of each. Not part of
 * {@code ./mvnw verify}; run it with {@code ./mvnw -B -ntp -Pbench verify -Dit.test=SpendBenchmark}. Prints the figures
 * and the plans.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "billing.sync.enabled=false",
            "billing.sync.run-on-startup=false",
            "billing.cost-explorer.enabled=false",
            "billing.atlas.base-url=http://127.0.0.1:9",
            "billing.atlas.client-id=bench",
            "billing.atlas.client-secret=bench",
            "billing.security.api-keys[0].name=bench",
            "billing.security.api-keys[0].key=" + SpendBenchmark.KEY,
            "billing.security.api-keys[0].roles=READ",
            "billing.security.api-keys[0].orgs=*"
        })
@Import(TestDatabaseConfiguration.class)
class SpendBenchmark {

    static final String KEY = "bench-reader-0123456789abcdef";
    static final int ORGS = 20;
    static final int LINES_PER_ORG = 100_000;
    static final int MONTHS = 12;
    static final int WARMUP = 5;
    static final int RUNS = 40;

    @DynamicPropertySource
    static void orgs(DynamicPropertyRegistry registry) {
        for (int o = 0; o < ORGS; o++) {
            String id = orgId(o);
            registry.add("billing.orgs[" + o + "].id", () -> id);
        }
    }

    static String orgId(int o) {
        return String.format(Locale.ROOT, "%024x", 0xbe000L + o);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void spendAnswersWithinTwiceTheDirectAggregate() {
        load();
        ApiTestClient api = new ApiTestClient(port);
        String org = orgId(3);

        String perProject = "/api/v1/spend?orgId=" + org
                + "&groupBy=groupId&groupBy=usageMonth&startDate=2026-01-01&endDate=2027-01-01&itemsPerPage=500";
        String perProjectSql = """
                select l.group_id, to_char(l.start_date at time zone 'UTC', 'YYYY-MM'), sum(l.total_price_cents),
                       sum(coalesce(l.discount_cents, 0)), count(*)
                from invoices i cross join lateral (select * from line_items l where l.invoice_id = i.id
                    and l.start_date >= '2026-01-01Z' and l.start_date < '2027-01-01Z' offset 0) l
                where i.org_id = '%s'
                group by 1, 2 order by 3 desc""".formatted(org);
        String perTag = "/api/v1/spend?groupBy=tag:team&startDate=2026-06-01&endDate=2026-07-01&itemsPerPage=500";
        String perTagSql = """
                select tag.v, sum(l.total_price_cents), sum(coalesce(l.discount_cents, 0)), count(*)
                from invoices i cross join lateral (select * from line_items l where l.invoice_id = i.id
                    and l.start_date >= '2026-06-01Z' and l.start_date < '2026-07-01Z' offset 0) l
                left join lateral (select string_agg(t.value, ',' order by t.value collate "C") v
                                   from line_item_tags t where l.has_tags and t.invoice_id = l.invoice_id
                                   and t.line_position = l.position and t.key = 'team') tag on true
                where i.org_id = any (string_to_array('%s', ','))
                group by 1 order by 2 desc""".formatted(String.join(",", allOrgs()));

        StringBuilder report =
                new StringBuilder("\n=== Spend benchmark: " + ORGS + " orgs x " + LINES_PER_ORG + " lines ===\n");
        for (String[] c : List.of(
                new String[] {"groupBy=groupId&groupBy=usageMonth, one org, 12 months", perProject, perProjectSql},
                new String[] {"groupBy=tag:team, all orgs, one month", perTag, perTagSql})) {
            assertThat(api.get(c[1], KEY).status()).isEqualTo(200);
            Stats http = measure(() -> {
                long start = System.nanoTime();
                assertThat(api.get(c[1], KEY).status()).isEqualTo(200);
                return System.nanoTime() - start;
            });
            Stats sql = measure(() -> {
                long start = System.nanoTime();
                jdbc.sql(c[2]).query((rs, n) -> rs.getString(1)).list();
                return System.nanoTime() - start;
            });
            report.append(String.format(
                    Locale.ROOT,
                    "%s%n  API  p50 %7.1f ms  p99 %7.1f ms%n  SQL  p50 %7.1f ms  p99 %7.1f ms  (API/SQL p50 %.2f)%n",
                    c[0],
                    http.p50(),
                    http.p99(),
                    sql.p50(),
                    sql.p99(),
                    http.p50() / sql.p50()));
            BenchSummary.ratio(
                    "Spend",
                    c[0] + ": API / SQL p50",
                    http.p50() / sql.p50(),
                    "<= 2",
                    http.p50() <= 2 * sql.p50(),
                    String.format(
                            Locale.ROOT,
                            "API p50 %.0f p99 %.0f ms; SQL p50 %.0f p99 %.0f ms",
                            http.p50(),
                            http.p99(),
                            sql.p50(),
                            sql.p99()));
            report.append("  plan:\n");
            jdbc.sql("explain (analyze, buffers, costs off) " + c[2])
                    .query(String.class)
                    .list()
                    .forEach(line -> report.append("    ").append(line).append('\n'));
            assertThat(http.p50()).as(c[0]).isLessThanOrEqualTo(2 * sql.p50() + 5);
        }
        System.out.println(report);
    }

    private void load() {
        // Rows as the sync would write them, generated in SQL: 12 monthly invoices per org, the last one pending,
        // 100,000 lines per org over 10 projects, 40 clusters and 6 SKUs; half the lines tagged (team, one or two
        // values, and env).
        jdbc.sql("insert into organizations (id, name) select lpad(to_hex(" + 0xbe000 + " + o), 24, '0'), 'Org ' || o"
                        + " from generate_series(0, " + (ORGS - 1) + ") o on conflict (id) do nothing")
                .update();
        jdbc.sql("""
                insert into invoices (id, org_id, status_name, start_date, end_date, is_pending, line_item_count,
                                      content_sha256, raw, first_stored_at, content_changed_at)
                select lpad(to_hex(o * 100 + m), 24, 'a'), lpad(to_hex(%d + o), 24, '0'),
                       case when m = 11 then 'PENDING' else 'CLOSED' end,
                       timestamptz '2026-01-01Z' + make_interval(months => m),
                       timestamptz '2026-01-01Z' + make_interval(months => m + 1),
                       m = 11, %d, repeat('0', 64), '{}'::jsonb, now(), now()
                from generate_series(0, %d) o, generate_series(0, 11) m""".formatted(0xbe000, LINES_PER_ORG / MONTHS, ORGS - 1)).update();
        jdbc.sql("""
                insert into line_items (invoice_id, position, cluster_name, start_date, end_date, group_id, group_name,
                                        sku, unit, quantity, unit_price_dollars, total_price_cents, discount_cents,
                                        has_tags)
                select i.id, p, 'cluster-' || (p %% 40),
                       i.start_date + make_interval(days => p %% 28), i.start_date + make_interval(days => p %% 28 + 1),
                       'project-' || (p %% 10), 'Project ' || (p %% 10),
                       (array['ATLAS_AWS_INSTANCE_M10','ATLAS_AWS_STORAGE','ATLAS_GCP_INSTANCE_M30','BACKUP',
                              'DATA_TRANSFER','STITCH_COMPUTE'])[1 + p %% 6],
                       'hours', 24, 0.08, (p * 7919) %% 10000, case when p %% 5 = 0 then 10 end, p %% 2 = 0
                from invoices i, generate_series(0, %d) p""".formatted(LINES_PER_ORG / MONTHS - 1)).update();
        jdbc.sql("""
                insert into line_item_tags (invoice_id, line_position, key_position, value_position, key, value)
                select invoice_id, position, 0, v, 'team', (array['billing','finance','search','mobile'])[1 + (position / 2 + v) %% 4]
                from line_items, generate_series(0, 1) v
                where has_tags and (v = 0 or position %% 6 = 0)
                union all
                select invoice_id, position, 1, 0, 'env', case when position %% 4 = 0 then 'prod' else 'dev' end
                from line_items where has_tags""".formatted()).update();
        jdbc.sql("analyze").update();
        long lines =
                jdbc.sql("select count(*) from line_items").query(Long.class).single();
        assertThat(lines).isGreaterThanOrEqualTo((long) ORGS * (LINES_PER_ORG / MONTHS) * MONTHS);
    }

    private static List<String> allOrgs() {
        List<String> orgs = new ArrayList<>();
        for (int o = 0; o < ORGS; o++) {
            orgs.add(orgId(o));
        }
        return orgs;
    }

    record Stats(double p50, double p99) {}

    private static Stats measure(LongSupplier run) {
        for (int i = 0; i < WARMUP; i++) {
            run.getAsLong();
        }
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            nanos.add(run.getAsLong());
        }
        Collections.sort(nanos);
        return new Stats(nanos.get(nanos.size() / 2) / 1e6, nanos.get((int) Math.ceil(nanos.size() * 0.99) - 1) / 1e6);
    }
}
