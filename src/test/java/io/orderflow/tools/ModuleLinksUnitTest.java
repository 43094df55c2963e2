package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each module process's own links to the database and the broker: cutting one leaves every other link alone. */
class ModuleLinksUnitTest {

    /** A server that answers each connection with one byte. */
    private static ServerSocket server() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.getOutputStream().write('!');
                    s.getOutputStream().flush();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    /** Whether a connection through the proxy on {@code port} gets the server's byte within 700 ms. */
    private static boolean answered(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(700);
            InputStream in = s.getInputStream();
            return in.read() == '!';
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void cuttingOneProcessFromTheBrokerLeavesItsDatabaseAndTheOtherProcessesAlone() throws Exception {
        try (ServerSocket postgres = server();
                ServerSocket rabbit = server();
                ModuleLinks links = new ModuleLinks(
                        List.of("payment-1", "payment-2"), postgres.getLocalPort(), rabbit.getLocalPort())) {
            Set<Integer> ports = new HashSet<>();
            for (String p : List.of("payment-1", "payment-2")) {
                ports.add(links.brokerPort(p));
                ports.add(links.proxy(p, "postgres").port());
                assertThat(links.jdbcUrl(p))
                        .isEqualTo("jdbc:postgresql://127.0.0.1:"
                                + links.proxy(p, "postgres").port() + "/orderflow");
            }
            assertThat(ports).hasSize(4); // one proxy per process and port
            assertThat(links.ports()).containsOnlyKeys("payment-1", "payment-2");

            links.proxy("payment-1", "broker").blackhole();

            assertThat(answered(links.brokerPort("payment-1"))).isFalse();
            assertThat(answered(links.proxy("payment-1", "postgres").port())).isTrue();
            assertThat(answered(links.brokerPort("payment-2"))).isTrue();
            assertThat(links.proxy("payment-1", "broker").heal()).isEqualTo(1);
            assertThat(answered(links.brokerPort("payment-1"))).isTrue();
            assertThatThrownBy(() -> links.proxy("payment-3", "postgres")).hasMessageContaining("payment-3");
            assertThatThrownBy(() -> links.proxy("payment-1", "redis")).hasMessageContaining("postgres");
        }
    }
}
