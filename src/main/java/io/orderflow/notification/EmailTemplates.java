package io.orderflow.notification;

import static java.util.Objects.requireNonNull;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The customer messages, from Mustache templates under {@code notification/templates/}: a subject line, a plain-text
 * body and an HTML body per {@link Kind}. The HTML body escapes every value it shows; the subject loses its control
 * characters, so no value can add a header.
 */
@Component
class EmailTemplates {

    enum Kind {
        WELCOME,
        PLACED,
        COMPLETED,
        FAILED,
        CANCELLED;

        String fileName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Rendered(String subject, String text, String html) {}

    private record Templates(Template subject, Template text, Template html) {}

    private static final String LOCATION = "notification/templates/";

    private final Map<Kind, Templates> templates = new EnumMap<>(Kind.class);

    EmailTemplates() {
        Mustache.Compiler plain = Mustache.compiler().escapeHTML(false).defaultValue("");
        Mustache.Compiler html = Mustache.compiler().escapeHTML(true).defaultValue("");
        Properties subjects = new Properties();
        try (Reader reader = reader(LOCATION + "subjects.properties")) {
            subjects.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Kind kind : Kind.values()) {
            String subject = subjects.getProperty(kind.fileName());
            if (subject == null) {
                throw new IllegalStateException("no subject for " + kind + " in " + LOCATION + "subjects.properties");
            }
            templates.put(
                    kind,
                    new Templates(
                            plain.compile(subject),
                            plain.compile(read(kind.fileName() + ".txt")),
                            html.compile(read(kind.fileName() + ".html"))));
        }
    }

    Rendered render(Kind kind, Map<String, ?> model) {
        Templates t = requireNonNull(templates.get(kind), kind::name);
        String subject =
                t.subject().execute(model).replaceAll("\\p{Cntrl}+", " ").strip();
        return new Rendered(subject, t.text().execute(model), t.html().execute(model));
    }

    private static String read(String name) {
        try (InputStream in = new ClassPathResource(LOCATION + name).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reader reader(String path) throws IOException {
        InputStream in = new ClassPathResource(path).getInputStream();
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }
}
