package dev.billingsync.sync;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who this replica is, in sync runs ({@code runner}) and as the owner of the per-org locks: host, process id and a
 * random part, so that two application contexts in one process (or a restarted process that got the same pid, as
 * pid 1 in every container does) never pass for each other.
 */
record ReplicaName(String value) {

    static ReplicaName create() {
        String host = System.getenv("HOSTNAME");
        return new ReplicaName((host == null || host.isBlank() ? "local" : host) + ":"
                + ProcessHandle.current().pid() + ":"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    }
}
