package dev.billingsync.atlas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A successful Atlas response body, spooled to a temporary file while it streamed in, so that no response is ever
 * held whole in memory and no HTTP call has to run inside a database transaction. {@link #sha256()} is the hex SHA-256
 * of the exact bytes, a cheap way to tell that nothing changed upstream. Closing deletes the file.
 */
record AtlasPayload(Path file, String sha256, long size) implements AutoCloseable {

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
