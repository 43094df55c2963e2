package io.orderflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of the web pages ({@code src/main/resources/static}) as text, for tests that hold the lists the pages copy
 * from the server (they have no build step and ask the server for no schema) to the server's own.
 */
public record PageSource(String path, String text) {

    /** A file by its path under {@code static/}, e.g. {@code shared/order-status.js}. */
    public static PageSource of(String path) {
        try (InputStream in = PageSource.class.getResourceAsStream("/static/" + path)) {
            assertThat(in).as(path + " on the classpath").isNotNull();
            return new PageSource(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The source of {@code const NAME = ...;} (exported or not), up to the statement's end. */
    public String constant(String name) {
        Matcher m = Pattern.compile("const " + name + " = (.*?);\\n", Pattern.DOTALL)
                .matcher(text);
        assertThat(m.find()).as(path + " declares " + name).isTrue();
        return m.group(1);
    }

    /** The first group of each match of regex (multi-line) in source, in order, each once. */
    public static Set<String> quoted(String source, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(source);
        Set<String> found = new LinkedHashSet<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
