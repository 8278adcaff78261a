package dev.billingsync.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Scripted faults per key (an org id for Atlas endpoints, the path template for the others): a FIFO of one-shot
 * faults, then a standing status.
 */
final class FaultPlan {

    static final String TOKEN_ENDPOINT = "/api/oauth/token";

    private final Map<String, Deque<Fault>> queued = new HashMap<>();
    private final Map<String, Integer> standing = new HashMap<>();

    synchronized void enqueue(String key, Fault fault) {
        queued.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(fault);
    }

    synchronized void failAlways(String key, int status) {
        standing.put(key, new Fault.Status(status).status());
    }

    synchronized void clear(String key) {
        queued.remove(key);
        standing.remove(key);
    }

    synchronized @Nullable Fault next(String key) {
        Deque<Fault> faults = queued.get(key);
        if (faults != null && !faults.isEmpty()) {
            return faults.removeFirst();
        }
        Integer status = standing.get(key);
        return status == null ? null : Fault.status(status);
    }
}
