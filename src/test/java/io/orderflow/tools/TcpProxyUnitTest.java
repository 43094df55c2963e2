package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyUnitTest {

    private ServerSocket echo;
    private final AtomicInteger echoConnections = new AtomicInteger();
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    echoConnections.incrementAndGet();
                    Thread t = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // the client or the proxy closed it
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = new TcpProxy("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(700);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] answer = s.getInputStream().readNBytes(text.length());
        return new String(answer, StandardCharsets.UTF_8);
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "ping")).isEqualTo("ping");
            assertThat(roundTrip(s, "pong")).isEqualTo("pong");
        }
        assertThat(echoConnections.get()).isEqualTo(1);
    }

    @Test
    void aBlackholeDropsBytesWithoutResettingAndHoldsNewConnectionsUntilTheHealClosesThem() throws Exception {
        Socket before = connect();
        assertThat(roundTrip(before, "ping")).isEqualTo("ping");

        proxy.blackhole();

        // an open connection: what it sends goes nowhere, no answer, no reset, no end of stream
        before.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
        before.getOutputStream().flush();
        assertThatThrownBy(() -> before.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        // a new connection: accepted (the connect succeeds) but never connected onwards, its bytes dropped too
        Socket during = connect();
        during.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
        during.getOutputStream().flush();
        assertThatThrownBy(() -> during.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(echoConnections.get()).isEqualTo(1);
        assertThat(proxy.droppedBytes()).isEqualTo(8);
        assertThat(proxy.cutConnections()).isEqualTo(2);

        assertThat(proxy.heal()).isEqualTo(2);

        // the connections the partition cut are closed (their streams lost bytes); the client sees the end
        assertThat(readEnd(before)).isTrue();
        assertThat(readEnd(during)).isTrue();
        // and new ones are forwarded again
        try (Socket after = connect()) {
            assertThat(roundTrip(after, "again")).isEqualTo("again");
        }
        assertThat(echoConnections.get()).isEqualTo(2);
        before.close();
        during.close();
    }

    @Test
    void aConnectionClosedNormallyLeavesTheProxy() throws Exception {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
        }
        long end = System.nanoTime() + 5_000_000_000L;
        while (proxy.openConnections() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(proxy.openConnections()).isZero();
    }

    /** Whether reading finds the connection closed (end of stream or a reset), rather than still waiting. */
    private static boolean readEnd(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException closed) {
            return true;
        }
    }
}
