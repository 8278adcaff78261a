package dev.billingsync.atlas;

/**
 * How a Cost Explorer result is asked for: {@code Accept: application/vnd.atlas.{version}+json} or {@code +csv}. Both
 * carry the same rows ({@link AtlasCostExplorerReader}).
 */
enum CostExplorerFormat {
    JSON,
    CSV;

    /** The media-type suffix Atlas uses for this format. */
    String suffix() {
        return this == JSON ? "json" : "csv";
    }
}
