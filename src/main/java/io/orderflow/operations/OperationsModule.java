package io.orderflow.operations;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * Not a process of its own: {@code orderflow.modules} never names it. Every process takes the part of it that
 * matches what it runs (each class says which), so in distributed mode the gateway keeps routing dead letters
 * to the process of their module and the saga diagram to the order process, and serves the page itself.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan
public class OperationsModule {}
