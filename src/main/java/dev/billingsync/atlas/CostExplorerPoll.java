package dev.billingsync.atlas;

import java.util.Objects;

/** What one poll of a Cost Explorer token ({@link CostExplorerCalls#pollCostExplorerQuery}) answered. */
sealed interface CostExplorerPoll {

    /**
     * The result, spooled to a file (read it with {@link AtlasCostExplorerReader}; the caller closes it).
     *
     * @param format the format of the body: the one asked for unless Atlas answered with the other one's media type
     */
    record Ready(AtlasPayload payload, CostExplorerFormat format) implements CostExplorerPoll {
        public Ready {
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(format, "format");
        }
    }

    /**
     * Not ready yet: how it was signalled — STATUS_102 (a 102), READ_TIMEOUT (no answer within the poll timeout),
     * CLOSED (connection closed before a response), EMPTY_REPLY (a 2xx with no body).
     */
    record Processing(NotReadySignal signal) implements CostExplorerPoll {
        public Processing {
            Objects.requireNonNull(signal, "signal");
        }
    }

    /** 404: the token is unknown or expired; create a new query. */
    record UnknownToken() implements CostExplorerPoll {}
}
