package io.orderflow.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteClassUnitTest {

    @Test
    void drawsTheSeedsClientsFromTheBucketsOfTheOrderApi() {
        assertThat(RouteClass.of("POST", "/orders")).contains(RouteClass.PLACE_ORDER);
        assertThat(RouteClass.of("POST", "/api/orders")).contains(RouteClass.PLACE_ORDER);
        assertThat(RouteClass.of("GET", "/orders/ord-001")).contains(RouteClass.READS);
        assertThat(RouteClass.of("POST", "/orders/ord-001")).contains(RouteClass.WRITES);
    }

    @Test
    void leavesHealthChecksAndThePageUnlimited() {
        assertThat(RouteClass.of("GET", "/health")).isEmpty();
        assertThat(RouteClass.of("GET", "/api/health")).isEmpty();
        assertThat(RouteClass.of("GET", "/orders")).isEmpty();
        assertThat(RouteClass.of("GET", "/app/main.js")).isEmpty();
    }

    @Test
    void takesOnlyOneOrderAsASeedOrderPath() {
        assertThat(RouteClass.isSeedOrderPath("/orders/ord-001")).isTrue();
        assertThat(RouteClass.isSeedOrderPath("/orders/")).isFalse();
        assertThat(RouteClass.isSeedOrderPath("/orders/a/b")).isFalse();
        assertThat(RouteClass.isSeedOrderPath("/ordersx/a")).isFalse();
    }
}
