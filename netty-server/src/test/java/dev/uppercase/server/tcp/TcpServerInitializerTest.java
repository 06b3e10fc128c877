package dev.uppercase.server.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.uppercase.server.config.ServerSettings;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.string.StringDecoder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The serving pipeline is the diagram's: each handler once, under its name from TcpPipeline. */
class TcpServerInitializerTest {

    @Test
    void eachServingHandlerIsThereOnceUnderItsName() {
        EmbeddedChannel ch = ServingPipelines.serving(ServerSettings.builder().port(0).build());
        List<String> names = ch.pipeline().names();
        assertEquals(List.of(TcpPipeline.FRAMER, TcpPipeline.DECODER, TcpPipeline.UPPERCASE,
                TcpPipeline.CONNECTION), names.subList(0, names.size() - 1), "then the tail: " + names);
        assertInstanceOf(StringDecoder.class, ch.pipeline().get(TcpPipeline.DECODER), "every line passes it, once");
        ch.finishAndReleaseAll();
    }
}
