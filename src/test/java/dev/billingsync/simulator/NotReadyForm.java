package dev.billingsync.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * What {@code GET .../costExplorer/usage/{token}} puts on the wire while the result is not ready. Atlas documents a
 * 102 Processing; whether it sends it as a final answer or as an interim one, and what follows, is not known
 * (atlas-billing-api §4.4), so the simulator offers each form; all but {@link #EMPTY_200} are written as raw bytes
 * below Netty's HTTP codec.
 *
 * <p>The four 102 forms are byte for byte the same up to the moment a client acts on the 102; they differ in what the
 * server does next, which is what breaks clients that reuse the connection (java-http-findings §1).
 */
public enum NotReadyForm {

    /**
     * {@code HTTP/1.1 102 Processing} and an empty line as the final answer; the connection stays open and the next
     * request on it is answered normally.
     */
    FINAL_102,

    /**
     * The 102 line, then nothing until the client gives up and closes the connection (as if the 102 were interim and
     * the result never came). A next request on the same connection is never answered either.
     */
    INTERIM_102_THEN_SILENCE,

    /** The 102 line, then the connection is closed (FIN). */
    INTERIM_102_THEN_CLOSE,

    /**
     * The 102 line as an interim response, then after {@link #RESULT_DELAY} the complete 200 with the result on the
     * same connection, which then serves the next request: what a server that treats 102 as interim sends. Clients
     * that hide 1xx (the JDK's) see the 200; Reactor Netty sees the 102, and a client that pools the connection gets
     * this late 200 as the answer to its next request. The poll counts as a not-ready one.
     */
    INTERIM_102_THEN_RESULT,

    /** No bytes at all until the client gives up: a client sees a read timeout. */
    SILENCE,

    /** The connection is closed (FIN) without any response: a client sees a premature close. */
    CLOSE,

    /** {@code 200} with the negotiated content type and {@code Content-Length: 0}: an empty reply. */
    EMPTY_200;

    /** How long {@link #INTERIM_102_THEN_RESULT} waits between the 102 and the 200. */
    public static final Duration RESULT_DELAY = Duration.ofMillis(250);

    private static final byte[] PROCESSING = "HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * @param result the ready result, for the form that sends it late
     */
    Reply reply(String contentType, Map<String, String> headers, RenderedBody result) {
        return switch (this) {
            case FINAL_102 ->
                new Reply.Wire(102, connection -> RawWire.writeAsCompleteAnswer(connection, processing()));
            case INTERIM_102_THEN_SILENCE ->
                new Reply.Wire(102, connection -> RawWire.writeThenWaitForClose(connection, processing()));
            case INTERIM_102_THEN_CLOSE ->
                new Reply.Wire(102, connection -> RawWire.writeAndClose(connection, processing()));
            case INTERIM_102_THEN_RESULT ->
                new Reply.Wire(200, connection -> {
                    Map<String, String> resultHeaders = new LinkedHashMap<>(headers);
                    resultHeaders.put("Content-Type", contentType);
                    resultHeaders.put("Content-Length", Long.toString(result.length()));
                    ByteBuf late = Unpooled.wrappedBuffer(RawWire.head(200, resultHeaders), result.asByteBuf());
                    return RawWire.writeAsCompleteAnswer(connection, processing())
                            .then(Mono.delay(RESULT_DELAY))
                            .then(Mono.defer(() -> RawWire.write(connection, late)));
                });
            case SILENCE -> new Reply.Wire(0, connection -> connection.onDispose());
            case CLOSE -> new Reply.Wire(0, RawWire::close);
            case EMPTY_200 -> new Reply.Body(200, contentType, RenderedBody.EMPTY, headers);
        };
    }

    private static ByteBuf processing() {
        return Unpooled.wrappedBuffer(PROCESSING);
    }
}
