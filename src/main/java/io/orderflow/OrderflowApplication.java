package io.orderflow;

import io.orderflow.catalog.CatalogModule;
import io.orderflow.catalog.RemotePricing;
import io.orderflow.compat.CompatModule;
import io.orderflow.customer.CustomerModule;
import io.orderflow.discovery.DiscoveryServer;
import io.orderflow.gateway.GatewayRoutes;
import io.orderflow.inventory.InventoryModule;
import io.orderflow.messaging.MessagingConfiguration;
import io.orderflow.messaging.Topology;
import io.orderflow.notification.NotificationModule;
import io.orderflow.operations.OperationsModule;
import io.orderflow.order.OrderModule;
import io.orderflow.order.ReplayTool;
import io.orderflow.payment.PaymentModule;
import io.orderflow.platform.PlatformConfiguration;
import io.orderflow.shipping.ShippingModule;
import io.orderflow.tools.Tools;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * One artifact, two ways to run it. No component scan from the root: each module's configuration is
 * imported here and switches itself on only when {@code orderflow.modules} names it, so the same jar
 * runs every module (embedded default) or one module per process (distributed).
 */
@SpringBootConfiguration
// Redis connections are made by what uses them (platform.RedisConnections, the Redis transport), on the URL each is
// configured with: no connection factory to localhost (and no health check of it) in every process
@EnableAutoConfiguration(
        excludeName = {
            "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
            "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
            "org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration"
        })
@Import({
    PlatformConfiguration.class,
    MessagingConfiguration.class,
    OrderModule.class,
    CatalogModule.class,
    RemotePricing.class,
    InventoryModule.class,
    PaymentModule.class,
    ShippingModule.class,
    NotificationModule.class,
    CustomerModule.class,
    OperationsModule.class,
    CompatModule.class,
    GatewayRoutes.class,
    DiscoveryServer.class
})
public class OrderflowApplication {

    /** Which module consumes which messages: every process declares all queues from it (no stranded messages). */
    @Bean
    static Topology topology() {
        return Topology.builder()
                .module("order", OrderModule.consumes())
                .module("catalog", CatalogModule.CONSUMES)
                .module("inventory", InventoryModule.CONSUMES)
                .module("payment", PaymentModule.CONSUMES)
                .module("shipping", ShippingModule.CONSUMES)
                .module("notification", NotificationModule.CONSUMES)
                .module("customer", CustomerModule.CONSUMES)
                .build();
    }

    public static void main(String[] args) {
        if (Tools.handles(args)) { // `benchmark` / `check`: operator tools, no Spring context
            Tools.run(args);
            return;
        }
        if (ReplayTool.handles(args)) { // `replay <projection>`: rebuild a read model from the order history
            System.exit(ReplayTool.run(args));
        }
        SpringApplication.run(OrderflowApplication.class, args);
    }
}
