/**
 * The discovery role ({@code ORDERFLOW_MODULES=discovery}): a Eureka server where every process of the distributed
 * mode registers, and where the gateway finds the instances of each module.
 */
@NullMarked
package io.orderflow.discovery;

import org.jspecify.annotations.NullMarked;
