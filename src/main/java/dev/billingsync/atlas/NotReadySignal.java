package dev.billingsync.atlas;

/**
 * How a Cost Explorer poll said "not ready yet". Atlas documents a 102 Processing; what reaches a client depends on
 * the client (Reactor Netty reports a 102 as the final status, other clients time out or fail on it) and on what
 * Atlas really sends, so every form of "no result" counts as not ready.
 */
enum NotReadySignal {

    /**
     * A 102 status. On Reactor Netty this is any 102 status line, whether the server meant it as the final answer,
     * keeps the connection silent afterwards or closes it: the client cannot tell these apart when it gets the 102.
     */
    STATUS_102,

    /** No response (status line) within the poll timeout. */
    READ_TIMEOUT,

    /** The connection was closed before a response arrived. */
    CLOSED,

    /** A 2xx status with an empty body. */
    EMPTY_REPLY
}
