package io.orderflow.operations;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the operations page ({@code static/ops/index.html}) at {@code /ops/}, in every process: in distributed
 * mode the gateway serves it, and its calls go back through the gateway.
 */
@Configuration(proxyBeanMethods = false)
class OperationsConsole implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/ops", "/ops/");
        registry.addViewController("/ops/").setViewName("forward:/ops/index.html");
    }
}
