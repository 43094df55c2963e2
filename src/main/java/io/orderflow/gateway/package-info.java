/**
 * The gateway role ({@code ORDERFLOW_MODULES=gateway}): the single public entry of the distributed mode. Routes
 * {@code /api/**} and {@code /ws/**} to healthy module instances found in discovery (Spring Cloud Gateway and
 * LoadBalancer), after the platform's security has checked the token and the rate limits; serves the page.
 */
@NullMarked
package io.orderflow.gateway;

import org.jspecify.annotations.NullMarked;
