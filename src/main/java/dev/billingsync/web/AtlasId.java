package dev.billingsync.web;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * An Atlas object id: 24 lower-case hexadecimal digits. Put it on {@code @PathVariable} and {@code @RequestParam}
 * strings ({@code orgId}, {@code invoiceId}); Spring's built-in method validation then answers a malformed id with a
 * 400 {@code INVALID_PARAMETER} naming the parameter in {@code badRequestDetail.fields}.
 */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = AtlasId.REGEXP)
@ReportAsSingleViolation
@Target({PARAMETER, FIELD, TYPE_USE})
@Retention(RUNTIME)
public @interface AtlasId {

    /** The pattern every Atlas id matches. */
    String REGEXP = "^[a-f0-9]{24}$";

    String message() default "must be a 24-character hexadecimal id";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
