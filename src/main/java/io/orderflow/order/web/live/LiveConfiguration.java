package io.orderflow.order.web.live;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/** Live order updates over WebSocket: {@code /ws/orders/{id}} for one order, {@code /ws/orders} for all. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class LiveConfiguration implements WebSocketConfigurer {

    /** Clients only listen; anything larger than this from them is abuse and closes the connection. */
    static final int MAX_INBOUND_MESSAGE_BYTES = 4 * 1024;

    private final LiveOrders live;
    private final String[] allowedOrigins;

    LiveConfiguration(LiveOrders live, @Value("${orderflow.live.allowed-origins:}") String[] allowedOrigins) {
        this.live = live;
        this.allowedOrigins = allowedOrigins;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        var registration = registry.addHandler(live, "/ws/orders", "/ws/orders/*");
        if (allowedOrigins.length > 0) {
            registration.setAllowedOriginPatterns(allowedOrigins);
        }
    }

    @Bean
    ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(MAX_INBOUND_MESSAGE_BYTES);
        container.setMaxBinaryMessageBufferSize(MAX_INBOUND_MESSAGE_BYTES);
        container.setMaxSessionIdleTimeout(0L);
        return container;
    }
}
