package io.orderflow.catalog;

import static io.orderflow.catalog.CatalogFixtures.CABLE;
import static io.orderflow.catalog.CatalogFixtures.EURO_ADAPTER;
import static io.orderflow.catalog.CatalogFixtures.KEYBOARD;
import static io.orderflow.catalog.CatalogFixtures.LAPTOP;
import static io.orderflow.catalog.CatalogFixtures.MOUSE;
import static io.orderflow.catalog.CatalogFixtures.ORDER_ID;
import static io.orderflow.catalog.CatalogFixtures.STICKER;
import static io.orderflow.catalog.CatalogFixtures.aCatalogOf;
import static io.orderflow.catalog.CatalogFixtures.anOrderOf;
import static io.orderflow.catalog.CatalogFixtures.item;
import static io.orderflow.catalog.CatalogFixtures.theDemoCatalog;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.catalog.Catalog.Pricing;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PricingUnitTest {

    @Test
    void pricesEachItemFromTheCatalogWhenTheCustomerSentNoPrice() {
        ValidationReply answer = Pricing.price(anOrderOf(item(2, LAPTOP), item(1, KEYBOARD)), theDemoCatalog());

        assertThat(answer).isInstanceOfSatisfying(OrderValidated.class, validated -> {
            assertThat(validated.orderId()).isEqualTo(ORDER_ID);
            assertThat(validated.currency()).isEqualTo("USD");
            assertThat(validated.items()).hasSize(2);
            assertThat(validated.items().get(0)).satisfies(line -> {
                assertThat(line.sku()).isEqualTo(LAPTOP.sku());
                assertThat(line.name()).isEqualTo("Laptop");
                assertThat(line.quantity()).isEqualTo(2);
                assertThat(line.unitPrice()).isEqualByComparingTo("999.99");
                assertThat(line.lineTotal()).isEqualByComparingTo("1999.98");
            });
            assertThat(validated.items().get(1)).satisfies(line -> {
                assertThat(line.sku()).isEqualTo(KEYBOARD.sku());
                assertThat(line.name()).isEqualTo("Keyboard");
                assertThat(line.unitPrice()).isEqualByComparingTo("79.99");
                assertThat(line.lineTotal()).isEqualByComparingTo("79.99");
            });
            assertThat(validated.total()).isEqualByComparingTo("2079.97");
        });
    }

    @Test
    void addsUpCentsExactly() {
        ValidationReply answer = Pricing.price(anOrderOf(item(3, MOUSE)), theDemoCatalog());

        assertThat(answer).isInstanceOfSatisfying(OrderValidated.class, validated -> {
            assertThat(validated.items().get(0).lineTotal()).isEqualByComparingTo("89.97");
            assertThat(validated.total()).isEqualByComparingTo("89.97");
            // 3 * 29.99 in binary floating point is 89.97000000000001; in cents it stays cents
            assertThat(validated.total().scale()).isLessThanOrEqualTo(2);
        });
    }

    @Test
    void sumsLinesWithoutFloatingPointDrift() {
        // 0.10 + 0.20 is 0.30000000000000004 in binary floating point
        ValidationReply answer = Pricing.price(anOrderOf(item(1, CABLE), item(1, STICKER)), theDemoCatalog());

        assertThat(answer)
                .isInstanceOfSatisfying(
                        OrderValidated.class,
                        validated -> assertThat(validated.total()).isEqualByComparingTo(new BigDecimal("0.30")));
    }

    @Test
    void sumsManyLinesToTheCent() {
        ValidationReply answer = Pricing.price(
                anOrderOf(item(3, CABLE), item(1, STICKER), item(7, MOUSE), item(2, LAPTOP)), theDemoCatalog());

        assertThat(answer)
                .isInstanceOfSatisfying(
                        OrderValidated.class,
                        validated -> assertThat(validated.total()).isEqualByComparingTo(new BigDecimal("2210.41")));
    }

    @Test
    void acceptsAnItemWhoseCustomerSawTheCatalogPrice() {
        ValidationReply answer = Pricing.price(anOrderOf(item(3, MOUSE, "29.99")), theDemoCatalog());

        assertThat(answer)
                .isInstanceOfSatisfying(
                        OrderValidated.class,
                        validated -> assertThat(validated.total()).isEqualByComparingTo("89.97"));
    }

    @Test
    void acceptsTheSamePriceWrittenWithAnotherScale() {
        ValidationReply answer =
                Pricing.price(anOrderOf(item(1, MOUSE, "29.990"), item(1, LAPTOP, "999.9900")), theDemoCatalog());

        assertThat(answer).isInstanceOfSatisfying(OrderValidated.class, validated -> {
            assertThat(validated.total()).isEqualByComparingTo("1029.98");
            // priced at the catalog's price, not the customer's spelling of it
            assertThat(validated.items().get(0).unitPrice()).isEqualTo(MOUSE.price());
        });
    }

    @Test
    void neverPricesAtTheClientsPrice() {
        ValidationReply answer = Pricing.price(anOrderOf(item(1, MOUSE, "29.99")), aCatalogOf(MOUSE));

        assertThat(answer)
                .isInstanceOfSatisfying(
                        OrderValidated.class,
                        validated ->
                                assertThat(validated.items().get(0).unitPrice()).isSameAs(MOUSE.price()));
    }

    @Test
    void rejectsAnOrderWithUnknownSkusListingEachOnce() {
        ValidationReply answer = Pricing.price(
                anOrderOf(item(1, "PROD-404"), item(2, LAPTOP), item(1, "GHOST-1"), item(3, "PROD-404")),
                theDemoCatalog());

        assertThat(answer).isInstanceOfSatisfying(OrderRejected.class, rejected -> {
            assertThat(rejected.orderId()).isEqualTo(ORDER_ID);
            assertThat(rejected.reason()).isEqualTo("unknown_sku");
            assertThat(rejected.detail()).isEqualTo("Unknown SKU(s): PROD-404, GHOST-1");
        });
    }

    @Test
    void reportsUnknownSkusBeforeAnyPriceDifference() {
        ValidationReply answer =
                Pricing.price(anOrderOf(item(1, MOUSE, "19.99"), item(1, "PROD-404")), theDemoCatalog());

        assertThat(answer)
                .isInstanceOfSatisfying(
                        OrderRejected.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo("unknown_sku"));
    }

    @Test
    void rejectsAnOrderWhoseCustomerSawAnotherPrice() {
        ValidationReply answer =
                Pricing.price(anOrderOf(item(1, LAPTOP, "999.99"), item(2, MOUSE, "24.99")), theDemoCatalog());

        assertThat(answer).isInstanceOfSatisfying(OrderRejected.class, rejected -> {
            assertThat(rejected.orderId()).isEqualTo(ORDER_ID);
            assertThat(rejected.reason()).isEqualTo("price_changed");
            assertThat(rejected.detail()).isEqualTo("PROD-002 costs 29.99 USD, not 24.99");
        });
    }

    @Test
    void rejectsAPriceThatDiffersByOneCent() {
        ValidationReply answer = Pricing.price(anOrderOf(item(1, LAPTOP, "1000.00")), theDemoCatalog());

        assertThat(answer)
                .isInstanceOfSatisfying(
                        OrderRejected.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo("price_changed"));
    }

    @Test
    void rejectsAnOrderMixingCurrencies() {
        ValidationReply answer =
                Pricing.price(anOrderOf(item(1, MOUSE), item(1, EURO_ADAPTER)), aCatalogOf(MOUSE, EURO_ADAPTER));

        assertThat(answer)
                .isInstanceOfSatisfying(
                        OrderRejected.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo("mixed_currencies"));
    }

    @Test
    void pricesInTheCurrencyOfTheCatalog() {
        ValidationReply answer = Pricing.price(anOrderOf(item(2, EURO_ADAPTER)), aCatalogOf(EURO_ADAPTER));

        assertThat(answer).isInstanceOfSatisfying(OrderValidated.class, validated -> {
            assertThat(validated.currency()).isEqualTo("EUR");
            assertThat(validated.total()).isEqualByComparingTo("9.98");
        });
    }
}
