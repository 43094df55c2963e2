package io.orderflow.catalog;

import io.orderflow.inventory.StockLevelsChanged;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.ReadOnlyStep;
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

    /**
     * Validation reads the catalog and changes nothing: an order placed in this process is priced in its own
     * transaction instead of by message (see {@link ReadOnlyStep}).
     */
    @Bean
    ReadOnlyStep<ValidateOrder, ValidationReply> catalogValidation(Catalog catalog) {
        return new ReadOnlyStep<>() {
            @Override
            public Class<ValidateOrder> command() {
                return ValidateOrder.class;
            }

            @Override
            public ValidationReply answer(ValidateOrder command) {
                return catalog.validate(command);
            }
        };
    }
}
