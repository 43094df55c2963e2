package io.orderflow.platform;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request body that refuses fields it does not define (400, naming the field), so a client cannot even try
 * to set what it may not (status, totals, version, owner, roles). Only for bodies clients send over HTTP:
 * messages between modules stay tolerant readers, so a newer sender's extra field breaks no older consumer.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RejectUnknownFields {}
