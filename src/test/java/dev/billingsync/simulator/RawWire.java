package dev.billingsync.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * Bytes written below Netty's HTTP codec, for wire forms a correct server never sends: a response cut short, a
 * reset instead of a response, an informational status line left on its own.
 */
final class RawWire {

    private RawWire() {}

    /** Closes with SO_LINGER 0, so the kernel sends RST instead of FIN. */
    static Mono<Void> reset(Connection connection) {
        Channel channel = connection.channel();
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        return completion(channel.close());
    }

    /** Writes {@code bytes} as they are (status line and headers included), then closes the connection. */
    static Mono<Void> writeAndClose(Connection connection, ByteBuf bytes) {
        return write(connection, bytes)
                .then(Mono.defer(() -> completion(connection.channel().close())));
    }

    /** Closes the connection normally (FIN) without writing anything. */
    static Mono<Void> close(Connection connection) {
        return completion(connection.channel().close());
    }

    /** Writes {@code bytes}, then leaves the connection open and silent until the client closes it. */
    static Mono<Void> writeThenWaitForClose(Connection connection, ByteBuf bytes) {
        return write(connection, bytes).then(Mono.defer(connection::onDispose));
    }

    /**
     * Writes {@code bytes} as the complete answer to the current request (an informational status line on its own,
     * say) and keeps the connection open for the next request.
     *
     * <p>Reactor Netty's server only reads the next request on a connection once the current one has had a final
     * response through its HTTP codec (an informational one does not count). So the empty response Reactor Netty
     * sends when the exchange completes still goes through the codec, closing the exchange, but its bytes are
     * swallowed before the encoder: only {@code bytes} reach the client.
     */
    static Mono<Void> writeAsCompleteAnswer(Connection connection, ByteBuf bytes) {
        connection.channel().pipeline().addAfter(NettyPipeline.HttpCodec, SwallowResponse.NAME, new SwallowResponse());
        return write(connection, bytes);
    }

    /** Writes {@code bytes} as they are and leaves the connection open. */
    static Mono<Void> write(Connection connection, ByteBuf bytes) {
        ChannelHandlerContext codec = connection.channel().pipeline().context(NettyPipeline.HttpCodec);
        if (codec == null) {
            bytes.release();
            return Mono.error(new IllegalStateException("Raw writes need the HTTP/1.1 codec in the pipeline"));
        }
        // Writing from the codec's own context sends the bytes to the handlers before it, i.e. to the socket.
        return completion(codec.writeAndFlush(bytes));
    }

    /** An HTTP/1.1 status line and header block, ending with the empty line. */
    static ByteBuf head(int status, Map<String, String> headers) {
        StringBuilder text = new StringBuilder("HTTP/1.1 ")
                .append(status)
                .append(' ')
                .append(HttpResponseStatus.valueOf(status).reasonPhrase())
                .append("\r\n");
        headers.forEach(
                (name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        text.append("\r\n");
        return Unpooled.wrappedBuffer(text.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Mono<Void> completion(ChannelFuture future) {
        return Mono.create(sink -> future.addListener(done -> sink.success()));
    }

    /** Drops the next HTTP response (headers through last content) on its way to the encoder, then removes itself. */
    private static final class SwallowResponse extends ChannelOutboundHandlerAdapter {

        static final String NAME = "simulator.swallowResponse";

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof HttpObject)) {
                ctx.write(msg, promise);
                return;
            }
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                ctx.pipeline().remove(this);
            }
            promise.trySuccess();
        }
    }
}
