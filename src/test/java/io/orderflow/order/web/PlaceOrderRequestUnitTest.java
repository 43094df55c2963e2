package io.orderflow.order.web;

import static io.orderflow.order.web.OrderRequests.LAPTOP;
import static io.orderflow.order.web.OrderRequests.MOUSE;
import static io.orderflow.order.web.OrderRequests.aValidOrderRequest;
import static io.orderflow.order.web.OrderRequests.addressIn;
import static io.orderflow.order.web.OrderRequests.anOrderRequestFor;
import static io.orderflow.order.web.OrderRequests.item;
import static io.orderflow.order.web.OrderRequests.itemByProductId;
import static io.orderflow.order.web.OrderRequests.itemNamedBoth;
import static io.orderflow.order.web.OrderRequests.mice;
import static io.orderflow.order.web.OrderRequests.withAddress;
import static io.orderflow.order.web.OrderRequests.withEmail;
import static io.orderflow.order.web.OrderRequests.withItems;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.order.NewOrder;
import io.orderflow.shipping.ShippingAddress;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class PlaceOrderRequestUnitTest {

    /** Where a missing or contradictory sku / product_id is reported. */
    private static final String SKU_RULE = "items[0].skuOrProductIdGiven";

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void createValidator() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void closeValidator() {
        factory.close();
    }

    @Nested
    class BeanValidation {

        @Test
        void acceptsAWellFormedOrder() {
            assertThat(violations(aValidOrderRequest())).isEmpty();
        }

        @Test
        void acceptsAnOrderWithoutOptionalParts() {
            var request = new PlaceOrderRequest(null, "ada@example.com", List.of(item(LAPTOP, 1, null)), null, null);

            assertThat(violations(request)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 1001})
        void rejectsAQuantityOutsideOneToAThousand(int quantity) {
            var request = anOrderRequestFor(item(LAPTOP, 1, null), item(MOUSE, quantity, null));

            assertThat(violations(request)).containsOnlyKeys("items[1].quantity");
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 1000})
        void acceptsTheBoundaryQuantities(int quantity) {
            assertThat(violations(anOrderRequestFor(item(LAPTOP, quantity, null))))
                    .isEmpty();
        }

        @Test
        void rejectsAQuantityThatIsMissing() {
            var request = anOrderRequestFor(new PlaceOrderRequest.Item(LAPTOP, null, null, null));

            assertThat(violations(request)).containsOnlyKeys("items[0].quantity");
        }

        @Test
        void acceptsFiftyItems() {
            assertThat(violations(withItems(aValidOrderRequest(), mice(50)))).isEmpty();
        }

        @Test
        void rejectsMoreThanFiftyItems() {
            assertThat(violations(withItems(aValidOrderRequest(), mice(51)))).containsOnlyKeys("items");
        }

        @Test
        void rejectsAnOrderWithoutItems() {
            assertThat(violations(withItems(aValidOrderRequest(), List.of()))).containsOnlyKeys("items");
            assertThat(violations(withItems(aValidOrderRequest(), null))).containsOnlyKeys("items");
        }

        @ParameterizedTest
        @ValueSource(strings = {"ada", "ada@example", "ada@@example.com", "ada lovelace@example.com", "", " "})
        void rejectsAMalformedEmail(String email) {
            assertThat(violations(withEmail(aValidOrderRequest(), email))).containsOnlyKeys("customerEmail");
        }

        @Test
        void rejectsAMissingEmail() {
            assertThat(violations(withEmail(aValidOrderRequest(), null))).containsOnlyKeys("customerEmail");
        }

        @Test
        void acceptsProductIdAsASynonymOfSku() {
            assertThat(violations(anOrderRequestFor(itemByProductId(LAPTOP, 1))))
                    .isEmpty();
        }

        @Test
        void acceptsSkuAndProductIdWhenTheyAgree() {
            assertThat(violations(anOrderRequestFor(itemNamedBoth(LAPTOP, LAPTOP, 1))))
                    .isEmpty();
        }

        @Test
        void rejectsAnItemWhoseSkuAndProductIdDisagree() {
            var problems = violations(anOrderRequestFor(itemNamedBoth(LAPTOP, MOUSE, 1)));

            assertThat(problems).containsOnlyKeys(SKU_RULE);
            assertThat(problems.get(SKU_RULE)).contains("must agree");
        }

        @Test
        void rejectsAnItemNamingNeitherSkuNorProductId() {
            assertThat(violations(anOrderRequestFor(itemNamedBoth(null, null, 1))))
                    .containsOnlyKeys(SKU_RULE);
        }

        @Test
        void rejectsABlankSku() {
            assertThat(violations(anOrderRequestFor(itemNamedBoth("  ", null, 1))))
                    .containsOnlyKeys(SKU_RULE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"GBR", "G", "1A", "", "G B"})
        void rejectsACountryThatIsNotTwoLetters(String country) {
            var problems = violations(withAddress(aValidOrderRequest(), addressIn(country)));

            assertThat(problems).containsOnlyKeys("shippingAddress.country");
        }

        @Test
        void rejectsAnAddressWithoutCountry() {
            assertThat(violations(withAddress(aValidOrderRequest(), addressIn(null))))
                    .containsOnlyKeys("shippingAddress.country");
        }

        @Test
        void acceptsALowerCaseCountryCode() {
            assertThat(violations(withAddress(aValidOrderRequest(), addressIn("gb"))))
                    .isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"29.999", "0.001"})
        void rejectsAUnitPriceWithMoreThanTwoDecimals(String price) {
            assertThat(violations(anOrderRequestFor(item(MOUSE, 1, price)))).containsOnlyKeys("items[0].unitPrice");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "0.00", "-5.00"})
        void rejectsAUnitPriceBelowOneCent(String price) {
            assertThat(violations(anOrderRequestFor(item(MOUSE, 1, price)))).containsOnlyKeys("items[0].unitPrice");
        }

        @Test
        void acceptsAUnitPriceWrittenWithFewerDecimals() {
            assertThat(violations(anOrderRequestFor(item(MOUSE, 1, "30"), item(LAPTOP, 1, "999.9"))))
                    .isEmpty();
        }

        @Test
        void rejectsACardTokenWithPunctuation() {
            var request = new PlaceOrderRequest(
                    "ord-42",
                    "ada@example.com",
                    List.of(item(LAPTOP, 1, null)),
                    new PlaceOrderRequest.Payment("tok_visa'; drop table"),
                    null);

            assertThat(violations(request)).containsOnlyKeys("payment.cardToken");
        }

        @Test
        void rejectsAnOrderIdWithCharactersOutsideTheAllowedSet() {
            var request =
                    new PlaceOrderRequest("ord 42/../x", "ada@example.com", List.of(item(LAPTOP, 1, null)), null, null);

            assertThat(violations(request)).containsOnlyKeys("orderId");
        }
    }

    @Nested
    class Json {

        private final JsonMapper json = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .build();

        @Test
        void readsASnakeCaseBodyAndMapsProductIdToTheSku() {
            PlaceOrderRequest request = json.readValue("""
                    {
                      "order_id": "ord-42",
                      "customer_email": "ada@example.com",
                      "items": [
                        { "product_id": "PROD-001", "quantity": 2, "unit_price": 999.99 },
                        { "product_id": " PROD-002 ", "quantity": 1 }
                      ],
                      "payment": { "card_token": "tok_visa" },
                      "shipping_address": {
                        "name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London",
                        "postal_code": "SW1Y 4JH", "country": "gb"
                      }
                    }
                    """, PlaceOrderRequest.class);

            assertThat(violations(request)).isEmpty();
            NewOrder order = request.toNewOrder();
            assertThat(order.orderId()).isEqualTo("ord-42");
            assertThat(order.customerEmail()).isEqualTo("ada@example.com");
            assertThat(order.items())
                    .containsExactly(
                            new NewOrder.Item("PROD-001", 2, new BigDecimal("999.99")),
                            new NewOrder.Item("PROD-002", 1, null));
            assertThat(order.cardToken()).isEqualTo("tok_visa");
            assertThat(order.shippingAddress())
                    .isEqualTo(new ShippingAddress("Ada Lovelace", "12 St James's Square", "London", "SW1Y 4JH", "GB"));
        }

        @Test
        void uppercasesTheCountryTheSameWayWhateverTheServersLocale() {
            PlaceOrderRequest request = json.readValue("""
                    { "customer_email": "ada@example.com", "items": [ { "sku": "PROD-003", "quantity": 1 } ],
                      "shipping_address": { "country": "it" } }
                    """, PlaceOrderRequest.class);
            Locale before = Locale.getDefault();
            try {
                // in Turkish, "i".toUpperCase() is the dotted capital \u0130
                Locale.setDefault(Locale.forLanguageTag("tr-TR"));

                assertThat(request.toNewOrder().shippingAddress().country()).isEqualTo("IT");
            } finally {
                Locale.setDefault(before);
            }
        }

        @Test
        void readsTheSkuWhenTheClientNamesItSku() {
            PlaceOrderRequest request = json.readValue("""
                    { "customer_email": "ada@example.com", "items": [ { "sku": "PROD-003", "quantity": 4 } ] }
                    """, PlaceOrderRequest.class);

            assertThat(violations(request)).isEmpty();
            assertThat(request.toNewOrder().items()).containsExactly(new NewOrder.Item("PROD-003", 4, null));
        }

        @Test
        void leavesOutPaymentAndAddressWhenTheClientSentNone() {
            PlaceOrderRequest request = json.readValue("""
                    { "customer_email": "ada@example.com", "items": [ { "product_id": "PROD-003", "quantity": 1 } ] }
                    """, PlaceOrderRequest.class);

            NewOrder order = request.toNewOrder();
            assertThat(order.orderId()).isNull();
            assertThat(order.cardToken()).isNull();
            assertThat(order.shippingAddress()).isNull();
        }

        @Test
        void writesNoValidationHelpersIntoTheBody() {
            String written = json.writeValueAsString(anOrderRequestFor(itemByProductId(LAPTOP, 1)));

            assertThat(written)
                    .contains("\"product_id\":\"PROD-001\"")
                    .doesNotContain("effective_sku")
                    .doesNotContain("given");
        }
    }

    /** Violations as property path -> messages, so a test names the field it expects to be refused. */
    private static Map<String, String> violations(PlaceOrderRequest request) {
        Set<ConstraintViolation<PlaceOrderRequest>> found = validator.validate(request);
        return found.stream()
                .collect(Collectors.groupingBy(
                        v -> v.getPropertyPath().toString(),
                        TreeMap::new,
                        Collectors.mapping(ConstraintViolation::getMessage, Collectors.joining("; "))));
    }
}
