package dev.uppercase.server;

import dev.uppercase.server.transport.Transport;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of a class once per transport: epoll (the default on Linux, so never the one left out), io_uring and
 * NIO. The class takes the transport in a {@code @Parameter Transport transport} field and starts its servers with
 * {@link Servers#start(Transport, String...)}, which skips the test by assumption where the machine lacks that
 * transport: reported as skipped, never silently dropped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@EnumSource(value = Transport.class, names = {"EPOLL", "IO_URING", "NIO"})
public @interface OnEveryTransport {}
