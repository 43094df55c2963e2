package io.orderflow.order;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("order")
@ComponentScan
public class OrderModule {

    @Bean
    MessageHandlers orderHandlers(OrderManagement orders) {
        MessageHandlers.Builder handlers = MessageHandlers.forModule("order").on(OrderPlaced.class, orders::start);
        OrderFulfilment.SAGA.replyTypes().forEach(reply -> handlers.on(reply, orders::onReply));
        return handlers.build();
    }
}
