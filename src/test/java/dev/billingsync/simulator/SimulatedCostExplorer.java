package dev.billingsync.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The Cost Explorer of one {@link SimulatedOrg}: its query tokens and the script of how polls answer. A new token
 * answers its first {@link #notReadyPolls(int)} polls (default 1) with the {@link #notReadyForm(NotReadyForm)}
 * (default {@link NotReadyForm#FINAL_102}), then 200 with the rows computed when the query was created. Settings
 * apply to every token from the next poll on.
 *
 * <pre>{@code
 * org.costExplorer().notReadyPolls(2).notReadyForm(NotReadyForm.INTERIM_102_THEN_SILENCE);
 * // ... the client creates a query and polls ...
 * List<CostExplorerRow> expected = org.costExplorer().resultRows("projects", start, end);
 * }</pre>
 */
public final class SimulatedCostExplorer {

    private final SimulatedOrg org;
    private final SplittableRandom tokenRandom;
    private final Map<String, Query> queries = new LinkedHashMap<>();
    private int notReadyPolls = 1;
    private boolean neverReady;
    private NotReadyForm notReadyForm = NotReadyForm.FINAL_102;

    SimulatedCostExplorer(SimulatedOrg org, long seed) {
        this.org = org;
        this.tokenRandom = new SplittableRandom(OrgUsagePlan.mix(seed, 0xC057E));
    }

    /** The 23 values Atlas accepts in {@code services}. */
    public static List<String> services() {
        return CostExplorerUsage.SERVICES;
    }

    // --- script

    /** Each token answers this many polls "not ready" before its result (0: ready at the first poll). */
    public synchronized SimulatedCostExplorer notReadyPolls(int polls) {
        if (polls < 0) {
            throw new IllegalArgumentException("polls must not be negative: " + polls);
        }
        this.notReadyPolls = polls;
        this.neverReady = false;
        return this;
    }

    /** How "not ready" is put on the wire. */
    public synchronized SimulatedCostExplorer notReadyForm(NotReadyForm form) {
        this.notReadyForm = Objects.requireNonNull(form, "form");
        return this;
    }

    /** No token ever gets its result (until {@link #notReadyPolls(int)} is called again). */
    public synchronized SimulatedCostExplorer neverReady() {
        this.neverReady = true;
        return this;
    }

    /** Every token created so far is forgotten: polls of it get 404. New queries work as before. */
    public synchronized SimulatedCostExplorer expireTokens() {
        queries.values().forEach(query -> query.expired = true);
        return this;
    }

    // --- what happened

    /** The tokens created, oldest first (expired ones included). */
    public synchronized List<String> tokens() {
        return List.copyOf(queries.keySet());
    }

    /** The validated query behind a token. */
    public synchronized CostExplorerQuery query(String token) {
        return require(token).query;
    }

    /** The request body exactly as received for a token. */
    public synchronized String requestBody(String token) {
        return require(token).body;
    }

    /** When each poll of a token (that reached the Cost Explorer, after auth, faults and the rate limit) arrived. */
    public synchronized List<Instant> pollTimes(String token) {
        return List.copyOf(require(token).polls);
    }

    // --- expected results

    /** The rows a token's result holds (computed when the query was created). */
    public synchronized List<CostExplorerRow> resultRows(String token) {
        return require(token).rows;
    }

    /** The rows a query would get from the org's data now. */
    public List<CostExplorerRow> resultRows(CostExplorerQuery query) {
        return org.costExplorerRows(query);
    }

    /**
     * The rows of the query a sync sends: {@code organizations: [orgId]} and, for the {@code groupBy} dimension, every
     * value the org has ({@link SimulatedOrg#groupIds()}, {@link #clusterIds()}, {@link #services()}); no partial
     * matches.
     *
     * @param groupBy {@code organizations}, {@code projects}, {@code clusters}, {@code services} or null
     */
    public List<CostExplorerRow> resultRows(@Nullable String groupBy, LocalDate startDate, LocalDate endDate) {
        return resultRows(new CostExplorerQuery(
                startDate,
                endDate,
                List.of(org.id()),
                "projects".equals(groupBy) ? org.groupIds() : null,
                "clusters".equals(groupBy) ? clusterIds() : null,
                "services".equals(groupBy) ? services() : null,
                groupBy,
                false));
    }

    /** The JSON document a token's result is served as ({@code {"usageDetails": [...]}}). */
    public JsonNode resultJson(String token) {
        return JsonOutput.parse(CostExplorerEndpoints.json(resultRows(token), false, false));
    }

    /** The unique ids of the org's clusters and serverless instances, sorted (what {@code clusters} filters on). */
    public List<String> clusterIds() {
        return org.clusterIds();
    }

    // --- for the endpoints

    /** Registers a query and returns its new token (64 lower-case hex characters). */
    String create(CostExplorerQuery query, String body) {
        List<CostExplorerRow> rows = org.costExplorerRows(query);
        synchronized (this) {
            HexFormat hex = HexFormat.of();
            String token;
            do {
                token = hex.toHexDigits(tokenRandom.nextLong())
                        + hex.toHexDigits(tokenRandom.nextLong())
                        + hex.toHexDigits(tokenRandom.nextLong())
                        + hex.toHexDigits(tokenRandom.nextLong());
            } while (queries.containsKey(token));
            queries.put(token, new Query(query, body, rows));
            return token;
        }
    }

    /** One poll of a token, counted. */
    synchronized Outcome poll(String token, Instant now) {
        Query query = queries.get(token.toLowerCase(Locale.ROOT));
        if (query == null || query.expired) {
            return new Outcome.Unknown();
        }
        query.polls.add(now);
        if (neverReady || query.polls.size() <= notReadyPolls) {
            return new Outcome.NotReady(notReadyForm, query.rows);
        }
        return new Outcome.Ready(query.rows);
    }

    sealed interface Outcome {
        record Unknown() implements Outcome {}

        /** @param rows the result, for forms that send it late */
        record NotReady(NotReadyForm form, List<CostExplorerRow> rows) implements Outcome {}

        record Ready(List<CostExplorerRow> rows) implements Outcome {}
    }

    private Query require(String token) {
        Query query = queries.get(token.toLowerCase(Locale.ROOT));
        if (query == null) {
            throw new IllegalArgumentException("Org " + org.id() + " has no Cost Explorer token " + token);
        }
        return query;
    }

    private static final class Query {

        final CostExplorerQuery query;
        final String body;
        final List<CostExplorerRow> rows;
        final List<Instant> polls = new ArrayList<>();
        boolean expired;

        Query(CostExplorerQuery query, String body, List<CostExplorerRow> rows) {
            this.query = query;
            this.body = body;
            this.rows = rows;
        }
    }
}
