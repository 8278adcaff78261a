package dev.billingsync.web;

/**
 * A list body with fields of its own beside {@code links}, {@code results} and {@code totalCount} (e.g. spend
 * {@code totals}). {@code envelope=true} gives a list the {@code status} field on the list object itself (MongoDB
 * IPA-115), which only the body knows how to add; {@link EnvelopeAdvice} asks it.
 */
public interface ListBody {

    /** The same list with {@code status} as its last field. */
    Object withStatus(int status);
}
