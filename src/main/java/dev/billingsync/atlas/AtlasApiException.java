package dev.billingsync.atlas;

import org.jspecify.annotations.Nullable;

/**
 * A call to Atlas that failed for good (after any retries). {@link #status()} is the HTTP status, or 0 when no
 * response arrived (I/O error, timeout); {@link #errorCode()} the Atlas {@code errorCode} when the body had one, else
 * a code of ours ({@code IO_ERROR}, {@code TIMEOUT}, {@code MALFORMED_RESPONSE}). Messages never carry credentials or
 * response bodies beyond Atlas's own {@code detail}.
 */
public class AtlasApiException extends RuntimeException {

    private final int status;
    private final String errorCode;
    private final @Nullable AtlasError error;

    public AtlasApiException(
            int status, String errorCode, String message, @Nullable AtlasError error, @Nullable Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.error = error;
    }

    public static AtlasApiException fromResponse(int status, String endpoint, @Nullable AtlasError error) {
        String code = error != null && error.errorCode() != null ? error.errorCode() : "HTTP_" + status;
        String detail = error != null && error.detail() != null ? ": " + error.detail() : "";
        return new AtlasApiException(status, code, endpoint + " answered " + status + " " + code + detail, error, null);
    }

    public static AtlasApiException ioError(String endpoint, Throwable cause) {
        return new AtlasApiException(0, "IO_ERROR", endpoint + " failed: " + describe(cause), null, cause);
    }

    public static AtlasApiException timeout(String endpoint, Throwable cause) {
        return new AtlasApiException(0, "TIMEOUT", endpoint + " timed out", null, cause);
    }

    public static AtlasApiException malformed(String what, Throwable cause) {
        return new AtlasApiException(
                0, "MALFORMED_RESPONSE", what + " could not be read: " + describe(cause), null, cause);
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? "no detail from the transport" : message;
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    public @Nullable AtlasError error() {
        return error;
    }

    /** 429, 503 and other 5xx and transport failures are worth another try; other 4xx never are. */
    public boolean isRetryable() {
        return status == 0 || status == 429 || status >= 500;
    }
}
