package io.orderflow.catalog;

import io.orderflow.inventory.StockLevelsChanged;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("catalog")
@ComponentScan
public class CatalogModule {

    @Bean
    MessageHandlers catalogHandlers(Catalog catalog) {
        return MessageHandlers.forModule("catalog")
                .on(ValidateOrder.class, catalog::validate)
                .on(StockLevelsChanged.class, (event, context) -> catalog.updateStock(event))
                .build();
    }
}
