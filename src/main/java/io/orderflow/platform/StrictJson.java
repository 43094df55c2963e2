package io.orderflow.platform;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Request bodies mean what they say: {@code 1.5} is not a quantity of 1, and a string with a NUL byte, a control
 * character or half of a surrogate pair is not text (PostgreSQL could not even store it). Both are refused as
 * bad input (400, naming the field) before any code sees them.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

    @Bean
    JsonMapperBuilderCustomizer strictJsonRules() {
        return builder -> builder.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .addModule(new SimpleModule("orderflow-strict-strings").addDeserializer(String.class, new Text()))
                .addHandler(new UnknownFieldsRefused());
    }

    /** Unknown fields in a {@link RejectUnknownFields} body are an error; elsewhere they are ignored as before. */
    static final class UnknownFieldsRefused extends DeserializationProblemHandler {

        @Override
        public boolean handleUnknownProperty(
                DeserializationContext context,
                JsonParser parser,
                ValueDeserializer<?> deserializer,
                Object beanOrClass,
                String property) {
            Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
            if (!type.isAnnotationPresent(RejectUnknownFields.class)) {
                return false;
            }
            throw (UnrecognizedPropertyException) UnrecognizedPropertyException.from(
                            parser, beanOrClass, property, deserializer.getKnownPropertyNames())
                    .prependPath(beanOrClass, property);
        }
    }

    /** A JSON string that is well-formed text: no control characters but tab and line breaks, no lone surrogates. */
    static final class Text extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            String value = super.deserialize(parser, context);
            String problem = value == null ? null : problemWith(value);
            if (problem != null) {
                return (String) context.handleWeirdStringValue(String.class, value, problem);
            }
            return value;
        }
    }

    /** Why {@code value} is not acceptable text, or null when it is. */
    static @Nullable String problemWith(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return "must not contain NUL characters";
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return "must not contain control characters";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return "must be valid Unicode (a lone surrogate)";
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return "must be valid Unicode (a lone surrogate)";
            }
        }
        return null;
    }
}
