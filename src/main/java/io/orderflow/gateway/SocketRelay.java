package io.orderflow.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Relays a browser's live socket to an instance of the order module (Spring Cloud Gateway's servlet flavour
 * routes no WebSockets; see ADR 0008). Each browser socket gets its own upstream socket to an instance chosen
 * by the load balancer; text frames pass both ways unchanged, and a close on either side closes the other with
 * the same code, so the order module's 4401/4404 reach the browser. Messages the browser sends before the
 * upstream socket is open (its authentication) wait and are sent in order.
 */
class SocketRelay extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(SocketRelay.class);
    static final String HEADERS = SocketRelay.class.getName() + ".headers";
    private static final CloseStatus NO_INSTANCE = new CloseStatus(1013, "no instance of the order module is ready");

    private final LoadBalancerClient loadBalancer;
    private final String module;
    private final StandardWebSocketClient client = new StandardWebSocketClient();
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    /** One browser socket and its upstream, once that is open. */
    private static final class Link {
        final WebSocketSession downstream;

        @Nullable
        WebSocketSession upstream;

        final Queue<TextMessage> waiting = new ArrayDeque<>();
        boolean closed;

        Link(WebSocketSession downstream) {
            this.downstream = downstream;
        }
    }

    SocketRelay(LoadBalancerClient loadBalancer, String module) {
        this.loadBalancer = loadBalancer;
        this.module = module;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession raw) {
        WebSocketSession downstream = new ConcurrentWebSocketSessionDecorator(raw, 10_000, 512 * 1024);
        Link link = new Link(downstream);
        links.put(raw.getId(), link);
        ServiceInstance instance = loadBalancer.choose(module);
        if (instance == null) {
            close(downstream, NO_INSTANCE);
            return;
        }
        URI uri = requireNonNull(raw.getUri(), "a socket accepted by this server has its handshake's URI");
        URI target = URI.create("ws://" + instance.getHost() + ":" + instance.getPort() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
        @SuppressWarnings("unchecked")
        Map<String, String> forwarded =
                (Map<String, String>) raw.getAttributes().getOrDefault(HEADERS, Map.of());
        forwarded.forEach(headers::add);
        client.execute(new Upstream(link), headers, target).whenComplete((upstream, failure) -> {
            if (failure != null) {
                log.debug("upstream socket to {} failed: {}", target, failure.toString());
                close(downstream, NO_INSTANCE);
            }
        });
    }

    @Override
    protected void handleTextMessage(WebSocketSession raw, TextMessage message) throws IOException {
        Link link = links.get(raw.getId());
        if (link == null) {
            return;
        }
        WebSocketSession upstream;
        synchronized (link) {
            upstream = link.upstream;
            if (upstream == null) {
                link.waiting.add(message);
                return;
            }
        }
        upstream.sendMessage(message);
    }

    @Override
    public void afterConnectionClosed(WebSocketSession raw, CloseStatus status) {
        Link link = links.remove(raw.getId());
        if (link == null) {
            return;
        }
        WebSocketSession upstream;
        synchronized (link) {
            link.closed = true;
            upstream = link.upstream;
        }
        if (upstream != null) {
            close(upstream, status);
        }
    }

    private static void close(WebSocketSession session, CloseStatus status) {
        try {
            if (session.isOpen()) {
                session.close(status);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("closing socket {}: {}", session.getId(), e.toString());
        }
    }

    /** The upstream side: what the order module says goes to the browser; its close closes the browser's socket. */
    private static final class Upstream extends TextWebSocketHandler {

        private final Link link;

        Upstream(Link link) {
            this.link = link;
        }

        @Override
        public void afterConnectionEstablished(WebSocketSession upstream) throws IOException {
            boolean closed;
            synchronized (link) {
                closed = link.closed;
                if (!closed) {
                    for (TextMessage waiting : link.waiting) {
                        upstream.sendMessage(waiting);
                    }
                    link.waiting.clear();
                    link.upstream = upstream;
                }
            }
            if (closed) {
                close(upstream, CloseStatus.NORMAL);
            }
        }

        @Override
        protected void handleTextMessage(WebSocketSession upstream, TextMessage message) throws IOException {
            link.downstream.sendMessage(message);
        }

        @Override
        public void afterConnectionClosed(WebSocketSession upstream, CloseStatus status) {
            close(link.downstream, status);
        }
    }

    /** Keeps the headers the upstream needs: the access token (when sent on the upgrade) and the request id. */
    static final class Handshake implements HandshakeInterceptor {

        @Override
        public boolean beforeHandshake(
                ServerHttpRequest request,
                ServerHttpResponse response,
                WebSocketHandler handler,
                Map<String, Object> attributes) {
            Map<String, String> headers = new HashMap<>();
            for (String name : new String[] {HttpHeaders.AUTHORIZATION, "X-Request-Id"}) {
                String value = request.getHeaders().getFirst(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
            attributes.put(HEADERS, headers);
            return true;
        }

        @Override
        public void afterHandshake(
                ServerHttpRequest request,
                ServerHttpResponse response,
                WebSocketHandler handler,
                @Nullable Exception exception) {}
    }
}
