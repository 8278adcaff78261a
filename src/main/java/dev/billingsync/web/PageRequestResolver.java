package dev.billingsync.web;

import dev.billingsync.web.ApiError.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Reads a {@link PageRequest} from {@code itemsPerPage}, {@code pageNum} and {@code includeCount}. */
final class PageRequestResolver implements HandlerMethodArgumentResolver {

    static final String ITEMS_PER_PAGE = "itemsPerPage";
    static final String PAGE_NUM = "pageNum";
    static final String INCLUDE_COUNT = "includeCount";

    /** Digits only, and few enough that they fit in a long; more digits are out of range anyway. */
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,18}");

    private static final Pattern DIGITS = Pattern.compile("[+-]?[0-9]+");

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == PageRequest.class;
    }

    @Override
    public PageRequest resolveArgument(
            MethodParameter parameter,
            @Nullable ModelAndViewContainer mavContainer,
            NativeWebRequest request,
            @Nullable WebDataBinderFactory binderFactory) {
        List<FieldViolation> violations = new ArrayList<>(3);
        int itemsPerPage = integer(
                request,
                ITEMS_PER_PAGE,
                PageRequest.DEFAULT_ITEMS_PER_PAGE,
                1,
                PageRequest.MAX_ITEMS_PER_PAGE,
                violations);
        int pageNum = integer(request, PAGE_NUM, 1, 1, Integer.MAX_VALUE, violations);
        boolean includeCount = bool(request, INCLUDE_COUNT, true, violations);
        if (!violations.isEmpty()) {
            throw ApiException.invalidParameters(violations);
        }
        return new PageRequest(itemsPerPage, pageNum, includeCount);
    }

    /** Absent, empty or 0 means the default (IPA-110); anything else must be an integer within [min, max]. */
    private static int integer(
            NativeWebRequest request,
            String name,
            int defaultValue,
            int min,
            int max,
            List<FieldViolation> violations) {
        String value = single(request, name, violations);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        String range = max == Integer.MAX_VALUE
                ? "must be an integer of at least " + min
                : "must be an integer between " + min + " and " + max;
        if (!INTEGER.matcher(value).matches()) {
            violations.add(new FieldViolation(name, DIGITS.matcher(value).matches() ? range : "must be an integer"));
            return defaultValue;
        }
        long number = Long.parseLong(value);
        if (number == 0) {
            return defaultValue;
        }
        if (number < min || number > max) {
            violations.add(new FieldViolation(name, range));
            return defaultValue;
        }
        return (int) number;
    }

    private static boolean bool(
            NativeWebRequest request, String name, boolean defaultValue, List<FieldViolation> violations) {
        String value = single(request, name, violations);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                violations.add(new FieldViolation(name, "must be true or false"));
                yield defaultValue;
            }
        };
    }

    private static @Nullable String single(NativeWebRequest request, String name, List<FieldViolation> violations) {
        String[] values = request.getParameterValues(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            violations.add(new FieldViolation(name, "must be given at most once"));
            return null;
        }
        return values[0];
    }
}
