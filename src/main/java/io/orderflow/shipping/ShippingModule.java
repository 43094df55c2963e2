package io.orderflow.shipping;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("shipping")
@ComponentScan
public class ShippingModule {

    /** What shipping consumes: the routing every process declares (see Topology). */
    public static final List<Class<?>> CONSUMES = List.of(CreateShipment.class, CancelShipment.class);

    @Bean
    MessageHandlers shippingHandlers(Shipments shipments) {
        return MessageHandlers.forModule("shipping")
                .callsRemoteServices() // the carrier
                .on(CreateShipment.class, (command, context) -> context.send(shipments.create(command)))
                .on(CancelShipment.class, (command, context) -> context.send(shipments.cancel(command)))
                .build();
    }
}
