package dev.billingsync.orgs;

import org.jspecify.annotations.Nullable;

/** An Atlas organization: its 24-hex id and display name (none until configured or listed with one). */
public record Org(String id, @Nullable String name) {}
