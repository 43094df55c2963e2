package io.orderflow.platform;

import static java.util.Objects.requireNonNull;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

class ModuleCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        var attributes = metadata.getAnnotationAttributes(ConditionalOnModule.class.getName());
        if (attributes == null) {
            return false;
        }
        return Modules.from(context.getEnvironment())
                .runs((String) requireNonNull(attributes.get("value"), "@ConditionalOnModule names its module"));
    }
}
