package io.orderflow.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder the chaos harness owns, in the style of toxiproxy: it listens on 127.0.0.1 and forwards every
 * connection to {@code target}, byte for byte, until it is told to {@linkplain #blackhole() blackhole} them. The
 * {@code partition} nemesis puts it between the application and its database (the application's
 * {@code spring.datasource.url} names the proxy's port), so a partition needs no iptables and no privileges.
 *
 * <p>Blackhole, like packets dropped on the path and not a reset: on the connections open at that moment, the bytes
 * either side sends are read and thrown away (nothing arrives, nothing is refused); a new connection is accepted and
 * held, never connected onwards (the client's connect succeeds, its first message gets no answer). Heal: new
 * connections are forwarded again, and every connection that lost bytes or was held during the partition is closed,
 * as the TCP stack would eventually (retransmission timeout, keepalive): a stream with bytes missing cannot resume.
 */
final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private volatile boolean blackholed;
    private volatile boolean closed;

    /** Listens on a free port of 127.0.0.1 at once; forwards to {@code targetHost:targetPort}. */
    TcpProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    boolean blackholed() {
        return blackholed;
    }

    /** Stops forwarding: open connections lose every byte from now on, new ones are accepted and held. */
    void blackhole() {
        blackholed = true;
        links.forEach(Link::cut);
    }

    /** Forwards new connections again and closes the ones the partition cut (their streams have lost bytes). */
    int heal() {
        blackholed = false;
        int closedNow = 0;
        for (Link link : List.copyOf(links)) {
            if (link.cut) {
                link.close();
                closedNow++;
            }
        }
        return closedNow;
    }

    /** Connections accepted since the start, bytes thrown away while blackholed, connections closed by a heal. */
    long accepted() {
        return accepted.get();
    }

    long droppedBytes() {
        return dropped.get();
    }

    long cutConnections() {
        return cut.get();
    }

    int openConnections() {
        return links.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        List.copyOf(links).forEach(Link::close);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            Link link = new Link(client);
            links.add(link);
            if (blackholed) {
                link.cut(); // accepted, never connected onwards: the client waits for an answer that does not come
                link.drainWithoutForwarding();
            } else {
                link.connect();
            }
        }
    }

    /** One client connection and, once connected, its upstream. */
    private final class Link {

        private final Socket client;
        private volatile Socket upstream;
        /** Lost bytes (or was held) during a partition: closed at the heal. */
        private volatile boolean cut;

        Link(Socket client) {
            this.client = client;
        }

        void cut() {
            if (!cut) {
                cut = true;
                TcpProxy.this.cut.incrementAndGet();
            }
        }

        /** Connects onwards on a thread of its own (a slow connect must not hold up the accept loop). */
        void connect() {
            Thread t = new Thread(
                    () -> {
                        try {
                            client.setTcpNoDelay(true);
                            Socket up = new Socket();
                            up.setTcpNoDelay(true);
                            up.connect(target, 10_000);
                            upstream = up;
                            if (closed) {
                                close();
                                return;
                            }
                            pump(up.getInputStream(), client.getOutputStream(), "down");
                            pump(client.getInputStream(), up.getOutputStream(), "up");
                        } catch (IOException e) {
                            close();
                        }
                    },
                    "tcp-proxy-connect");
            t.setDaemon(true);
            t.start();
        }

        /** A connection held during a partition: whatever the client sends is read and thrown away until the heal. */
        void drainWithoutForwarding() {
            try {
                pump(client.getInputStream(), null, "held");
            } catch (IOException e) {
                close();
            }
        }

        private void pump(InputStream in, OutputStream out, String direction) {
            Thread t = new Thread(
                    () -> {
                        byte[] buffer = new byte[16 * 1024];
                        try {
                            int n;
                            while ((n = in.read(buffer)) >= 0) {
                                if (cut || out == null) {
                                    dropped.addAndGet(n);
                                    continue;
                                }
                                out.write(buffer, 0, n);
                                out.flush();
                            }
                        } catch (SocketException closedUnderUs) {
                            // the other side or a heal closed the link
                        } catch (IOException e) {
                            // the same: a link that cannot carry bytes is closed
                        } finally {
                            if (!cut) {
                                close(); // a normal end (EOF) on one side ends the link; a cut one waits for the heal
                            }
                        }
                    },
                    "tcp-proxy-" + direction);
            t.setDaemon(true);
            t.start();
        }

        void close() {
            links.remove(this);
            List<Socket> sockets = new ArrayList<>(2);
            sockets.add(client);
            if (upstream != null) {
                sockets.add(upstream);
            }
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
