package io.orderflow.gateway;

import static org.springframework.cloud.gateway.server.mvc.filter.AfterFilterFunctions.removeResponseHeader;
import static org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions.lb;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.web.servlet.function.RequestPredicates.param;
import static org.springframework.web.servlet.function.RequestPredicates.path;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.platform.ConditionalOnModule;
import io.orderflow.platform.Modules;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.function.RequestPredicate;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Which module serves which path, and the relay for the live sockets. Module instances are looked up by module
 * name in discovery and chosen round-robin among those passing their readiness probe (LoadBalancer's health
 * checks, every {@code spring.cloud.loadbalancer.health-check.interval}). The page and the operations console
 * are served by the gateway itself.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("gateway")
@EnableWebSocket
public class GatewayRoutes implements WebSocketConfigurer {

    private final LoadBalancerClient loadBalancer;

    GatewayRoutes(LoadBalancerClient loadBalancer) {
        this.loadBalancer = loadBalancer;
    }

    /**
     * The gateway's connections to the modules: as many to one instance as requests the gateway serves at once
     * (its Tomcat threads). With HttpClient's default of 5 per instance, requests beyond five queued in the
     * gateway for a connection, unseen by the module's admission control, which is what answers overload with
     * 503 and {@code Retry-After} (docs/operations.md).
     */
    @Bean
    HttpComponentsClientHttpRequestFactoryBuilder moduleConnections(
            @Value("${server.tomcat.threads.max:200}") int requestThreads) {
        return ClientHttpRequestFactoryBuilder.httpComponents()
                .withConnectionManagerCustomizer(
                        pool -> pool.setMaxConnPerRoute(requestThreads).setMaxConnTotal(requestThreads * 2));
    }

    /**
     * Sheds new orders before the token check in the share the order module refused over the last
     * {@code orderflow.gateway.overload-window} ({@link OrderShedding}); 0 turns it off.
     */
    @Bean
    FilterRegistrationBean<OrderShedding> orderShedding(
            @Value("${orderflow.gateway.overload-window:1s}") Duration window,
            @Value("${orderflow.gateway.overload-headroom:2}") double headroom,
            MeterRegistry meters) {
        FilterRegistrationBean<OrderShedding> registration = new FilterRegistrationBean<>(new OrderShedding(
                window,
                headroom,
                meters,
                System::nanoTime,
                () -> ThreadLocalRandom.current().nextDouble()));
        registration.addUrlPatterns("/api/orders");
        // after the access log and the request checks, before Spring Security's chain
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    @Bean
    RouterFunction<ServerResponse> moduleRoutes() {
        // first match wins: a customer's orders are the order module's, the rest of /api/customers the customer's
        return to(
                        "order",
                        path("/api/customers/me/orders")
                                .or(path("/api/orders"))
                                .or(path("/api/orders/**"))
                                .or(path("/api/operations/**"))
                                // the order history's read models and their replay live with the order module
                                .or(path("/api/analytics/**"))
                                .or(path("/api/projections"))
                                .or(path("/api/projections/**")))
                .and(to(
                        "customer",
                        path("/api/customers")
                                .or(path("/api/customers/**"))
                                .or(path("/api/auth/**"))
                                .or(path("/.well-known/jwks.json"))))
                .and(to("catalog", path("/api/products").or(path("/api/products/**"))))
                .and(to("notification", path("/api/notifications").or(path("/api/notifications/**"))))
                .and(deadLetters());
    }

    /** Each module's process serves its own dead letters: by the module in the path or in {@code ?module=}. */
    private static RouterFunction<ServerResponse> deadLetters() {
        RouterFunction<ServerResponse> byModule = Modules.ALL.stream()
                .map(module -> to(
                        module,
                        path("/api/dead-letters/" + module + "/**")
                                .or(path("/api/dead-letters").and(param("module", module)))))
                .reduce(RouterFunction::and)
                .orElseThrow(() -> new IllegalStateException("there are no modules to route to"));
        // without a module, the order process answers for its own
        return byModule.and(to("order", path("/api/dead-letters").or(path("/api/dead-letters/**"))));
    }

    private static RouterFunction<ServerResponse> to(String module, RequestPredicate predicate) {
        // the module echoes the gateway's request id; the gateway has set it on the response already
        return route(module + "-route")
                .route(predicate, http())
                .filter(lb(module))
                .after(removeResponseHeader("X-Request-Id"))
                .build();
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(new SocketRelay(loadBalancer, "order"), "/ws/orders", "/ws/orders/*")
                .addInterceptors(new SocketRelay.Handshake());
    }
}
