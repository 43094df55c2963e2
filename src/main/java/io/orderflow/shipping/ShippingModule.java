package io.orderflow.shipping;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("shipping")
@ComponentScan
public class ShippingModule {

    @Bean
    MessageHandlers shippingHandlers(Shipments shipments) {
        return MessageHandlers.forModule("shipping")
                .on(CreateShipment.class, shipments::create)
                .on(CancelShipment.class, shipments::cancel)
                .build();
    }
}
