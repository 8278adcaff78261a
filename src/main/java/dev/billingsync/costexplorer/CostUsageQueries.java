package dev.billingsync.costexplorer;

import dev.billingsync.web.Page;
import dev.billingsync.web.PageRequest;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/** Cost Explorer usage and query history for the API, from PostgreSQL; a page and its count in one snapshot. */
@Component
@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
public class CostUsageQueries {

    private final EntityManager entityManager;

    CostUsageQueries(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Usage rows of months in [startDate, endDate), newest month first, in upstream order within a month. */
    public Page<UsageResponse> usage(String orgId, UsageFilter filter, PageRequest page) {
        StringBuilder where = new StringBuilder(" from CostEntry e where e.id.orgId = :org");
        Map<String, Object> params = new HashMap<>();
        params.put("org", orgId);
        if (filter.startDate() != null) {
            where.append(" and e.id.usageDate >= :start");
            params.put("start", filter.startDate());
        }
        if (filter.endDate() != null) {
            where.append(" and e.id.usageDate < :end");
            params.put("end", filter.endDate());
        }
        if (filter.groupBy() != null) {
            where.append(" and e.id.groupBy = :groupBy");
            params.put("groupBy", filter.groupBy());
        }
        long total = bind(entityManager.createQuery("select count(e)" + where, Long.class), params)
                .getSingleResult();
        List<UsageResponse> rows = page(
                bind(
                        entityManager.createQuery(
                                "select new dev.billingsync.costexplorer.UsageResponse(e.id.orgId, e.id.usageDate,"
                                        + " e.id.groupBy, e.dimensionId, e.dimensionName, e.invoiceId, e.service,"
                                        + " e.usageAmount)" + where
                                        + " order by e.id.usageDate desc, e.id.groupBy, e.id.position",
                                UsageResponse.class),
                        params),
                page);
        return new Page<>(rows, total);
    }

    public Page<CostQueryResponse> queries(String orgId, PageRequest page) {
        long total = entityManager
                .createQuery("select count(q) from CostQuery q where q.orgId = :org", Long.class)
                .setParameter("org", orgId)
                .getSingleResult();
        List<CostQueryResponse> rows =
                page(entityManager.createQuery("""
                                select new dev.billingsync.costexplorer.CostQueryResponse(q.id, q.orgId, q.syncRunId,
                                    q.groupBy, q.startDate, q.endDate, cast(q.state as String), q.createdAt,
                                    q.completedAt, q.polls, q.recreated, q.rowsReturned, q.errorCode, q.errorDetail)
                                from CostQuery q where q.orgId = :org order by q.createdAt desc, q.id desc
                                """, CostQueryResponse.class).setParameter("org", orgId), page);
        return new Page<>(rows, total);
    }

    private static <T> TypedQuery<T> bind(TypedQuery<T> query, Map<String, Object> params) {
        params.forEach(query::setParameter);
        return query;
    }

    /** JPA offsets are ints; no table here holds that many rows, so a page past them is empty. */
    private static <T> List<T> page(TypedQuery<T> query, PageRequest page) {
        if (page.offset() > Integer.MAX_VALUE) {
            return List.of();
        }
        return query.setFirstResult((int) page.offset())
                .setMaxResults(page.itemsPerPage())
                .getResultList();
    }
}
