package dev.billingsync.atlas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's own folder for spooled response bodies, under the configured spool directory. It holds an OS file
 * lock on its {@code .owner} file for as long as the process lives; the OS drops that lock when the process dies, however
 * it dies (kill -9, OOM). So on start, a folder whose lock can be taken belongs to a dead process and is deleted with
 * everything in it: a crash never leaves tens of MB of bodies behind for good. Process ids are no help here: in a
 * container every restart is pid 1 again.
 */
final class SpoolDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpoolDirectory.class);
    private static final String PREFIX = "billing-sync-spool-";
    private static final String OWNER = ".owner";

    /**
     * Folders this JVM owns. Their owner files must never be opened again here: on Linux, closing any channel on a file
     * drops every lock this process holds on it (POSIX record locks), which would leave a live folder up for deletion.
     */
    private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final FileChannel ownerChannel;

    private SpoolDirectory(Path path, FileChannel ownerChannel) {
        this.path = path;
        this.ownerChannel = ownerChannel;
    }

    /** Deletes the folders of dead processes under {@code base}, then creates and locks this process's own. */
    static SpoolDirectory open(Path base) {
        try {
            Files.createDirectories(base);
            sweep(base);
            Path own = Files.createTempDirectory(base, PREFIX);
            FileChannel channel =
                    FileChannel.open(own.resolve(OWNER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            channel.lock(); // held until the channel closes, or the process dies
            OWNED.add(own.toAbsolutePath());
            return new SpoolDirectory(own, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spool folder in " + base, e);
        }
    }

    Path path() {
        return path;
    }

    /** Deletes the folders under {@code base} whose owner process is gone; returns how many. */
    static int sweep(Path base) throws IOException {
        int swept = 0;
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path folder : folders) {
                if (Files.isDirectory(folder) && ownerIsGone(folder)) {
                    deleteTree(folder);
                    swept++;
                }
            }
        }
        if (swept > 0) {
            log.info("Deleted {} spool folder(s) left in {} by processes that stopped", swept, base);
        }
        return swept;
    }

    private static boolean ownerIsGone(Path folder) {
        if (OWNED.contains(folder.toAbsolutePath())) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(folder.resolve(OWNER), StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // held by this very JVM (another application context in it)
        } catch (NoSuchFileException e) {
            // Created by a process that died before it could lock it (or by hand): nobody owns it.
            return true;
        } catch (IOException e) {
            log.warn("Could not tell whether spool folder {} is in use; left alone: {}", folder, e.toString());
            return false;
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Deletes the folder with whatever is still in it, then gives up its lock. */
    @Override
    public void close() {
        try {
            deleteTree(path);
        } catch (IOException e) {
            log.warn("Could not delete spool folder {}: {}", path, e.toString());
        } finally {
            try {
                ownerChannel.close(); // releases the lock too
            } catch (IOException e) {
                log.warn("Could not close the owner file of spool folder {}: {}", path, e.toString());
            }
            OWNED.remove(path.toAbsolutePath());
        }
    }
}
