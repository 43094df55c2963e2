package io.orderflow.catalog;

import io.orderflow.inventory.StockLevelsChanged;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("catalog")
@ComponentScan
public class CatalogModule {

    /** What the catalog consumes: the routing every process declares (see Topology). */
    public static final List<Class<?>> CONSUMES = List.of(ValidateOrder.class, StockLevelsChanged.class);

    @Bean
    MessageHandlers catalogHandlers(Catalog catalog) {
        return MessageHandlers.forModule("catalog")
                .on(ValidateOrder.class, catalog::validate)
                .on(StockLevelsChanged.class, (event, context) -> catalog.updateStock(event))
                .build();
    }
}
