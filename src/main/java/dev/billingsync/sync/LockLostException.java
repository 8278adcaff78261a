package dev.billingsync.sync;

/**
 * This replica no longer holds an org's sync lock (it expired while the replica was paused, or another replica took
 * it over), so what it was about to write is rolled back.
 */
class LockLostException extends RuntimeException {

    private LockLostException(String message) {
        super(message);
    }

    static LockLostException forOrg(String orgId) {
        return new LockLostException("This replica lost the sync lock of organization " + orgId
                + " before its data was committed (the lock expired or another replica took it over); nothing was"
                + " written.");
    }
}
