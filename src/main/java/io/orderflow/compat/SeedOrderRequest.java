package io.orderflow.compat;

import io.orderflow.order.NewOrder;
import io.orderflow.platform.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /orders} in any seed's words: 001 {@code {customer_email, items[{product_id, name, quantity,
 * price}], total_amount}}, 003 {@code {user_id, product_id, quantity, price}}, 004 {@code {order_id, customer_id,
 * items[{sku, quantity, price}]}}. Every field is optional here: the fields that only one seed uses say whose body it
 * is, and {@link #understand} then asks for that seed's required ones. Fields no seed defines (001's item
 * {@code name}) are ignored, as those clients send them. Prices and totals are the client's: checked to be sane
 * numbers, never charged.
 */
record SeedOrderRequest(
        @Size(max = 254) @Email(regexp = EMAIL, message = "must be a valid email address") @Nullable
        String customerEmail,

        @Size(min = 1, max = 50) @Nullable List<@NotNull @Valid Item> items,

        @DecimalMin("0") @Digits(integer = 12, fraction = 20) @Nullable
        BigDecimal totalAmount,

        @Size(max = 64) @Pattern(regexp = ID, message = "may contain only letters, digits and . _ : -") @Nullable
        String orderId,

        @Size(max = 100) @Nullable String customerId,
        @PositiveOrZero @Nullable Long userId,
        @Nullable JsonNode productId,
        @Min(1) @Max(1000) @Nullable Integer quantity,

        @DecimalMin("0") @Digits(integer = 12, fraction = 20) @Nullable
        BigDecimal price) {

    static final String EMAIL = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+";
    static final String ID = "[A-Za-z0-9._:-]+";
    /** A SKU, or a product id that names one; surrounding spaces are trimmed. */
    static final String SKU = "\\s*[A-Za-z0-9._:-]{1,64}\\s*";

    /** One line of an order: 001 names the product {@code product_id}, 004 {@code sku}; either is taken. */
    record Item(
            @Pattern(regexp = SKU, message = "must be a product id of letters, digits and . _ : -") @Nullable
            String productId,

            @Pattern(regexp = SKU, message = "must be a SKU of letters, digits and . _ : -") @Nullable
            String sku,

            @Min(1) @Max(1000) @Nullable Integer quantity,

            @DecimalMin("0") @Digits(integer = 12, fraction = 20) @Nullable
            BigDecimal price) {}

    /** Whose body this is and what it asks for; 400 when it is nobody's, several seeds' at once, or incomplete. */
    SeedOrder understand() {
        Set<Seed> seeds = EnumSet.noneOf(Seed.class);
        if (customerEmail != null) {
            seeds.add(Seed.PIPELINE);
        }
        if (userId != null || given(productId) || quantity != null || price != null) {
            seeds.add(Seed.PUB_SUB);
        }
        if (orderId != null || customerId != null) {
            seeds.add(Seed.ORDER_SERVICE);
        }
        if (seeds.size() != 1) {
            throw unrecognised(seeds);
        }
        Seed seed = seeds.iterator().next();
        List<Map<String, String>> errors = new ArrayList<>();
        SeedOrder order = switch (seed) {
            case PIPELINE -> pipeline(errors);
            case PUB_SUB -> pubSub(errors);
            case ORDER_SERVICE -> orderService(errors);
        };
        if (!errors.isEmpty()) {
            ApiProblem problem = new ApiProblem(
                    HttpStatus.BAD_REQUEST,
                    "validation",
                    "Request is not valid",
                    Map.of("errors", errors, "seed", seed.number()));
            problem.problem().setTitle("Validation failed");
            throw problem;
        }
        return order;
    }

    private SeedOrder pipeline(List<Map<String, String>> errors) {
        List<Map<String, Object>> saidLines = new ArrayList<>();
        List<NewOrder.Item> lines = lines("product_id", saidLines, errors);
        Map<String, Object> said = new LinkedHashMap<>();
        said.put("items", saidLines);
        if (totalAmount != null) {
            said.put("total_amount", plain(totalAmount));
        }
        // the address goes to the order alone: nothing personal is kept here
        return new SeedOrder(Seed.PIPELINE, null, requireText(customerEmail, "customer_email", errors), lines, said);
    }

    private SeedOrder pubSub(List<Map<String, String>> errors) {
        if (userId == null) {
            errors.add(error("user_id", "is required"));
        }
        if (quantity == null) {
            errors.add(error("quantity", "is required"));
        }
        String sku = productSku(errors);
        Map<String, Object> said = new LinkedHashMap<>();
        said.put("user_id", userId);
        said.put("product_id", productId);
        said.put("quantity", quantity);
        if (price != null) {
            said.put("price", plain(price));
        }
        List<NewOrder.Item> lines =
                sku == null || quantity == null ? List.of() : List.of(new NewOrder.Item(sku, quantity, null));
        return new SeedOrder(Seed.PUB_SUB, null, null, lines, said);
    }

    private SeedOrder orderService(List<Map<String, String>> errors) {
        String id = requireText(orderId, "order_id", errors);
        String customer = requireText(customerId, "customer_id", errors);
        List<Map<String, Object>> saidLines = new ArrayList<>();
        List<NewOrder.Item> lines = lines("sku", saidLines, errors);
        Map<String, Object> said = new LinkedHashMap<>();
        said.put("order_id", id);
        said.put("customer_id", customer);
        said.put("items", saidLines);
        return new SeedOrder(Seed.ORDER_SERVICE, id, null, lines, said);
    }

    /** 003's product: an integer n is the demo catalog's {@code PROD-00n}; a string is a SKU as it stands. */
    private @Nullable String productSku(List<Map<String, String>> errors) {
        JsonNode product = productId;
        if (product == null || !given(product)) {
            errors.add(error("product_id", "is required"));
            return null;
        }
        if (product.isIntegralNumber() && product.canConvertToInt() && product.intValue() > 0) {
            return String.format(Locale.ROOT, "PROD-%03d", product.intValue());
        }
        String text = product.isString() ? product.stringValue() : null;
        if (text == null || !text.matches(SKU)) {
            errors.add(error("product_id", "must be a positive integer or a SKU of letters, digits and . _ : -"));
            return null;
        }
        return text.trim();
    }

    /**
     * The order lines, and into {@code said} each as the client gave it, with its price (for the record: never
     * charged). {@code skuField} is what this seed calls the product; the other seed's name for it is taken too.
     */
    private List<NewOrder.Item> lines(
            String skuField, List<Map<String, Object>> said, List<Map<String, String>> errors) {
        List<Item> given = items;
        if (given == null || given.isEmpty()) {
            errors.add(error("items", "is required: at least one item"));
            return List.of();
        }
        List<NewOrder.Item> lines = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            Item item = given.get(i);
            String sku = item.sku() != null ? item.sku() : item.productId();
            Integer count = item.quantity();
            if (sku == null) {
                errors.add(error("items[" + i + "]." + skuField, "is required"));
            }
            if (count == null) {
                errors.add(error("items[" + i + "].quantity", "is required"));
            }
            if (sku != null && count != null) {
                lines.add(new NewOrder.Item(sku.trim(), count, null));
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("sku", sku.trim());
                line.put("quantity", count);
                BigDecimal clientPrice = item.price();
                if (clientPrice != null) {
                    line.put("price", plain(clientPrice));
                }
                said.add(line);
            }
        }
        return lines;
    }

    private static String requireText(@Nullable String value, String field, List<Map<String, String>> errors) {
        if (value == null || value.isBlank()) {
            errors.add(error(field, "is required"));
            return "";
        }
        return value.trim();
    }

    private static boolean given(@Nullable JsonNode value) {
        return value != null && !value.isNull() && !value.isMissingNode();
    }

    /** One form per amount ({@code 1200}, {@code 1200.0}, {@code 1.2E+3} alike); bounded by {@code @Digits}. */
    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> error(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    private static ApiProblem unrecognised(Set<Seed> seeds) {
        String detail = seeds.isEmpty()
                ? "The body is none of the order shapes this endpoint takes (those of the seeds' clients, in 'expected')"
                        + "; orderflow's own API is POST /api/orders"
                : "The body mixes the fields of seeds "
                        + seeds.stream().map(Seed::number).collect(Collectors.joining(" and "))
                        + "; send one of the shapes in 'expected'";
        List<Map<String, Object>> expected =
                EnumSet.allOf(Seed.class).stream().map(Seed::shape).toList();
        return new ApiProblem(HttpStatus.BAD_REQUEST, "unrecognised-order", detail, Map.of("expected", expected));
    }
}
