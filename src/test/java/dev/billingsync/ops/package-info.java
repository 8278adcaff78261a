/** Tests of what operators rely on: health groups, metrics, logs, the Helm chart and docker-compose.yml. */
@NullMarked
package dev.billingsync.ops;

import org.jspecify.annotations.NullMarked;
