package dev.billingsync.atlas;

import tools.jackson.databind.JsonNode;

/** An invoice of a linked organization inside the paying organization's invoice: its header and the whole object. */
public record AtlasLinkedInvoice(AtlasInvoice header, JsonNode raw) {}
