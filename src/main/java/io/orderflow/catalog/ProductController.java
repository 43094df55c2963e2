package io.orderflow.catalog;

import io.orderflow.platform.ApiProblem;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The catalog as the shop shows it: prices and how many of each are available now. */
@RestController
@RequestMapping("/api/products")
class ProductController {

    /** As many SKUs as one order may hold. */
    static final int MAX_SKUS = 50;

    private static final int MAX_SKU_LENGTH = 64;

    private final Catalog catalog;

    ProductController(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The whole catalog; with {@code sku} (repeated, or separated by commas), only those products, in the order
     * asked, an unknown SKU left out: what a basket costs now. The distributed order service prices new orders by
     * this read (ADR 0021).
     */
    @GetMapping
    List<Product> products(@RequestParam(name = "sku", required = false) @Nullable List<String> skus) {
        if (skus == null) {
            return catalog.products();
        }
        List<String> asked = skus.stream()
                .flatMap(value -> Arrays.stream(value.split(","))) // Spring splits a lone value only
                .map(String::trim)
                .filter(sku -> !sku.isEmpty())
                .distinct()
                .toList();
        if (asked.size() > MAX_SKUS || asked.stream().anyMatch(sku -> sku.length() > MAX_SKU_LENGTH)) {
            throw ApiProblem.invalid(
                    "sku", "at most " + MAX_SKUS + " SKUs of at most " + MAX_SKU_LENGTH + " characters each");
        }
        Map<String, Product> found = catalog.products(asked);
        return asked.stream().map(found::get).filter(Objects::nonNull).toList();
    }
}
