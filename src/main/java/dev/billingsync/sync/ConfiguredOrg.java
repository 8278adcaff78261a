package dev.billingsync.sync;

import dev.billingsync.atlas.AtlasCredentials;
import org.jspecify.annotations.Nullable;

/** An organization ready to sync, with the credentials it uses. */
record ConfiguredOrg(String id, @Nullable String name, AtlasCredentials credentials) {}
