package dev.billingsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billingsync.AtlasUnderTest;
import dev.billingsync.BenchSummary;
import dev.billingsync.BillingSyncIntegrationTest;
import dev.billingsync.JfrProfile;
import dev.billingsync.SmallHeapInstance;
import dev.billingsync.TestPostgres;
import dev.billingsync.simulator.AtlasSimulator;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * DESIGN §8 "Ingest" and "Re-sync of unchanged data": a 200,000-line pending invoice from the local simulator synced
 * into the test PostgreSQL (the invoice part of a run: Cost Explorer off, no history), against a plain {@code COPY}
 * of the same line-item rows into the same table, in the same run. Reports the time split (download from the Atlas
 * client's request timer; parse, hash, write from a JFR recording of this JVM's first sync), the unchanged re-sync
 * against the first sync, and the same ingest by a second instance at {@code -Xmx256m} with its peak heap. A
 * 20,000-line org is synced first to warm the JIT. Each figure is the median of {@value #PAIRS} runs, syncs and
 * COPYs interleaved; between two first syncs the org's pending invoices are deleted, so each is a first sync. Not part of {@code ./mvnw verify}; run it with
 * {@code ./mvnw -B -ntp -Pbench verify -Dit.test=IngestBenchmark}.
 */
@BillingSyncIntegrationTest(properties = {"billing.cost-explorer.enabled=false", "billing.sync.history-months=0"})
class IngestBenchmark {

    static final String ORG = "be1c1a2b3c4d5e6f7a8b9c01";
    static final String WARM_UP_ORG = "be1c1a2b3c4d5e6f7a8b9c02";
    static final String KEY = "bench-ingest-key-0123456789abcdef";
    static final String NAME = "Ingest";
    /**
     * Measured syncs (and COPYs) per figure; the median counts. The ingest ratio is the median of the pairs' own
     * ratios, each sync against the COPY right after it, so a noisy minute that slows both cancels out.
     */
    static final int PAIRS = 5;

    static final String LINE_COLUMNS = "invoice_id, position, cluster_name, created, start_date, end_date, group_id,"
            + " group_name, sku, unit, quantity, unit_price_dollars, total_price_cents, discount_cents,"
            + " percent_discount, tier_lower_bound, tier_upper_bound, note, stitch_app_name, cloud_provider, has_tags";
    static final String TAG_COLUMNS = "invoice_id, line_position, key_position, value_position, key, value";

    @AtlasUnderTest(clientId = "bench-client", clientSecret = "bench-secret")
    static final AtlasSimulator atlas = AtlasSimulator.start();

    static {
        // 20 usage days of 10,000 lines: a 200,000-line pending invoice
        atlas.addOrg(ORG, "Ingest", 91, 10_000, 20);
        atlas.addOrg(WARM_UP_ORG, "Warm-up", 92, 1_000, 20);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry meters;

    @Test
    void ingestsTwoHundredThousandLinesAndComparesWithCopy() throws Exception {
        String invoice = atlas.org(ORG).pendingInvoiceId();
        int lines = atlas.org(ORG).lineItemCount(invoice);
        int bytes = atlas.org(ORG).pendingInvoicesResponseBytes().length;
        assertThat(lines).isEqualTo(200_000);
        atlas.org(WARM_UP_ORG).pendingInvoicesResponseBytes();

        // warm-up: first sync and unchanged re-sync of the small org
        assertThat(ManualRun.of(context, WARM_UP_ORG).status()).isEqualTo("SUCCEEDED");
        assertThat(ManualRun.of(context, WARM_UP_ORG).status()).isEqualTo("SUCCEEDED");

        // Three first syncs, each followed by the COPY baseline of the rows it stored: the pairs are interleaved, and
        // the medians count, since one run on a shared machine can be off by half.
        List<Double> syncTimes = new ArrayList<>();
        List<Double> downloads = new ArrayList<>();
        List<Double> copyTimes = new ArrayList<>();
        List<Double> tagCopyTimes = new ArrayList<>();
        String summary = null;
        long tags = 0;
        Path lineFile = Files.createTempFile("bench-lines", ".copy");
        Path tagFile = Files.createTempFile("bench-tags", ".copy");
        try {
            for (int pair = 0; pair < PAIRS; pair++) {
                if (pair > 0) {
                    try (Connection c = dataSource.getConnection()) {
                        forgetPendingInvoices(c, ORG);
                    }
                }
                double downloadBefore = downloadSeconds();
                JfrProfile profile = pair == 0 ? JfrProfile.start(Path.of("target", "bench-ingest.jfr")) : null;
                long start = System.nanoTime();
                ManualRun first = ManualRun.of(context, ORG);
                syncTimes.add((System.nanoTime() - start) / 1e9);
                if (profile != null) {
                    summary = profile.stopAndSummarise(
                            List.of("atlas-simulator"), Thread.currentThread().getName(), 15);
                    profile.close();
                }
                downloads.add(downloadSeconds() - downloadBefore);
                assertThat(first.status()).isEqualTo("SUCCEEDED");
                assertThat(first.lineItemsWritten()).isEqualTo(atlas.org(ORG).pendingLineItemsWithLinked());
                if (pair == 0) {
                    tags = copyOut(invoice, lineFile, tagFile);
                }
                Copy copy = copyIn(invoice, lines, lineFile, tagFile);
                copyTimes.add(copy.linesSeconds());
                tagCopyTimes.add(copy.tagsSeconds());
            }
        } finally {
            Files.deleteIfExists(lineFile);
            Files.deleteIfExists(tagFile);
        }
        double firstSeconds = median(syncTimes);
        double firstDownload = median(downloads);
        Copy copy = new Copy(median(copyTimes), tags, median(tagCopyTimes));

        List<Double> againTimes = new ArrayList<>();
        List<Double> againDownloads = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            double downloadBefore = downloadSeconds();
            long start = System.nanoTime();
            ManualRun again = ManualRun.of(context, ORG);
            againTimes.add((System.nanoTime() - start) / 1e9);
            againDownloads.add(downloadSeconds() - downloadBefore);
            assertThat(again.status()).isEqualTo("SUCCEEDED");
            assertThat(again.lineItemsWritten()).isZero();
        }
        double againSeconds = median(againTimes);
        double againDownload = median(againDownloads);

        SmallHeap small = smallHeapIngest();

        List<Double> pairRatios = new ArrayList<>();
        for (int pair = 0; pair < PAIRS; pair++) {
            pairRatios.add(copyTimes.get(pair) / syncTimes.get(pair));
        }
        double ratio = median(pairRatios);
        double resync = againSeconds / firstSeconds;
        double smallRatio = copy.linesSeconds() / small.seconds();
        System.out.printf(
                Locale.ROOT,
                """

                === Ingest benchmark (DESIGN §8) ===
                pending invoice: %,d line items, %,d bytes of JSON
                medians of %d, interleaved (sync, COPY, sync, COPY, ...); the runs in brackets
                first sync (invoice part):        %6.2f s  %,9.0f rows/s  (download %.2f s) %s
                COPY of the same line-item rows:  %6.2f s  %,9.0f rows/s  %s
                                                  (then its tags: %,d rows in %.2f s)
                ratio sync / COPY throughput:     %6.2f   (goal >= 0.5; median of the pairs' ratios %s,
                                                  ratio of the medians %.2f)
                unchanged re-sync:                %6.2f s  = %.1f %% of the first (goal <= 10 %%; download %.2f s) %s
                -Xmx256m instance, same ingest:   %6.2f s  ratio to COPY %.2f %s
                                                  peak heap %d MB before a GC, %d MB live after one (of 256 MB);
                                                  alive: %s
                %s====================================

                """,
                lines,
                bytes,
                PAIRS,
                firstSeconds,
                lines / firstSeconds,
                firstDownload,
                runs(syncTimes),
                copy.linesSeconds(),
                lines / copy.linesSeconds(),
                runs(copyTimes),
                copy.tags(),
                copy.tagsSeconds(),
                ratio,
                runs(pairRatios),
                copy.linesSeconds() / firstSeconds,
                againSeconds,
                100 * resync,
                againDownload,
                runs(againTimes),
                small.seconds(),
                smallRatio,
                runs(small.runs()),
                small.heap().peakBeforeGc(),
                small.heap().peakAfterGc(),
                small.alive(),
                summary);

        BenchSummary.ratio(
                NAME,
                "200k-line ingest / COPY throughput",
                ratio,
                ">= 0.5",
                ratio >= 0.5,
                String.format(
                        Locale.ROOT,
                        "pairs %s; sync %.2f s %s, COPY %.2f s %s (medians)",
                        runs(pairRatios),
                        firstSeconds,
                        runs(syncTimes),
                        copy.linesSeconds(),
                        runs(copyTimes)));
        BenchSummary.figure(
                NAME,
                "  time split (download timer; JFR CPU shares)",
                String.format(Locale.ROOT, "download %.2f s of %.2f s; ", firstDownload, firstSeconds)
                        + JfrProfile.shares(summary));
        BenchSummary.figure(
                NAME,
                "  ingest / COPY of line items and tags",
                String.format(
                        Locale.ROOT,
                        "%.2f (COPY of %,d lines and %,d tags: %.2f s)",
                        (copy.linesSeconds() + copy.tagsSeconds()) / firstSeconds,
                        lines,
                        copy.tags(),
                        copy.linesSeconds() + copy.tagsSeconds()));
        BenchSummary.ratio(
                NAME,
                "unchanged re-sync / first sync",
                resync,
                "<= 0.10",
                resync <= 0.10,
                String.format(Locale.ROOT, "re-sync %.2f s (download %.2f s), 0 rows", againSeconds, againDownload));
        BenchSummary.ratio(
                NAME,
                "200k-line ingest at -Xmx256m / COPY throughput",
                smallRatio,
                ">= 0.5",
                smallRatio >= 0.5,
                String.format(
                        Locale.ROOT,
                        "sync %.2f s %s (after a 20k warm-up), COPY %.2f s (medians)",
                        small.seconds(),
                        runs(small.runs()),
                        copy.linesSeconds()));
        BenchSummary.figure(
                NAME,
                "  peak heap of the -Xmx256m ingest (goal < 256 MB)",
                String.format(
                        Locale.ROOT,
                        "%d MB before a GC, %d MB live after one; alive: %s",
                        small.heap().peakBeforeGc(),
                        small.heap().peakAfterGc(),
                        small.alive()));

        assertThat(small.alive()).as("the 256 MB instance survived the ingest").isTrue();
    }

    /** Seconds spent in HTTP exchanges with Atlas so far, response bodies included (the client's own timer). */
    private double downloadSeconds() {
        return meters.find("billing.atlas.request.duration").timers().stream()
                .mapToDouble(t -> t.totalTime(TimeUnit.SECONDS))
                .sum();
    }

    record Copy(double linesSeconds, long tags, double tagsSeconds) {}

    /** Copies the rows the sync stored for {@code invoice} out to files; returns the number of tag rows. */
    private long copyOut(String invoice, Path lineFile, Path tagFile) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            try (OutputStream out = Files.newOutputStream(lineFile)) {
                copy.copyOut(
                        "copy (select " + LINE_COLUMNS + " from line_items where invoice_id = '" + invoice
                                + "' order by position) to stdout",
                        out);
            }
            try (OutputStream out = Files.newOutputStream(tagFile)) {
                return copy.copyOut(
                        "copy (select " + TAG_COLUMNS + " from line_item_tags where invoice_id = '" + invoice
                                + "' order by line_position, key_position, value_position) to stdout",
                        out);
            }
        }
    }

    /**
     * The baseline: the invoice's stored rows deleted (and vacuumed away), then {@code COPY}ed back from the files into
     * the same tables, lines and tags each in a transaction of their own.
     */
    private Copy copyIn(String invoice, int lines, Path lineFile, Path tagFile) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            try (Statement s = c.createStatement()) {
                s.execute("delete from line_item_tags where invoice_id = '" + invoice + "'");
                s.execute("delete from line_items where invoice_id = '" + invoice + "'");
                s.execute("vacuum line_items, line_item_tags");
            }
            c.setAutoCommit(false);
            long start = System.nanoTime();
            long copied;
            try (InputStream in = Files.newInputStream(lineFile)) {
                copied = copy.copyIn("copy line_items (" + LINE_COLUMNS + ") from stdin", in, 1 << 16);
            }
            c.commit();
            double linesSeconds = (System.nanoTime() - start) / 1e9;
            assertThat(copied).isEqualTo(lines);
            start = System.nanoTime();
            long tags;
            try (InputStream in = Files.newInputStream(tagFile)) {
                tags = copy.copyIn("copy line_item_tags (" + TAG_COLUMNS + ") from stdin", in, 1 << 16);
            }
            c.commit();
            return new Copy(linesSeconds, tags, (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Deletes the org's pending invoices (the paying one and the linked org's it nests; their rows go with them) and
     * the hash of its last pending download, then vacuums: the next sync of the org is a first sync again, into tables
     * as clean as the baseline's.
     */
    private static void forgetPendingInvoices(Connection c, String org) throws Exception {
        try (Statement s = c.createStatement()) {
            String pending = "select id from invoices where org_id = '" + org + "' and is_pending";
            String ids = pending + " union select linked_invoice_id from linked_invoices where invoice_id in ("
                    + pending + ")";
            s.execute("create temporary table forgotten as " + ids);
            s.execute("delete from linked_invoices where invoice_id in (select id from forgotten)"
                    + " or linked_invoice_id in (select id from forgotten)");
            s.execute("delete from invoices where id in (select id from forgotten)");
            s.execute("drop table forgotten");
            s.execute("update organizations set pending_payload_sha256 = null where id = '" + org + "'");
            s.execute("vacuum line_items, line_item_tags, invoices");
        }
    }

    record SmallHeap(List<Double> runs, SmallHeapInstance.Heap heap, boolean alive) {

        double seconds() {
            return median(runs);
        }
    }

    /** The same ingest by a second instance with a 256 MB heap on an empty database, started over its API. */
    private SmallHeap smallHeapIngest() throws Exception {
        String url = TestPostgres.newDatabase("bench_ingest_small_heap");
        TestPostgres.Server server = TestPostgres.server();
        try (SmallHeapInstance child = SmallHeapInstance.start(
                url,
                List.of(
                        "--billing.sync.enabled=false",
                        "--billing.cost-explorer.enabled=false",
                        "--billing.sync.history-months=0",
                        "--billing.atlas.base-url=" + atlas.baseUrl(),
                        "--billing.atlas.client-id=bench-client",
                        "--billing.atlas.client-secret=bench-secret",
                        "--billing.orgs[0].id=" + ORG,
                        "--billing.orgs[1].id=" + WARM_UP_ORG,
                        "--billing.security.api-keys[0].name=bench",
                        "--billing.security.api-keys[0].key=" + KEY,
                        "--billing.security.api-keys[0].roles=READ,SYNC",
                        "--billing.security.api-keys[0].orgs=*"))) {
            child.awaitReady(Duration.ofMinutes(3));
            try (Connection c = DriverManager.getConnection(url, server.user(), server.password())) {
                // the pending list also holds a linked org's invoice, so a few more lines than the paying invoice's
                syncAndWait(child, c, WARM_UP_ORG, atlas.org(WARM_UP_ORG).pendingLineItemsWithLinked());
                List<Double> seconds = new ArrayList<>();
                for (int i = 0; i < PAIRS; i++) {
                    if (i > 0) {
                        forgetPendingInvoices(c, ORG);
                    }
                    seconds.add(syncAndWait(child, c, ORG, atlas.org(ORG).pendingLineItemsWithLinked()));
                }
                return new SmallHeap(seconds, child.heapSince(0), child.alive());
            }
        }
    }

    /** Starts a manual run of {@code org} over the instance's API and waits for it; returns its recorded seconds. */
    private static double syncAndWait(SmallHeapInstance child, Connection c, String org, int lines) throws Exception {
        long before;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select coalesce(max(id), 0) from sync_runs")) {
            rs.next();
            before = rs.getLong(1);
        }
        HttpResponse<String> started = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(child.base() + "/api/v1/orgs/" + org + "/syncRuns"))
                                .header("X-API-Key", KEY)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return await("the -Xmx256m instance's sync of " + org)
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(200))
                .failFast(
                        "the -Xmx256m instance exited",
                        () -> assertThat(child.alive())
                                .as("alive (out of memory: %s)", child.ranOutOfMemory())
                                .isTrue())
                .until(() -> finishedRun(c, org, before, lines), Optional::isPresent)
                .orElseThrow();
    }

    /** The seconds of {@code org}'s run after run {@code before} once it has ended (it must have succeeded). */
    private static Optional<Double> finishedRun(Connection c, String org, long before, int lines) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select status, line_items_written,"
                        + " extract(epoch from finished_at - started_at) from sync_runs"
                        + " where status <> 'RUNNING' and org_id = '" + org + "' and id > " + before)) {
            if (!rs.next()) {
                return Optional.empty();
            }
            assertThat(rs.getString(1)).isEqualTo("SUCCEEDED");
            assertThat(rs.getInt(2)).isEqualTo(lines);
            return Optional.of(rs.getDouble(3));
        }
    }

    /** The runs behind a median, in the order measured. */
    private static String runs(List<Double> seconds) {
        return seconds.stream()
                .map(v -> String.format(Locale.ROOT, "%.2f", v))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
