package dev.billingsync.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * An immutable response body kept as a list of chunks, so a 100 MB invoice never needs one contiguous array (nor a
 * second copy of it) and can be handed to Netty without copying.
 */
final class RenderedBody {

    static final RenderedBody EMPTY = new RenderedBody(List.of(), 0);

    private static final int FIRST_CHUNK = 8 * 1024;
    private static final int MAX_CHUNK = 1024 * 1024;

    private final List<byte[]> chunks;
    private final long length;

    private RenderedBody(List<byte[]> chunks, long length) {
        this.chunks = chunks;
        this.length = length;
    }

    static RenderedBody of(byte[] bytes) {
        return new RenderedBody(List.of(bytes.clone()), bytes.length);
    }

    static RenderedBody of(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new RenderedBody(List.of(bytes), bytes.length);
    }

    long length() {
        return length;
    }

    Flux<ByteBuf> byteBufs() {
        // Wrapped, not copied: the chunks are never written to after the body is built.
        return Flux.fromIterable(chunks).map(Unpooled::wrappedBuffer);
    }

    /** The whole body as one composite buffer over the chunks (no copy). */
    ByteBuf asByteBuf() {
        return Unpooled.wrappedBuffer(chunks.toArray(new byte[0][]));
    }

    /** The first {@code count} bytes. */
    RenderedBody prefix(long count) {
        if (count >= length) {
            return this;
        }
        List<byte[]> head = new ArrayList<>();
        long left = count;
        for (byte[] chunk : chunks) {
            if (left <= 0) {
                break;
            }
            if (chunk.length <= left) {
                head.add(chunk);
                left -= chunk.length;
            } else {
                head.add(Arrays.copyOf(chunk, (int) left));
                left = 0;
            }
        }
        return new RenderedBody(List.copyOf(head), count);
    }

    byte[] toByteArray() {
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("Body too large for one array: " + length + " bytes");
        }
        byte[] all = new byte[(int) length];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, all, at, chunk.length);
            at += chunk.length;
        }
        return all;
    }

    /** Collects written bytes into growing chunks; {@link #finish()} seals them into a body. */
    static final class Sink extends OutputStream {

        private final List<byte[]> full = new ArrayList<>();
        private byte[] current = new byte[FIRST_CHUNK];
        private int position;
        private long length;
        private boolean finished;

        @Override
        public void write(int b) {
            ensureRoom();
            current[position++] = (byte) b;
            length++;
        }

        @Override
        public void write(byte[] source, int offset, int count) {
            int left = count;
            int from = offset;
            while (left > 0) {
                ensureRoom();
                int n = Math.min(left, current.length - position);
                System.arraycopy(source, from, current, position, n);
                position += n;
                from += n;
                left -= n;
            }
            length += count;
        }

        private void ensureRoom() {
            if (finished) {
                throw new IllegalStateException("Body already finished");
            }
            if (position == current.length) {
                full.add(current);
                current = new byte[Math.min(MAX_CHUNK, current.length * 2)];
                position = 0;
            }
        }

        RenderedBody finish() {
            finished = true;
            if (position > 0) {
                full.add(Arrays.copyOf(current, position));
            }
            current = new byte[0];
            return new RenderedBody(List.copyOf(full), length);
        }
    }
}
