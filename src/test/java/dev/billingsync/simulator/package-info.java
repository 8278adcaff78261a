/** A stateful, scriptable fake of the Atlas Admin API billing endpoints, served over HTTP for tests and local runs. */
@NullMarked
package dev.billingsync.simulator;

import org.jspecify.annotations.NullMarked;
