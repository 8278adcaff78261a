package dev.billingsync.web;

/**
 * A link of a list response (IPA-110).
 *
 * @param href absolute URL
 * @param rel {@code self}, {@code next} or {@code previous}
 */
public record Link(String href, String rel) {}
